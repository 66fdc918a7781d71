// Taking over from the original controller and releasing safely, over HTTP against both emulators.
import Foundation
import IPAddressing
import IPAMCore
import IPAMphpIPAM
import KubeClient
import KubeRuntime
import Operator
import OverlayAPI
import PhpIPAMEmulator
import TestSupport
import Testing

@Suite("Taking over from the original controller; release safety")
struct TakeoverTests {
    /// The Events about `name` with `reason`.
    static func events(_ cluster: OperatorHarness, reason: String, about name: String) -> [String] {
        cluster.emulator.objects(apiVersion: "events.k8s.io/v1", kind: "Event").filter {
            $0["reason"]?.stringValue == reason && $0["regarding"]?["name"]?.stringValue == name
        }.compactMap { $0["note"]?.stringValue }
    }

    @Test("phpIPAM: a row of the original (owner with newline, no hostname) and its NodeOverlayIp keep the address, Reserved=True, one row; deleting the node releases it")
    func phpIPAMLegacyRowIsAdopted() async throws {
        try await OperatorHarness.with { cluster in
            let emulator = PhpIPAMEmulator()
            try await cluster.withPhpIPAM(emulator) { server in
                // The original's request: an untyped body, which phpIPAM reads with parse_str (owner keeps its newline).
                let written = await emulator.answer(PhpIPAMRequest(
                    method: "POST", target: "/api/iksnone/addresses/", headers: [("token", "iksnonestatictoken000000")],
                    body: Array("subnetId=7&ip=192.168.100.50&owner=legacy-1\n".utf8)))
                #expect(written.status == 201)
                let legacyRow = try #require(await emulator.addresses(inSubnet: 7).first { $0.ip == "192.168.100.50" })
                #expect(legacyRow.owner == "legacy-1\n" && legacyRow.hostname == nil)

                let node = try await cluster.createNode("legacy-1", zone: "dal10")
                try await cluster.createLegacyObject("legacy-1", ipAddr: "192.168.100.50/24")
                let ipam = try await cluster.backend(try cluster.phpIPAMConfiguration(server))
                let running = try await cluster.startOperator(ipam: ipam, zones: ["dal10"])
                try await cluster.waitUntil("adopted") {
                    let object = try await cluster.address("legacy-1")
                    return object?.metadata.finalizers == [Overlay.addressFinalizer]
                        && object?.status.conditions?.isTrue("Reserved") == true
                        && object?.metadata.ownerReferences.first?.uid == node.metadata.uid
                }
                let adopted = try #require(try await cluster.address("legacy-1"))
                #expect(adopted.status.ipAddr == "192.168.100.50/24")
                #expect(adopted.status.conditions?.condition(ofType: "Reserved")?.reason == "Reserved")
                let rows = await emulator.addresses(inSubnet: 7).filter { !$0.isGateway && $0.tag != 3 }
                #expect(rows.map(\.ip) == ["192.168.100.50"])
                #expect(rows.first?.id == legacyRow.id)
                #expect(rows.first?.hostname == "legacy-1")
                #expect(rows.first?.owner == "test-cluster")
                try await cluster.waitUntil("an Adopted event") {
                    !Self.events(cluster, reason: "Adopted", about: "legacy-1").isEmpty
                }
                #expect(Self.events(cluster, reason: "Adopted", about: "legacy-1").first?.contains("phpIPAM address \(legacyRow.id)") == true)

                try await cluster.deleteNode("legacy-1")
                try await cluster.waitUntil("the NodeOverlayIp gone") { try await cluster.address("legacy-1") == nil }
                let released = try #require(await emulator.addresses(inSubnet: 7).first { $0.ip == "192.168.100.50" })
                #expect(released.hostname == "")
                #expect(released.fields["description"]?.hasPrefix("overlay cool-down until ") == true)
                #expect(try await ipam.allocations().isEmpty)
                await running.stop()
            }
        }
    }

