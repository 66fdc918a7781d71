// Checks that a wrapper around an IPAM backend (metering, counting) hands every requirement on to the backend it wraps.
import IPAddressing
import IPAMCore
import Synchronization

/// The check every ``IPAMBackend`` wrapper must pass: each requirement reaches the wrapped backend and its answer
/// comes back unchanged.
///
/// The requirements with default implementations (`reserve(_:zone:)`, `adoptLegacyAllocation`, `legacyAllocations`)
/// compile in a wrapper that forgets them and then silently take the default (family by family, "nothing"), so only
/// a check like this one catches the gap.
/// ```swift
/// try await IPAMWrapperForwarding.check { MeteredIPAMBackend($0, name: "probe") }
/// ```
public enum IPAMWrapperForwarding {
    /// Wraps a backend with distinctive answers in `wrap` and calls every requirement through the wrapper.
    /// - Throws: ``ConformanceFailure`` naming the first requirement whose call or answer did not come through.
    public static func check(_ wrap: (any IPAMBackend) -> any IPAMBackend) async throws {
        let backend = try AnsweringBackend()
        let wrapper = wrap(backend)
        let owner = backend.allocation.owner
        let answers = backend.allocation
        try require(try await wrapper.families(inZone: answers.zone) == backend.families, "families(inZone:)'s answer was not forwarded")
        try require(
            try await wrapper.reserve(owner, zone: answers.zone, family: .v4) == answers, "reserve's answer was not forwarded")
        try require(
            try await wrapper.reserve(owner, zone: answers.zone) == [answers],
            "reserve(_:zone:)'s answer was not forwarded (the protocol's default reserves family by family)")
        try require(
            try await wrapper.reclaim(owner, address: answers.address) == answers, "reclaim's answer was not forwarded")
        try await wrapper.release(owner)
        try require(try await wrapper.allocations(for: owner) == [answers], "allocations(for:)'s answer was not forwarded")
        try require(try await wrapper.allocations() == [answers], "allocations()'s answer was not forwarded")
        try require(try await wrapper.usage() == [backend.usage], "usage()'s answer was not forwarded")
        try require(
            try await wrapper.zones(listing: answers.subnet) == backend.zones, "zones(listing:)'s answer was not forwarded")
        try require(
            try await wrapper.adoptLegacyAllocation(owner, address: answers.address) == backend.adopted,
            "adoptLegacyAllocation's answer was not forwarded (the protocol's default answers nil)")
        try require(
            try await wrapper.legacyAllocations() == [backend.legacy],
            "legacyAllocations()'s answer was not forwarded (the protocol's default answers [])")
        let missing = AnsweringBackend.requirements.filter { !backend.calls.contains($0) }
        try require(missing.isEmpty, "the wrapped backend was never asked: \(missing.joined(separator: ", "))")
    }
}

/// A backend whose every answer differs from the protocol's defaults, recording which requirements were called.
private final class AnsweringBackend: IPAMBackend {
    static let requirements = [
        "families", "reserve", "reserveZone", "reclaim", "release", "allocation", "allocations", "usage", "zones", "adopt", "legacy",
    ]

    let allocation: IPAllocation
    let usage: SubnetUsage
    let zones = ["probe-a", "probe-b"]
    /// Both families, IPv6 first: no backend's default answer.
    let families: [IPAddressFamily] = [.v6, .v4]
    let adopted: AdoptedAllocation
    let legacy: LegacyAllocation
    private let called = Mutex<Set<String>>([])

    init() throws {
        let subnet = try IPPrefix(parsing: "192.0.2.0/24")
        let address = try IPAddress(parsing: "192.0.2.7")
        allocation = IPAllocation(
            owner: IPAMOwner(clusterID: "probe", nodeName: "node-1"), address: address, prefixLength: 24,
            gateway: try IPAddress(parsing: "192.0.2.1"), subnet: subnet, zone: "probe-a")
        usage = SubnetUsage(zone: "probe-a", subnet: subnet, gateway: allocation.gateway, assignable: 250, used: 7, coolingDown: 1)
        adopted = AdoptedAllocation(allocation: allocation, previousOwner: "node-1\n", location: "probe record 7")
        legacy = LegacyAllocation(address: address, subnet: subnet, zone: "probe-a", recordedOwner: "node-1\n", location: "probe record 7")
    }

    var calls: Set<String> { called.withLock { $0 } }

    private func record(_ requirement: String) {
        _ = called.withLock { $0.insert(requirement) }
    }

    func families(inZone zone: String) async throws -> [IPAddressFamily] {
        record("families")
        return families
    }

    func reserve(_ owner: IPAMOwner, zone: String, family: IPAddressFamily) async throws -> IPAllocation {
        record("reserve")
        return allocation
    }

    /// One allocation for a zone of two families: the protocol's default would reserve two.
    func reserve(_ owner: IPAMOwner, zone: String) async throws -> [IPAllocation] {
        record("reserveZone")
        return [allocation]
    }

    func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation {
        record("reclaim")
        return allocation
    }

    func release(_ owner: IPAMOwner) async throws {
        record("release")
    }

    func allocations(for owner: IPAMOwner) async throws -> [IPAllocation] {
        record("allocation")
        return [allocation]
    }

    func allocations() async throws -> [IPAllocation] {
        record("allocations")
        return [allocation]
    }

    func usage() async throws -> [SubnetUsage] {
        record("usage")
        return [usage]
    }

    func zones(listing subnet: IPPrefix) async throws -> [String] {
        record("zones")
        return zones
    }

    func adoptLegacyAllocation(_ owner: IPAMOwner, address: IPAddress) async throws -> AdoptedAllocation? {
        record("adopt")
        return adopted
    }

    func legacyAllocations() async throws -> [LegacyAllocation] {
        record("legacy")
        return [legacy]
    }
}
