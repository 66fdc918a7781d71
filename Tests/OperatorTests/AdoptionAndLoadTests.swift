// Objects of the original controller are adopted without losing their IPs; API writes stay O(nodes).
import Foundation
import IPAMCore
import KubeClient
import Operator
import OverlayAPI
import Testing

@Suite("Adoption of legacy objects and API write budget")
struct AdoptionAndLoadTests {
    @Test("a NodeOverlayIp of the original controller keeps its IP and gets our finalizer instead of the legacy one")
    func legacyObjectIsAdopted() async throws {
        try await OperatorHarness.with { cluster in
            let node = try await cluster.createNode("legacy-1", zone: "dal10", legacyLabels: true)
            try await cluster.createLegacyObject("legacy-1", ipAddr: "192.168.100.77/24")
            let ipam = try await cluster.backend(try cluster.localConfiguration())
            let running = try await cluster.startOperator(ipam: ipam)
            try await cluster.waitUntil("adopted") {
                let object = try await cluster.address("legacy-1")
                return object?.metadata.finalizers == [Overlay.addressFinalizer]
                    && object?.status.conditions?.isTrue("Reserved") == true
                    && object?.metadata.ownerReferences.first?.uid == node.metadata.uid
            }
            let adopted = try #require(try await cluster.address("legacy-1"))
            #expect(adopted.status.ipAddr == "192.168.100.77/24")
            #expect(adopted.metadata.labels["node"] == "legacy-1")
            let held = try await ipam.allocation(for: IPAMOwner(clusterID: "test-cluster", nodeName: "legacy-1"), family: .v4)
            #expect(held?.cidr == "192.168.100.77/24")
            await running.stop()
        }
    }

    @Test("reserving for many nodes costs at most two API writes per node, and route reports are coalesced")
    func writeBudget() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.backend(try cluster.localConfiguration())
            let running = try await cluster.startOperator(ipam: ipam)
            _ = try await cluster.client.create(StaticRoute(metadata: ObjectMeta(name: "onprem"), spec: StaticRouteSpec(subnet: "10.10.0.0/24")))
            try await cluster.waitUntil("route status") {
                try await cluster.client.get(StaticRoute.self, name: "onprem").status.ready == "0/0"
            }
            let count = 40
            let names = (0..<count).map { "node-\($0)" }
            cluster.emulator.resetRequestCounts()
            for name in names { try await cluster.createNode(name, zone: "dal10") }
            try await cluster.waitUntil("all reserved", timeout: .seconds(60)) {
                let list = try await cluster.client.listAll(NodeOverlayIp.self).items
                return list.count == count && list.allSatisfy { ($0.status.conditions ?? []).isTrue("Reserved") }
            }
            let addressWrites = cluster.emulator.writeCount(resource: "nodeoverlayips.iks.ibm.com")
            #expect(addressWrites <= 2 * count, "\(addressWrites) NodeOverlayIp writes for \(count) nodes")

            // Every node reports the route at once: far fewer route status writes than reports.
            cluster.emulator.resetRequestCounts()
            let applied = RouteReport(name: "onprem", subnet: "10.10.0.0/24", state: .applied)
            for name in names { try await cluster.reportAsAgent(name, configuredAddress: nil, routes: [applied]) }
            try await cluster.waitUntil("route applied everywhere", timeout: .seconds(30)) {
                try await cluster.client.get(StaticRoute.self, name: "onprem").status.ready == "\(count)/\(count)"
            }
            let routeWrites = cluster.emulator.writeCount(resource: "staticroutes.iks.ibm.com")
            #expect(routeWrites < count / 2, "\(routeWrites) StaticRoute writes for \(count) reports")
            await running.stop()
        }
    }
}
