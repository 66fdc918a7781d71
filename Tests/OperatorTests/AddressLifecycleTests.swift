// Nodes appear and go: one NodeOverlayIp each, an IP from its zone, conditions; release on removal.
import Foundation
import IPAddressing
import IPAMCore
import KubeClient
import KubeRuntime
import Operator
import OverlayAPI
import TestSupport
import Testing

@Suite("Address lifecycle against the emulator with the local backend")
struct AddressLifecycleTests {
    @Test("every node gets exactly one NodeOverlayIp with an IP from its zone, gateway and conditions; removal releases it")
    func nodesAppearAndGo() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.backend(try cluster.localConfiguration())
            let running = try await cluster.startOperator(ipam: ipam)
            try await cluster.createNode("node-a", zone: "dal10")
            try await cluster.createNode("node-b", zone: "dal10")
            let nodeC = try await cluster.createNode("node-c", zone: "dal12", legacyLabels: true)

            let a = try await cluster.waitUntilReserved("node-a")
            let b = try await cluster.waitUntilReserved("node-b")
            let c = try await cluster.waitUntilReserved("node-c")
            let dal10 = try IPPrefix(parsing: "192.168.100.0/24")
            let dal12 = try IPPrefix(parsing: "192.168.200.0/28")
            for object in [a, b] {
                let address = try #require(AddressStatusPlanner.address(fromCIDR: object.status.ipAddr ?? ""))
                #expect(dal10.contains(address))
                #expect(object.status.ipAddr?.hasSuffix("/24") == true)
                #expect(object.status.gateway == "192.168.100.1")
                #expect(object.status.zone == "dal10")
                #expect(object.status.subnet == "192.168.100.0/24")
            }
            #expect(a.status.ipAddr != b.status.ipAddr)
            let cAddress = try #require(AddressStatusPlanner.address(fromCIDR: c.status.ipAddr ?? ""))
            #expect(dal12.contains(cAddress))
            #expect(c.metadata.labels == ["node": "node-c", "zone": "dal12", "region": "us-south"])
            #expect(c.metadata.finalizers == [Overlay.addressFinalizer])
            #expect(c.metadata.ownerReferences.first?.uid == nodeC.metadata.uid)
            #expect(c.metadata.ownerReferences.first?.controller == true)
            #expect(c.status.conditions?.condition(ofType: "Ready")?.status == .false)
            #expect(c.status.observedGeneration == c.metadata.generation)
            #expect(try await ipam.allocations().count == 3)

            // The agent configures the address: Ready follows.
            try await cluster.reportAsAgent("node-a", configuredAddress: a.status.ipAddr)
            try await cluster.waitUntil("node-a Ready") {
                (try await cluster.address("node-a"))?.status.conditions?.isTrue("Ready") == true
            }

            // The node goes: its object goes and the address is released.
            try await cluster.deleteNode("node-b")
            try await cluster.waitUntil("node-b's NodeOverlayIp gone") { try await cluster.address("node-b") == nil }
            let owners = try await ipam.allocations().map(\.owner.nodeName).sorted()
            #expect(owners == ["node-a", "node-c"])
            let metrics = running.process.metricsRegistry.emitToString()
            #expect(metrics.contains(#"overlay_allocations{zone="dal10"}"#))
            #expect(metrics.contains(#"controller_runtime_reconcile_total{controller="addresses",result="success"}"#))
            #expect(metrics.contains(#"workqueue_depth{name="addresses"} 0"#))
            #expect(metrics.contains(#"overlay_ipam_request_duration_seconds_bucket{backend="test",operation="reserve_zone""#))
            await running.stop()
        }
    }

    @Test("a node without zone gets Reserved=False with the reason, and an address once labelled")
    func unknownZoneIsReportedNotFatal() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.backend(try cluster.localConfiguration())
            let running = try await cluster.startOperator(ipam: ipam)
            try await cluster.createNode("node-x", zone: "mars1")
            try await cluster.waitUntil("node-x UnknownZone") {
                (try await cluster.address("node-x"))?.status.conditions?.condition(ofType: "Reserved")?.reason == "UnknownZone"
            }
            let failed = try #require(try await cluster.address("node-x"))
            #expect(failed.status.conditions?.condition(ofType: "Reserved")?.status == .false)
            #expect(failed.status.ipAddr == nil)

            var node = try await cluster.client.get(Node.self, name: "node-x")
            node.metadata.labels["topology.kubernetes.io/zone"] = "dal10"
            _ = try await cluster.client.update(node)
            let reserved = try await cluster.waitUntilReserved("node-x")
            #expect(reserved.status.zone == "dal10")
            try await cluster.waitUntil("labels follow the node") {
                try await cluster.address("node-x")?.metadata.labels["zone"] == "dal10"
            }
            #expect(try await ipam.allocations().count == 1)
            await running.stop()
        }
    }

    @Test("a deleted NodeOverlayIp of a live node waits for the agent, then releases; the node gets a new object")
    func deletionWaitsForAgent() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.backend(try cluster.localConfiguration())
            let clock = ManualClock()
            let running = try await cluster.startOperator(ipam: ipam, policyClock: RuntimeClock(clock))
            try await cluster.createNode("node-a", zone: "dal10")
            let first = try await cluster.waitUntilReserved("node-a")
            try await cluster.reportAsAgent("node-a", configuredAddress: first.status.ipAddr)
            try await cluster.client.delete(NodeOverlayIp.self, name: "node-a")
            try await cluster.waitUntil("deletion seen") {
                (try await cluster.address("node-a"))?.metadata.deletionTimestamp != nil
            }
            // The agent still reports the address: the IP stays held.
            #expect(try await ipam.allocation(for: IPAMOwner(clusterID: "test-cluster", nodeName: "node-a"), family: .v4) != nil)
            #expect(try await cluster.address("node-a")?.metadata.uid == first.metadata.uid)

            // The agent removes it: release, finalizer gone, a fresh object comes back for the live node.
            try await cluster.reportAsAgent("node-a", configuredAddress: nil)
            try await cluster.waitUntil("a new NodeOverlayIp") {
                guard let current = try await cluster.address("node-a") else { return false }
                return current.metadata.uid != first.metadata.uid
            }
            let second = try await cluster.waitUntilReserved("node-a")
            // The old address cools down, so the new object gets another one.
            #expect(second.status.ipAddr != first.status.ipAddr)
            #expect(try await ipam.allocations().count == 1)

            await running.stop()
        }
    }
}
