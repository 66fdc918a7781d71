// Dual-stack zones over HTTP: one address per family, a zone that becomes dual-stack, crashes between families.
import Foundation
import IPAddressing
import IPAMCore
import KubeClient
import KubeRuntime
import Operator
import OverlayAPI
import TestSupport
import Testing

@Suite("Dual-stack zones against the emulator")
struct DualStackTests {
    private static func owner(_ node: String) -> IPAMOwner { IPAMOwner(clusterID: "test-cluster", nodeName: node) }

    /// The families of a status's `ipAddrs`, in order.
    private static func families(_ object: NodeOverlayIp) -> [IPAddressFamily] {
        (object.status.ipAddrs ?? []).compactMap(AddressStatusPlanner.address(fromCIDR:)).map(\.family)
    }

    /// Waits until `name` is reserved with `count` addresses.
    @discardableResult
    private static func waitForAddresses(_ cluster: OperatorHarness, _ name: String, count: Int) async throws -> NodeOverlayIp {
        try await cluster.waitUntil("\(name) holds \(count) addresses") {
            try await cluster.waitUntilReserved(name).status.ipAddrs?.count == count
        }
        return try await cluster.waitUntilReserved(name)
    }

    @Test("a dual-stack zone gives every node one address per family, IPv4 first, and a single-family zone one")
    func everyNodeGetsOneAddressPerFamily() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.dualStackBackend()
            let running = try await cluster.startOperator(ipam: ipam)
            let names = ["node-a", "node-b", "node-c"]
            for name in names { try await cluster.createNode(name, zone: "dal10") }
            try await cluster.createNode("node-d", zone: "dal12")
            for name in names {
                let object = try await Self.waitForAddresses(cluster, name, count: 2)
                #expect(Self.families(object) == [.v4, .v6])
                #expect(object.status.ipAddr == object.status.ipAddrs?.first)
                #expect(object.status.gateways == ["192.168.100.1", "fd00:100::1"])
                #expect(object.status.gateway == "192.168.100.1" && object.status.subnet == "192.168.100.0/24")
                let held = try await ipam.allocations(for: Self.owner(name))
                #expect(held.map(\.cidr) == object.status.ipAddrs)
            }
            let single = try await Self.waitForAddresses(cluster, "node-d", count: 1)
            #expect(Self.families(single) == [.v4])
            let all = try await ipam.allocations()
            #expect(all.count == 7)
            #expect(Set(all.map(\.address)).count == 7, "no address is held twice")
            await running.stop()
        }
    }

    @Test("a converged dual-stack node costs no IPAM request when the agent's report brings it back")
    func convergedDualStackNodeAsksNoIPAM() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = CountingIPAM(try await cluster.dualStackBackend())
            let running = try await cluster.startOperator(ipam: ipam)
            try await cluster.createNode("node-a", zone: "dal10")
            let reserved = try await Self.waitForAddresses(cluster, "node-a", count: 2)
            #expect(ipam.calls["reserveZone"] == 1, "one call for the zone's whole set: \(ipam.calls)")
            ipam.reset()

            try await cluster.reportAsAgent(
                "node-a", configuredAddress: reserved.status.ipAddr, configuredAddresses: reserved.status.ipAddrs)
            try await cluster.waitUntil("node-a Ready") {
                (try await cluster.address("node-a"))?.status.conditions?.isTrue("Ready") == true
            }
            #expect(ipam.calls.filter { $0.key != "allocations" && $0.key != "usage" }.isEmpty, "IPAM calls: \(ipam.calls)")
            await running.stop()
        }
    }

    @Test("a zone that becomes dual-stack gives existing nodes their IPv6 address and keeps the IPv4 one")
    func zoneBecomesDualStack() async throws {
        try await OperatorHarness.with { cluster in
            let before = try await cluster.dualStackBackend(dualStack: false)
            let first = try await cluster.startOperator(ipam: before)
            try await cluster.createNode("node-a", zone: "dal10")
            let single = try await Self.waitForAddresses(cluster, "node-a", count: 1)
            await first.stop()

            // The new configuration (same database) is read by the next process.
            let after = try await cluster.dualStackBackend()
            let second = try await cluster.startOperator(ipam: after)
            let dual = try await Self.waitForAddresses(cluster, "node-a", count: 2)
            #expect(dual.status.ipAddr == single.status.ipAddr)
            #expect(dual.status.ipAddrs?.first == single.status.ipAddr)
            #expect(Self.families(dual) == [.v4, .v6])
            #expect(try await after.allocations().count == 2)
            await second.stop()
        }
    }

    @Test("killed between a kept IPv4 address and the new IPv6 reservation, the restarted operator adds exactly one IPv6 address")
    func crashBetweenFamilies() async throws {
        try await OperatorHarness.with { cluster in
            let single = try await cluster.startOperator(ipam: try await cluster.dualStackBackend(dualStack: false))
            for name in ["node-a", "node-b"] { try await cluster.createNode(name, zone: "dal10") }
            let before = try await Self.waitForAddresses(cluster, "node-a", count: 1)
            try await Self.waitForAddresses(cluster, "node-b", count: 1)
            await single.stop()

            // The zone becomes dual-stack; the operator dies just before reserving node-a's IPv6 address.
            let signal = CrashSignal(at: .betweenFamilies, node: "node-a")
            let firstIPAM = try await cluster.dualStackBackend()
            let first = try await cluster.startOperator(ipam: firstIPAM, crashHook: signal.hook)
            await signal.reached()
            await first.crash()
            #expect(try await firstIPAM.allocations(for: Self.owner("node-a")).map(\.cidr) == [before.status.ipAddr])

            let secondIPAM = try await cluster.dualStackBackend()
            let second = try await cluster.startOperator(ipam: secondIPAM)
            let a = try await Self.waitForAddresses(cluster, "node-a", count: 2)
            try await Self.waitForAddresses(cluster, "node-b", count: 2)
            #expect(a.status.ipAddr == before.status.ipAddr)
            try await Self.expectOnePerFamily(secondIPAM, nodes: ["node-a", "node-b"], status: cluster)
            await second.stop()
        }
    }

    @Test("killed after a new node's dual-stack reservation and before its status write, the restarted operator records the same two addresses")
    func crashAfterDualStackReserve() async throws {
        try await OperatorHarness.with { cluster in
            let signal = CrashSignal(at: .afterReserve, node: "node-a")
            let firstIPAM = try await cluster.dualStackBackend()
            let first = try await cluster.startOperator(ipam: firstIPAM, crashHook: signal.hook)
            for name in ["node-a", "node-b"] { try await cluster.createNode(name, zone: "dal10") }
            await signal.reached()
            await first.crash()
            let held = try await firstIPAM.allocations(for: Self.owner("node-a"))
            #expect(held.map(\.address.family) == [.v4, .v6])
            #expect(try await cluster.address("node-a")?.status.ipAddrs == nil)

            let secondIPAM = try await cluster.dualStackBackend()
            let second = try await cluster.startOperator(ipam: secondIPAM)
            let a = try await Self.waitForAddresses(cluster, "node-a", count: 2)
            try await Self.waitForAddresses(cluster, "node-b", count: 2)
            #expect(a.status.ipAddrs == held.map(\.cidr))
            try await Self.expectOnePerFamily(secondIPAM, nodes: ["node-a", "node-b"], status: cluster)
            await second.stop()
        }
    }

    /// Every node holds exactly one address per family, the ones its status records, and nothing else is held.
    private static func expectOnePerFamily(_ ipam: any IPAMBackend, nodes: [String], status cluster: OperatorHarness) async throws {
        let all = try await ipam.allocations()
        #expect(all.count == 2 * nodes.count)
        for node in nodes {
            let mine = all.filter { $0.owner == owner(node) }
            #expect(mine.map(\.address.family) == [.v4, .v6], "\(node) holds \(mine.map(\.cidr))")
            #expect(mine.map(\.cidr) == (try await cluster.address(node))?.status.ipAddrs)
        }
    }

    @Test("a deleted dual-stack NodeOverlayIp holds both addresses while the agent reports either, then releases both")
    func deletionReleasesEveryFamily() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.dualStackBackend()
            let running = try await cluster.startOperator(ipam: ipam, policyClock: RuntimeClock(ManualClock()))
            try await cluster.createNode("node-a", zone: "dal10")
            let object = try await Self.waitForAddresses(cluster, "node-a", count: 2)
            let v6 = try #require(object.status.ipAddrs?.last)
            try await cluster.reportAsAgent("node-a", configuredAddress: v6, configuredAddresses: [v6])
            try await cluster.client.delete(NodeOverlayIp.self, name: "node-a")
            try await cluster.waitUntil("the hold is reported") {
                try await cluster.address("node-a")?.status.conditions?.condition(ofType: "Reserved")?.reason == "ReleaseWaitingForAgent"
            }
            #expect(try await ipam.allocations(for: Self.owner("node-a")).count == 2)

            try await cluster.reportAsAgent("node-a", configuredAddress: nil, configuredAddresses: [])
            try await cluster.waitUntil("a new NodeOverlayIp") {
                guard let current = try await cluster.address("node-a") else { return false }
                return current.metadata.uid != object.metadata.uid
            }
            let renewed = try await Self.waitForAddresses(cluster, "node-a", count: 2)
            #expect(renewed.status.ipAddrs != object.status.ipAddrs)
            #expect(try await ipam.allocations().count == 2)
            await running.stop()
        }
    }

    @Test("the recovery loop re-claims a lost IPv6 address of a dual-stack node on its own")
    func recoveryReclaimsEachAddress() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.dualStackBackend()
            let running = try await cluster.startOperator(ipam: ipam)
            try await cluster.createNode("node-a", zone: "dal10")
            let object = try await Self.waitForAddresses(cluster, "node-a", count: 2)
            await running.stop()

            // The database is lost; the status still records both addresses.
            let fresh = try await cluster.dualStackBackend(database: "restored.db")
            let v4 = try #require(object.status.ipAddrs?.first.flatMap(AddressStatusPlanner.address(fromCIDR:)))
            _ = try await fresh.reclaim(Self.owner("node-a"), address: v4)
            let restarted = try await cluster.startOperator(ipam: fresh)
            // The loop's first pass may run before this one; together they restore the missing address.
            let report = try await restarted.process.recovery.runOnce()
            #expect(report.released.isEmpty && report.mismatches.isEmpty)
            #expect(try await fresh.allocations(for: Self.owner("node-a")).map(\.cidr) == object.status.ipAddrs)
            await restarted.stop()
        }
    }
}
