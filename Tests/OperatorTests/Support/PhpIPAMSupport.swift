// A phpIPAM test server next to the emulated cluster, and objects as the original controller left them.
import Foundation
import IPAMCore
import KubeClient
import OverlayAPI
import PhpIPAMEmulator

extension OperatorHarness {
    /// Runs `body` with a phpIPAM test server for `emulator`; always shuts the server down.
    func withPhpIPAM<T>(_ emulator: PhpIPAMEmulator, _ body: (PhpIPAMServer) async throws -> T) async throws -> T {
        let server = try await PhpIPAMServer.start(emulator: emulator)
        do {
            let result = try await body(server)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    /// A configuration of cluster `test-cluster` for `server`'s `iksnone` app (static token, plain HTTP).
    func phpIPAMConfiguration(_ server: PhpIPAMServer, subnetMap: String = "{dal10: [7]}") throws -> OverlayConfiguration {
        let token = try directory.write("iksnonestatictoken000000", to: "token")
        return try OverlayConfiguration.parse(yaml: """
            clusterID: test-cluster
            ipam:
              backend: phpipam
              phpipam:
                url: \(server.baseURL)
                appID: iksnone
                credentials: {tokenFile: \(token)}
                subnetMap: \(subnetMap)
            """)
    }

    /// A NodeOverlayIp as the original controller left it: no ownerReference, its finalizer, an address in status.
    func createLegacyObject(_ node: String, zone: String = "dal10", ipAddr: String) async throws {
        _ = try await client.create(
            NodeOverlayIp(metadata: ObjectMeta(name: node, labels: ["zone": zone], finalizers: [Overlay.legacyFinalizer])))
        _ = try await client.patchStatus(
            NodeOverlayIp.self, name: node,
            patch: .merge(.object(["status": .object(["ipAddr": .string(ipAddr), "gateway": .string("192.168.100.1")])])))
    }
}
