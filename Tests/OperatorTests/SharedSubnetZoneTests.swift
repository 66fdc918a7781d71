// A local subnet listed under two zones: each node's status.zone is its own, and moving between them is no zone change.
import IPAMCore
import KubeClient
import Operator
import OverlayAPI
import Testing

@Suite("A subnet shared by zones: status.zone and ZoneChanged")
struct SharedSubnetZoneTests {
    /// dal10 and dal12 list the same subnet; dal13 has its own.
    private func sharedConfiguration(_ cluster: OperatorHarness) throws -> OverlayConfiguration {
        try OverlayConfiguration.parse(yaml: """
            clusterID: test-cluster
            ipam:
              backend: local
              local:
                database: \(cluster.directory.file("shared.db"))
                zones:
                  dal10:
                    - {subnet: 192.168.100.0/24, gateway: 192.168.100.1}
                  dal12:
                    - {subnet: 192.168.100.0/24, gateway: 192.168.100.1}
                  dal13:
                    - {subnet: 192.168.200.0/28, gateway: 192.168.200.1}
            """)
    }

    private func relabel(_ cluster: OperatorHarness, _ name: String, zone: String) async throws {
        let labels: JSONValue = .object(["metadata": .object(["labels": .object(["topology.kubernetes.io/zone": .string(zone)])])])
        _ = try await cluster.client.patch(Node.self, name: name, patch: .merge(labels))
    }

    @Test("each node's status.zone is its own zone; relabelling between zones sharing the subnet raises no ZoneChanged, leaving them does")
    func statusZoneIsTheNodesOwn() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.backend(try sharedConfiguration(cluster))
            let running = try await cluster.startOperator(ipam: ipam, zones: ["dal10", "dal12", "dal13"])
            try await cluster.createNode("a-1", zone: "dal10")
            try await cluster.createNode("b-1", zone: "dal12")
            let first = try await cluster.waitUntilReserved("a-1")
            let second = try await cluster.waitUntilReserved("b-1")
            #expect(first.status.subnet == "192.168.100.0/24" && second.status.subnet == "192.168.100.0/24")
            #expect(first.status.zone == "dal10")
            #expect(second.status.zone == "dal12")
            #expect(second.status.conditions?.condition(ofType: "Reserved")?.message.hasSuffix("in zone dal12") == true)

            try await relabel(cluster, "b-1", zone: "dal10")
            try await cluster.waitUntil("b-1's labels and status.zone follow its node to dal10") {
                let object = try await cluster.address("b-1")
                return object?.metadata.labels[Overlay.Label.zone] == "dal10" && object?.status.zone == "dal10"
            }
            #expect(try await cluster.address("b-1")?.status.ipAddr == second.status.ipAddr, "the address stays")

            // A move to a zone that does not list the subnet is still reported (and shows Events do arrive).
            try await relabel(cluster, "a-1", zone: "dal13")
            try await cluster.waitUntil("a ZoneChanged Event about a-1") {
                !TakeoverTests.events(cluster, reason: "ZoneChanged", about: "a-1").isEmpty
            }
            #expect(try await cluster.address("a-1")?.status.zone == "dal10")
            #expect(TakeoverTests.events(cluster, reason: "ZoneChanged", about: "b-1").isEmpty)
            await running.stop()
        }
    }
}
