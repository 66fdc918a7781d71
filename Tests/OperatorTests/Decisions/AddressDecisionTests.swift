// Pure tests: status planning, release policy, leak planning and the write throttle.
import Foundation
import IPAddressing
import IPAMCore
import KubeClient
import Operator
import OverlayAPI
import Testing

@Suite("Address decisions")
struct AddressDecisionTests {
    private let now = KubeTime(Date(timeIntervalSince1970: 1_700_000_000))

    private func allocation(_ node: String = "n1", _ address: String = "192.168.100.10") throws -> IPAllocation {
        IPAllocation(
            owner: IPAMOwner(clusterID: "c", nodeName: node), address: try IPAddress(parsing: address), prefixLength: 24,
            gateway: try IPAddress(parsing: "192.168.100.1"), subnet: try IPPrefix(parsing: "192.168.100.0/24"), zone: "dal10")
    }

    @Test("a reservation sets address keys and Reserved; Ready only when the agent reports that address")
    func reservedStatus() throws {
        let planned = AddressStatusPlanner.reserved([try allocation()], current: NodeOverlayIpStatus(), generation: 1, now: now)
        #expect(planned.ipAddr == "192.168.100.10/24" && planned.gateway == "192.168.100.1" && planned.subnet == "192.168.100.0/24")
        #expect(planned.conditions?.isTrue("Reserved") == true)
        #expect(planned.conditions?.condition(ofType: "Ready")?.reason == "WaitingForAgent")
        var configured = planned
        configured.configuredAddress = "192.168.100.10/24"
        let ready = AddressStatusPlanner.reserved([try allocation()], current: configured, generation: 1, now: now)
        #expect(ready.conditions?.isTrue("Ready") == true)
        #expect(AddressStatusPlanner.needsWrite(current: planned, desired: ready))
    }

    @Test("planning the same state twice needs no write, even at a later time")
    func idempotentPlanning() throws {
        let first = AddressStatusPlanner.reserved([try allocation()], current: NodeOverlayIpStatus(), generation: 2, now: now)
        let later = KubeTime(now.date.addingTimeInterval(3600))
        let second = AddressStatusPlanner.reserved([try allocation()], current: first, generation: 2, now: later)
        #expect(!AddressStatusPlanner.needsWrite(current: first, desired: second))
    }

    @Test("a failure keeps a recorded address and says why in Reserved=False")
    func failureKeepsAddress() throws {
        let reserved = AddressStatusPlanner.reserved([try allocation()], current: NodeOverlayIpStatus(), generation: 1, now: now)
        let failure = ReservationFailure(ipamError: IPAMError.backendUnavailable("connection refused"))
        let failed = AddressStatusPlanner.failed(failure, current: reserved, generation: 1, now: now)
        #expect(failed.ipAddr == "192.168.100.10/24")
        #expect(failed.conditions?.condition(ofType: "Reserved")?.reason == "BackendUnavailable")
        #expect(failed.conditions?.condition(ofType: "Reserved")?.status == .false)
        #expect(ReservationFailure(ipamError: IPAMError.unknownZone("mars", known: ["dal10"])).reason == "UnknownZone")
        #expect(ReservationFailure(ipamError: IPAMError.zoneExhausted(zone: "dal10", subnets: [])).reason == "ZoneExhausted")
    }

    @Test("release needs proof the node no longer holds the address; time alone only reports the hold as blocked")
    func releasePolicy() {
        let policy = AddressReleasePolicy(blockedAfter: .seconds(60))
        func observe(node: Bool = true, published: String? = "192.168.100.10/24", reported: Bool = true, configured: String?)
            -> AddressReleasePolicy.Observation
        {
            .init(
                nodeName: "n1", nodeExists: node, publishedAddresses: published.map { [$0] } ?? [], agentReported: reported,
                configuredAddresses: configured.map { [$0] } ?? [])
        }
        #expect(policy.decide(observe(node: false, configured: "192.168.100.10/24"), waited: .zero) == .release(because: "the node is gone"))
        #expect(policy.decide(observe(published: nil, reported: false, configured: nil), waited: .zero)
            == .release(because: "the address was never published to the node"))
        #expect(policy.decide(observe(configured: nil), waited: .zero) == .release(because: "the agent reported the address removed"))
        #expect(policy.decide(observe(configured: "192.168.100.99/24"), waited: .zero) == .release(because: "the agent reported the address removed"))
        guard case .hold(let waiting) = policy.decide(observe(configured: "192.168.100.10/24"), waited: .seconds(10)) else {
            Issue.record("expected a hold while the agent reports the address")
            return
        }
        #expect(waiting.reason == "ReleaseWaitingForAgent" && !waiting.isBlocked && waiting.recheckAfter == .seconds(50))
        #expect(waiting.message.contains("the agent on node n1 still reports 192.168.100.10 configured"))
        guard case .hold(let silent) = policy.decide(observe(reported: false, configured: nil), waited: .seconds(86_400)) else {
            Issue.record("expected a hold while the agent never reported")
            return
        }
        #expect(silent.reason == "ReleaseBlocked" && silent.isBlocked)
        #expect(silent.message.contains("has not reported"))
    }

    @Test("the leak planner re-claims lost addresses and releases orphans only after the grace period")
    func leakPlanner() throws {
        var planner = LeakPlanner(clusterID: "c", gracePeriod: .seconds(600))
        let orphan = try allocation("gone", "192.168.100.20")
        let kept = try allocation("n1", "192.168.100.10")
        let foreign = IPAllocation(
            owner: IPAMOwner(clusterID: "other", nodeName: "x"), address: try IPAddress(parsing: "192.168.100.30"), prefixLength: 24,
            gateway: kept.gateway, subnet: kept.subnet, zone: "dal10")
        let objects = [
            LeakPlanner.RecordedAddress(nodeName: "n1", addresses: [kept.address]),
            LeakPlanner.RecordedAddress(nodeName: "n2", addresses: [try IPAddress(parsing: "192.168.100.11")]),
        ]
        let first = planner.plan(allocations: [kept, orphan, foreign], objects: objects, now: .seconds(0))
        #expect(first.steps == [.reclaim(IPAMOwner(clusterID: "c", nodeName: "n2"), try IPAddress(parsing: "192.168.100.11"))])
        #expect(first.orphansWaiting == 1)
        let second = planner.plan(allocations: [kept, orphan, foreign], objects: objects, now: .seconds(600))
        #expect(second.steps.contains(.release(orphan.owner, [orphan])))
        #expect(!second.steps.contains(.release(foreign.owner, [foreign])))
        // An orphan whose object came back is forgotten, and starts over if it is orphaned again.
        _ = planner.plan(allocations: [orphan], objects: [.init(nodeName: "gone", addresses: [orphan.address])], now: .seconds(700))
        #expect(planner.plan(allocations: [orphan], objects: [], now: .seconds(800)).orphansWaiting == 1)
    }

    @Test("the write throttle allows one write per interval per key")
    func writeThrottle() {
        var throttle = WriteThrottle<String>(interval: .seconds(1))
        #expect(throttle.decide("r", now: .seconds(10)) == .writeNow)
        throttle.wrote("r", at: .seconds(10))
        #expect(throttle.decide("r", now: .milliseconds(10_250)) == .deferFor(.milliseconds(750)))
        #expect(throttle.decide("other", now: .milliseconds(10_250)) == .writeNow)
        #expect(throttle.decide("r", now: .seconds(11)) == .writeNow)
    }
}
