// Reads the addresses the cluster records: every NodeOverlayIp's status.ipAddrs, through the API server.
import KubeClient
import OverlayAPI

/// The cluster side of `overlay-ipam check`.
public enum ClusterAddresses {
    /// Node name → the addresses every NodeOverlayIp records: `status.ipAddrs`, or `status.ipAddr` alone as the
    /// operator wrote it before dual stack (empty while none is written).
    public static func list(kubeconfig: String?) async throws -> [String: [String]] {
        let client: KubeClient
        do {
            client = KubeClient(configuration: try KubeConfiguration.detect(kubeconfig: kubeconfig))
        } catch {
            throw CommandFailure("cannot reach the cluster: \(error)")
        }
        let objects = try await client.listAll(NodeOverlayIp.self).items
        return Dictionary(objects.map { ($0.metadata.name, recordedAddresses(of: $0.status)) }, uniquingKeysWith: { first, _ in first })
    }

    /// `status.ipAddrs`, else `[status.ipAddr]`, else empty.
    static func recordedAddresses(of status: NodeOverlayIpStatus) -> [String] {
        if let list = status.ipAddrs, !list.isEmpty { return list }
        return [status.ipAddr].compactMap { $0 }.filter { !$0.isEmpty }
    }
}