    @Test("the original ConfigMap with two zones on one phpIPAM subnet id runs: nodes of both zones get addresses from that subnet")
    func originalConfigMapWithSharedSubnet() async throws {
        try await OperatorHarness.with { cluster in
            try await cluster.withPhpIPAM(PhpIPAMEmulator()) { server in
                let configuration = try OverlayConfiguration.parse(yaml: """
                    phpIPAM:
                      url: \(server.baseURL)
                      appID: iksnone
                      subnetMap:
                        dal10: [7]
                        dal12: [7]
                    """)
                let settings = try #require(configuration.ipam.settings as? PhpIPAMConfiguration)
                // The original shape reads PHPIPAM_USERNAME/PHPIPAM_PASSWORD; given here instead of this process's environment.
                let ipam = try await PhpIPAMBackend(
                    configuration: settings, clusterID: configuration.clusterID, logger: cluster.logger,
                    environment: ["PHPIPAM_USERNAME": "iks", "PHPIPAM_PASSWORD": "iks-password"])
                let running = try await cluster.startOperator(
                    ipam: ipam, zones: configuration.ipam.zoneNames,
                    settings: OperatorSettings(clusterID: configuration.clusterID, eventNamespace: "kube-system"))
                let nodes = ["a-1": "dal10", "b-1": "dal12", "a-2": "dal10", "b-2": "dal12"]
                for (name, zone) in nodes { try await cluster.createNode(name, zone: zone) }
                var addresses: Set<String> = []
                for name in nodes.keys {
                    let object = try await cluster.waitUntilReserved(name)
                    #expect(object.status.subnet == "192.168.100.0/24")
                    #expect(object.status.zone == nodes[name], "status.zone is the node's own zone")
                    addresses.insert(object.status.ipAddr ?? "")
                }
                #expect(addresses.count == 4)
                #expect(try await ipam.usage().map(\.zone) == ["dal10,dal12"])
                #expect(try await ipam.zones(listing: try #require(IPPrefix("192.168.100.0/24"))) == ["dal10", "dal12"])
                await running.stop()
            }
        }
    }

    @Test("a deleted NodeOverlayIp of a live node whose agent still reports the address keeps it reserved, says so, and is never released by time")
    func liveAgentKeepsAddressHeld() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.backend(try cluster.localConfiguration())
            let clock = ManualClock()
            let running = try await cluster.startOperator(ipam: ipam, policyClock: RuntimeClock(clock))
            let owner = IPAMOwner(clusterID: "test-cluster", nodeName: "node-a")
            try await cluster.createNode("node-a", zone: "dal10")
            let first = try await cluster.waitUntilReserved("node-a")
            try await cluster.reportAsAgent("node-a", configuredAddress: first.status.ipAddr)
            try await cluster.client.delete(NodeOverlayIp.self, name: "node-a")

            try await cluster.waitUntil("the hold is reported") {
                try await cluster.address("node-a")?.status.conditions?.condition(ofType: "Reserved")?.reason == "ReleaseWaitingForAgent"
            }
            let waiting = try #require(try await cluster.address("node-a")?.status.conditions?.condition(ofType: "Reserved"))
            #expect(waiting.status == .true)
            #expect(waiting.message.contains("still reports"))
            try await cluster.waitUntil("a ReleaseWaitingForAgent event") {
                !Self.events(cluster, reason: "ReleaseWaitingForAgent", about: "node-a").isEmpty
            }

            // Far past --release-timeout: reported as blocked, still reserved.
            try await cluster.waitUntil("the hold is reported as blocked") {
                clock.advance(by: .seconds(61))
                return try await cluster.address("node-a")?.status.conditions?.condition(ofType: "Reserved")?.reason == "ReleaseBlocked"
            }
            try await cluster.waitUntil("a ReleaseBlocked warning") {
                cluster.emulator.objects(apiVersion: "events.k8s.io/v1", kind: "Event").contains {
                    $0["type"]?.stringValue == "Warning" && $0["reason"]?.stringValue == "ReleaseBlocked"
                }
            }
            clock.advance(by: .seconds(3600))
            #expect(try await ipam.allocation(for: owner, family: .v4)?.cidr == first.status.ipAddr)
            #expect(try await cluster.address("node-a")?.metadata.uid == first.metadata.uid)

            // The agent removes it: released, and the node's next object gets another address (cool-down).
            try await cluster.reportAsAgent("node-a", configuredAddress: nil)
            try await cluster.waitUntil("a new NodeOverlayIp") {
                guard let current = try await cluster.address("node-a") else { return false }
                return current.metadata.uid != first.metadata.uid
            }
            let second = try await cluster.waitUntilReserved("node-a")
            #expect(second.status.ipAddr != first.status.ipAddr)
            await running.stop()
        }
    }
}
