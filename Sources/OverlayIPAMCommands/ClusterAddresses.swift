// Reads the addresses the cluster records: every NodeOverlayIp's status.ipAddr, through the API server.
import KubeClient
import OverlayAPI

/// The cluster side of `overlay-ipam check`.
public enum ClusterAddresses {
    /// Node name → `status.ipAddr` of every NodeOverlayIp (nil while none is written).
    public static func list(kubeconfig: String?) async throws -> [String: String?] {
        let client: KubeClient
        do {
            client = KubeClient(configuration: try KubeConfiguration.detect(kubeconfig: kubeconfig))
        } catch {
            throw CommandFailure("cannot reach the cluster: \(error)")
        }
        let objects = try await client.listAll(NodeOverlayIp.self).items
        return Dictionary(objects.map { ($0.metadata.name, $0.status.ipAddr) }, uniquingKeysWith: { first, _ in first })
    }
}
