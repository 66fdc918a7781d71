// Pure tests of the dual-stack decisions: status lists, the converged shortcut, release proof, leak planning.
import Foundation
import IPAddressing
import IPAMCore
import KubeClient
import Operator
import OverlayAPI
import Testing

@Suite("Dual-stack address decisions")
struct DualStackDecisionTests {
    private let now = KubeTime(Date(timeIntervalSince1970: 1_700_000_000))
    private let owner = IPAMOwner(clusterID: "c", nodeName: "n1")

    private func v4(_ address: String = "192.168.100.10") throws -> IPAllocation {
        IPAllocation(
            owner: owner, address: try IPAddress(parsing: address), prefixLength: 24,
            gateway: try IPAddress(parsing: "192.168.100.1"), subnet: try IPPrefix(parsing: "192.168.100.0/24"), zone: "dal10")
    }

    private func v6(_ address: String = "fd00:100::a") throws -> IPAllocation {
        IPAllocation(
            owner: owner, address: try IPAddress(parsing: address), prefixLength: 64,
            gateway: try IPAddress(parsing: "fd00:100::1"), subnet: try IPPrefix(parsing: "fd00:100::/64"), zone: "dal10")
    }

    @Test("a dual-stack reservation writes both lists, primary first, and keeps ipAddr, gateway and subnet the first family's")
    func dualStackStatus() throws {
        let status = AddressStatusPlanner.reserved([try v4(), try v6()], current: NodeOverlayIpStatus(), generation: 1, now: now)
        #expect(status.ipAddrs == ["192.168.100.10/24", "fd00:100::a/64"])
        #expect(status.gateways == ["192.168.100.1", "fd00:100::1"])
        #expect(status.ipAddr == "192.168.100.10/24" && status.gateway == "192.168.100.1" && status.subnet == "192.168.100.0/24")
        #expect(status.conditions?.isTrue("Reserved") == true)
        let primaryV6 = AddressStatusPlanner.reserved([try v6(), try v4()], current: NodeOverlayIpStatus(), generation: 1, now: now)
        #expect(primaryV6.ipAddr == "fd00:100::a/64" && primaryV6.subnet == "fd00:100::/64")
    }

    @Test("Ready needs every address configured; an agent reporting only the first keeps Ready=False")
    func readyNeedsEveryAddress() throws {
        var current = AddressStatusPlanner.reserved([try v4(), try v6()], current: NodeOverlayIpStatus(), generation: 1, now: now)
        current.configuredAddress = "192.168.100.10/24"
        let partial = AddressStatusPlanner.reserved([try v4(), try v6()], current: current, generation: 1, now: now)
        #expect(partial.conditions?.condition(ofType: "Ready")?.reason == "WaitingForAgent")
        current.configuredAddresses = ["192.168.100.10/24", "fd00:100::a/64"]
        let ready = AddressStatusPlanner.reserved([try v4(), try v6()], current: current, generation: 1, now: now)
        #expect(ready.conditions?.isTrue("Ready") == true)
    }

    @Test("a converged dual-stack status is read back without the IPAM, the second subnet from its CIDR")
    func convergedDualStack() throws {
        let status = AddressStatusPlanner.reserved([try v4(), try v6()], current: NodeOverlayIpStatus(), generation: 1, now: now)
        let recorded = try #require(AddressStatusPlanner.recordedAllocations(in: status, owner: owner, families: [.v4, .v6]))
        #expect(recorded == [try v4(), try v6()])
    }

    @Test("a node with one address in a zone that became dual-stack is not converged")
    func zoneBecameDualStack() throws {
        let status = AddressStatusPlanner.reserved([try v4()], current: NodeOverlayIpStatus(), generation: 1, now: now)
        #expect(AddressStatusPlanner.recordedAllocations(in: status, owner: owner, families: [.v4]) != nil)
        #expect(AddressStatusPlanner.recordedAllocations(in: status, owner: owner, families: [.v4, .v6]) == nil)
    }

    @Test("a status written before ipAddrs existed counts as the one-element list and gains ipAddrs on the next write")
    func statusFromBeforeDualStack() throws {
        var old = AddressStatusPlanner.reserved([try v4()], current: NodeOverlayIpStatus(), generation: 1, now: now)
        old.ipAddrs = nil
        old.gateways = nil
        let recorded = try #require(AddressStatusPlanner.recordedAllocations(in: old, owner: owner, families: [.v4]))
        let desired = AddressStatusPlanner.reserved(recorded, current: old, generation: 1, now: now)
        #expect(desired.ipAddrs == ["192.168.100.10/24"])
        #expect(AddressStatusPlanner.needsWrite(current: old, desired: desired))
    }

    @Test("lists that disagree with ipAddr, or with each other, are not converged")
    func inconsistentLists() throws {
        var status = AddressStatusPlanner.reserved([try v4(), try v6()], current: NodeOverlayIpStatus(), generation: 1, now: now)
        status.gateways = ["192.168.100.1"]
        #expect(AddressStatusPlanner.recordedAllocations(in: status, owner: owner, families: [.v4, .v6]) == nil)
        status.gateways = ["192.168.100.1", "fd00:100::1"]
        status.ipAddr = "192.168.100.11/24"
        #expect(AddressStatusPlanner.recordedAllocations(in: status, owner: owner, families: [.v4, .v6]) == nil)
    }

    @Test("release of a dual-stack node needs proof for every address: either one still configured holds it")
    func releaseCoversEveryAddress() {
        let policy = AddressReleasePolicy(blockedAfter: .seconds(60))
        let published = ["192.168.100.10/24", "fd00:100::a/64"]
        func decide(_ configured: [String]) -> AddressReleaseStep {
            policy.decide(
                .init(nodeName: "n1", nodeExists: true, publishedAddresses: published, agentReported: true, configuredAddresses: configured),
                waited: .zero)
        }
        #expect(decide([]) == .release(because: "the agent reported the address removed"))
        guard case .hold(let v6Left) = decide(["fd00:100::a/64"]) else {
            Issue.record("expected a hold while the IPv6 address is configured")
            return
        }
        #expect(v6Left.message.contains("still reports fd00:100::a configured"))
        // An agent from before dual stack writes configuredAddress only (the first family's).
        guard case .hold = decide(["192.168.100.10/24"]) else {
            Issue.record("expected a hold while the old agent reports the IPv4 address")
            return
        }
    }

    @Test("the leak planner re-claims each lost address of a dual-stack node and releases an orphan's set once")
    func leakPlannerPerAddress() throws {
        var planner = LeakPlanner(clusterID: "c", gracePeriod: .zero)
        let lost = try v6()
        let plan = planner.plan(
            allocations: [try v4()], objects: [.init(nodeName: "n1", addresses: [try v4().address, lost.address])], now: .zero)
        #expect(plan.steps == [.reclaim(owner, lost.address)])
        let orphanPlan = planner.plan(allocations: [try v4(), try v6()], objects: [], now: .seconds(1))
        #expect(orphanPlan.steps == [.release(owner, [try v4(), try v6()])])
        let moved = planner.plan(
            allocations: [try v4(), try v6("fd00:100::b")], objects: [.init(nodeName: "n1", addresses: [try v4().address, lost.address])],
            now: .seconds(2))
        #expect(moved.steps == [.mismatch(owner, recorded: lost.address, held: try IPAddress(parsing: "fd00:100::b"))])
    }
}
