// The address lifecycle and crash recovery with the NetBox backend against the NetBox emulator over HTTP.
import Foundation
import IPAMBackends
import IPAMCore
import KubeClient
import NetBoxEmulator
import Operator
import OverlayAPI
import Testing

@Suite("Address lifecycle with the NetBox backend")
struct NetBoxScenarioTests {
    /// Runs `body` with the recorded NetBox (`NetBoxSeed.example`) and a configuration for its prefix 1
    /// (192.168.110.0/24, gateway .1, .10 reserved) in zone dal10, marked with its tag and exact custom field.
    func withNetBox(
        _ cluster: OperatorHarness, _ body: (NetBoxEmulator, OverlayConfiguration) async throws -> Void
    ) async throws {
        let emulator = NetBoxEmulator()
        let server = try await NetBoxServer.start(emulator: emulator)
        do {
            let token = try cluster.directory.write(NetBoxSeed.exampleToken.secret + "\n", to: "netbox-token")
            let configuration = try OverlayConfiguration.parse(yaml: """
                clusterID: test-cluster
                ipam:
                  backend: netbox
                  netbox:
                    url: \(server.baseURL)
                    credentials: {tokenFile: \(token)}
                    tag: overlay
                    clusterField: owner_cluster
                    prefixMap: {dal10: [1]}
                """)
            try await body(emulator, configuration)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    /// The emulator's active addresses of the test cluster, as `address → dns_name`.
    func held(in emulator: NetBoxEmulator) async -> [String: String] {
        Dictionary(uniqueKeysWithValues: await emulator.addresses()
            .filter { $0.status == "active" && $0.customFields["owner_cluster"] == "test-cluster" }
            .map { ($0.address, $0.dnsName) })
    }

    @Test("nodes get addresses from the NetBox prefix, never its gateway or reserved address, and removal releases them")
    func lifecycle() async throws {
        try await OperatorHarness.with { cluster in
            try await withNetBox(cluster) { emulator, configuration in
                let ipam = try await cluster.backend(configuration)
                let running = try await cluster.startOperator(ipam: ipam, zones: ["dal10"])
                let names = (0..<10).map { "node-\($0)" }
                for name in names { try await cluster.createNode(name, zone: "dal10") }
                var recorded: [String: String] = [:]
                for name in names {
                    let object = try await cluster.waitUntilReserved(name)
                    #expect(object.status.gateway == "192.168.110.1")
                    recorded[try #require(object.status.ipAddr)] = name
                }
                #expect(recorded.count == 10)
                #expect(recorded["192.168.110.1/24"] == nil && recorded["192.168.110.10/24"] == nil)
                #expect(await held(in: emulator) == recorded)

                try await cluster.deleteNode("node-0")
                try await cluster.waitUntil("node-0's NodeOverlayIp gone") { try await cluster.address("node-0") == nil }
                #expect(try await ipam.allocations().count == 9)
                #expect(!(await held(in: emulator)).values.contains("node-0"))
                #expect(await emulator.addresses().contains { $0.status == "deprecated" && $0.description.hasPrefix("overlay-ip-controller: released node-0 at ") })
                await running.stop()
            }
        }
    }

    @Test("killed between reserve and status write, or right after it, the restarted operator keeps the one NetBox address",
          arguments: [CrashPoint.afterReserve, .afterStatusWrite])
    func crashAroundStatusWrite(point: CrashPoint) async throws {
        try await OperatorHarness.with { cluster in
            try await withNetBox(cluster) { emulator, configuration in
                let owner = IPAMOwner(clusterID: "test-cluster", nodeName: "node-a")
                let signal = CrashSignal(at: point, node: "node-a")
                let firstIPAM = try await cluster.backend(configuration)
                let first = try await cluster.startOperator(ipam: firstIPAM, zones: ["dal10"], crashHook: signal.hook)
                try await cluster.createNode("node-a", zone: "dal10")
                try await cluster.createNode("node-b", zone: "dal10")
                await signal.reached()
                await first.crash()
                let heldBefore = try #require(try await firstIPAM.allocation(for: owner, family: .v4))

                // A new process: a fresh backend that knows nothing but what NetBox holds.
                let secondIPAM = try await cluster.backend(configuration)
                let second = try await cluster.startOperator(ipam: secondIPAM, zones: ["dal10"])
                let object = try await cluster.waitUntilReserved("node-a")
                let other = try await cluster.waitUntilReserved("node-b")
                #expect(object.status.ipAddr == heldBefore.cidr)
                let inNetBox = await held(in: emulator)
                #expect(inNetBox.count == 2, "NetBox holds \(inNetBox)")
                #expect(inNetBox[heldBefore.cidr] == "node-a")
                #expect(inNetBox[other.status.ipAddr ?? ""] == "node-b")
                await second.stop()
            }
        }
    }
}
