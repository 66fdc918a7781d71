// The shared suite every IPAM backend must pass, parameterised by a factory that builds the backend under test.

import IPAddressing
import IPAMCore

/// The conformance suite: the behaviour every ``IPAMBackend`` must show, whatever stores its allocations.
///
/// A test target runs the case groups its backend supports (see ``ConformanceGroups``), with a fresh suite
/// (fresh storage) per case:
/// ```swift
/// @Test(arguments: IPAMConformanceSuite.cases(.all))
/// func conformance(_ check: ConformanceCase) async throws {
///     try await withTemporaryDirectory { directory in
///         let suite = IPAMConformanceSuite(fixture: .allFamilies, cooldown: cooldown) { fixture in
///             try await makeBackend(fixture, in: directory)
///         }
///         try await suite.run(check)
///     }
/// }
/// ```
/// A backend without IPv6 or dual stack runs `cases([.ipv4, .cooldown])` on ``ConformanceFixture/standard``.
public struct IPAMConformanceSuite: Sendable {
    /// Builds a backend configured with the fixture's zones and cluster id.
    public typealias MakeBackend = @Sendable (ConformanceFixture) async throws -> any IPAMBackend

    /// The cool-down of a backend that holds released addresses back, and how the test moves its clock.
    public struct Cooldown: Sendable {
        /// How long the backend under test holds a released address back.
        public var duration: Duration
        /// Moves the wall clock the backend reads forward.
        public var advanceClock: @Sendable (Duration) async -> Void

        public init(duration: Duration, advanceClock: @escaping @Sendable (Duration) async -> Void) {
            self.duration = duration
            self.advanceClock = advanceClock
        }
    }

    /// The layout the backend is configured with.
    public let fixture: ConformanceFixture
    /// The backend's cool-down; nil for a backend that hands a released address out again at once.
    public let cooldown: Cooldown?
    let makeBackend: MakeBackend
    let reopen: MakeBackend

    /// - Parameters:
    ///   - fixture: The layout: ``ConformanceFixture/standard`` for the IPv4 cases, ``ConformanceFixture/allFamilies``
    ///     for every group.
    ///   - cooldown: The backend's release cool-down (longer than a few seconds) and its clock; required to run
    ///     ``cooldownCases``, and used by ``cases`` to wait a release out.
    ///   - makeBackend: Builds the backend under test on fresh, empty storage.
    ///   - reopen: Builds a second backend on the storage the first one wrote (a new process opening the
    ///     same database, a new client of the same server). Defaults to calling `makeBackend` again, which
    ///     is right when `makeBackend` captures the storage location.
    public init(
        fixture: ConformanceFixture = .standard, cooldown: Cooldown? = nil, makeBackend: @escaping MakeBackend,
        reopen: MakeBackend? = nil
    ) {
        self.fixture = fixture
        self.cooldown = cooldown
        self.makeBackend = makeBackend
        self.reopen = reopen ?? makeBackend
    }

    /// Runs one case; throws ``ConformanceFailure`` when the backend breaks the contract.
    public func run(_ check: ConformanceCase) async throws {
        try await check.body(self)
    }

    /// The single-family cases on the IPv4 zones (`zone-a`, `zone-b`): the suite as it was before dual stack.
    /// Same as `cases([.ipv4])`.
    public static let cases: [ConformanceCase] = singleFamilyCases(.ipv4)

    /// The cool-down case on the IPv4 zones (run it with a suite made with `cooldown`; without it, it fails
    /// saying so). Same as `cases([.ipv4, .cooldown])` minus ``cases``.
    public static let cooldownCases: [ConformanceCase] = singleFamilyCooldownCases(.ipv4)

    /// The cases of `groups`, for a backend's registration:
    /// `@Test(arguments: IPAMConformanceSuite.cases(.all))`.
    ///
    /// ``ConformanceGroups/ipv6`` and ``ConformanceGroups/dualStack`` need a suite made with
    /// ``ConformanceFixture/allFamilies``; ``ConformanceGroups/cooldown`` needs a suite made with `cooldown`.
    public static func cases(_ groups: ConformanceGroups) -> [ConformanceCase] {
        var selected: [ConformanceCase] = []
        for (group, zones) in [(ConformanceGroups.ipv4, FamilyZones.ipv4), (.ipv6, .ipv6)] where groups.contains(group) {
            selected += singleFamilyCases(zones)
            if groups.contains(.cooldown) { selected += singleFamilyCooldownCases(zones) }
        }
        if groups.contains(.dualStack) {
            selected += dualStackCases
            if groups.contains(.cooldown) { selected += dualStackCooldownCases }
        }
        return selected
    }

    /// The contract for one family's zones; IPv4 keeps the case names the suite always had.
    static func singleFamilyCases(_ zones: FamilyZones) -> [ConformanceCase] {
        let cases: [(String, @Sendable (IPAMConformanceSuite, FamilyZones) async throws -> Void)] = [
            ("reserve is idempotent for one owner", reserveIsIdempotent),
            ("50 concurrent reserves for one owner yield one allocation", concurrentReservesForOneOwner),
            ("200 concurrent owners get distinct addresses", concurrentOwnersGetDistinctAddresses),
            (zones.family == .v4 ? "gateway, network, broadcast and reserved addresses are never handed out"
                : "gateway, subnet-router anycast and reserved addresses are never handed out", excludedAddressesNeverHandedOut),
            ("a full subnet spills over to the next subnet of the zone", fullSubnetSpillsOver),
            ("an exhausted zone fails with an error naming the zone", exhaustedZoneIsNamed),
            ("an unknown zone fails with an unknown-zone error", unknownZoneFails),
            ("release is idempotent", releaseIsIdempotent),
            ("a released address can be reserved by another owner", releasedAddressServesAnotherOwner),
            ("reclaiming a free address reserves exactly that address", reclaimFreeAddress),
            ("reclaiming an address held by another owner fails with addressHeld", reclaimHeldAddressFails),
            ("reclaiming an address outside every subnet fails", reclaimOutsideZonesFails),
            ("allocations lists the cluster's allocations by address", allocationsAreListed),
            ("allocations survive reopening the backend", allocationsPersist),
        ]
        return cases.map { name, body in ConformanceCase(name + zones.nameSuffix) { try await body($0, zones) } }
    }

    /// The cool-down case for one family's zones.
    static func singleFamilyCooldownCases(_ zones: FamilyZones) -> [ConformanceCase] {
        [ConformanceCase("a released address is not handed out again within the cool-down" + zones.nameSuffix) {
            try await releasedAddressWaitsOutCooldown($0, zones)
        }]
    }

    // MARK: - Single-family cases

    static func reserveIsIdempotent(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let owner = suite.fixture.owner("node-1")
        let first = try await backend.reserve(owner, zone: zones.small, family: zones.family)
        let second = try await backend.reserve(owner, zone: zones.small, family: zones.family)
        try require(first == second, "a second reserve for \(owner) returned \(second.cidr), the first \(first.cidr)")
        let lookedUp = try await backend.allocation(for: owner, family: zones.family)
        try require(lookedUp == first, "allocation(for: \(owner)) returned \(String(describing: lookedUp)), expected \(first)")
        let all = try await backend.allocations()
        try require(all == [first], "expected exactly one allocation after two reserves, got \(all.map(\.cidr))")
    }

    static func concurrentReservesForOneOwner(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let owner = suite.fixture.owner("node-1")
        let results = try await withThrowingTaskGroup(of: IPAllocation.self) { group in
            for _ in 0..<50 {
                group.addTask { try await backend.reserve(owner, zone: zones.large, family: zones.family) }
            }
            return try await group.reduce(into: [IPAllocation]()) { $0.append($1) }
        }
        let distinct = Set(results.map(\.address))
        try require(distinct.count == 1, "50 concurrent reserves for \(owner) returned \(distinct.count) addresses: \(distinct.sorted())")
        let all = try await backend.allocations()
        try require(all.count == 1, "expected one allocation after 50 concurrent reserves for one owner, got \(all.map(\.cidr))")
    }

    static func concurrentOwnersGetDistinctAddresses(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let fixture = suite.fixture
        let subnet = try fixture.zone(zones.large).subnets[0]
        let assignable = Set(try subnet.assignableAddresses())
        let results = try await withThrowingTaskGroup(of: IPAllocation.self) { group in
            for index in 0..<200 {
                group.addTask { try await backend.reserve(fixture.owner("node-\(index)"), zone: zones.large, family: zones.family) }
            }
            return try await group.reduce(into: [IPAllocation]()) { $0.append($1) }
        }
        let addresses = Set(results.map(\.address))
        try require(addresses.count == 200, "200 owners got only \(addresses.count) distinct addresses")
        let outside = addresses.subtracting(assignable)
        try require(outside.isEmpty, "handed out addresses that are not assignable in \(subnet.prefix): \(outside.sorted())")
        let owners = Set(results.map(\.owner.nodeName))
        try require(owners.count == 200, "expected 200 owners in the results, got \(owners.count)")
        let listed = try await backend.allocations()
        try require(Set(listed.map(\.address)) == addresses, "allocations() does not list exactly the 200 reserved addresses")
    }

    static func excludedAddressesNeverHandedOut(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let zone = try suite.fixture.zone(zones.small)
        var expected: Set<IPAddress> = []
        for subnet in zone.subnets { expected.formUnion(try subnet.assignableAddresses()) }
        var handedOut: Set<IPAddress> = []
        for index in 0..<expected.count {
            let allocation = try await backend.reserve(suite.fixture.owner("node-\(index)"), zone: zone.name, family: zones.family)
            handedOut.insert(allocation.address)
        }
        try require(handedOut == expected,
                    "filling \(zone.name) handed out \(handedOut.sorted()); expected exactly \(expected.sorted()) "
                        + "(never the gateway, network, broadcast or reserved addresses)")
    }

    static func fullSubnetSpillsOver(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let zone = try suite.fixture.zone(zones.small)
        let first = zone.subnets[0]
        let second = zone.subnets[1]
        let firstPrefix = try first.parsedPrefix()
        let secondPrefix = try second.parsedPrefix()
        let firstCount = try first.assignableAddresses().count
        for index in 0..<firstCount {
            let allocation = try await backend.reserve(suite.fixture.owner("node-\(index)"), zone: zone.name, family: zones.family)
            try require(allocation.subnet == firstPrefix,
                        "reserve #\(index + 1) came from \(allocation.subnet); \(firstPrefix) still had free addresses")
            try require(allocation.gateway == (try first.parsedGateway()) && allocation.prefixLength == firstPrefix.length
                            && allocation.zone == zone.name,
                        "allocation \(allocation) does not carry the gateway, prefix length and zone of \(firstPrefix)")
        }
        let spilled = try await backend.reserve(suite.fixture.owner("node-spill"), zone: zone.name, family: zones.family)
        try require(spilled.subnet == secondPrefix && secondPrefix.contains(spilled.address),
                    "with \(firstPrefix) full, the next reserve came from \(spilled.subnet) (\(spilled.address)), expected \(secondPrefix)")
        try require(spilled.gateway == (try second.parsedGateway()) && spilled.zone == zone.name,
                    "spilled allocation \(spilled) does not carry the gateway of \(secondPrefix) and zone \(zone.name)")
    }

    static func exhaustedZoneIsNamed(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let zone = try suite.fixture.zone(zones.small)
        let capacity = try zone.subnets.reduce(0) { $0 + (try $1.assignableAddresses().count) }
        for index in 0..<capacity {
            _ = try await backend.reserve(suite.fixture.owner("node-\(index)"), zone: zone.name, family: zones.family)
        }
        let error = try await requireIPAMError("zoneExhausted(zone: \"\(zone.name)\")", matching: {
            if case .zoneExhausted(zone: zone.name, subnets: _) = $0 { true } else { false }
        }) {
            try await backend.reserve(suite.fixture.owner("node-too-many"), zone: zone.name, family: zones.family)
        }
        try require(error.description.contains(zones.small), "the exhaustion message does not name the zone: \(error)")
        let none = try await backend.allocation(for: suite.fixture.owner("node-too-many"), family: zones.family)
        try require(none == nil, "the failed reserve left an allocation behind: \(String(describing: none))")
    }

    static func unknownZoneFails(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        try await requireIPAMError("unknownZone(\"zone-x\")", matching: {
            if case .unknownZone("zone-x", known: _) = $0 { true } else { false }
        }) {
            try await backend.reserve(suite.fixture.owner("node-1"), zone: "zone-x", family: zones.family)
        }
    }

    static func releaseIsIdempotent(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let owner = suite.fixture.owner("node-1")
        try await backend.release(owner)
        _ = try await backend.reserve(owner, zone: zones.small, family: zones.family)
        try await backend.release(owner)
        try await backend.release(owner)
        let left = try await backend.allocation(for: owner, family: zones.family)
        try require(left == nil, "\(owner) still holds \(String(describing: left)) after release")
        let all = try await backend.allocations()
        try require(all.isEmpty, "allocations() lists \(all.map(\.cidr)) after the only owner released")
    }

    static func releasedAddressServesAnotherOwner(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let zone = try suite.fixture.zone(zones.small)
        let capacity = try zone.subnets.reduce(0) { $0 + (try $1.assignableAddresses().count) }
        var released: IPAllocation?
        for index in 0..<capacity {
            let allocation = try await backend.reserve(suite.fixture.owner("node-\(index)"), zone: zone.name, family: zones.family)
            if index == 2 { released = allocation }
        }
        let leaving = try requireValue(released)
        try await backend.release(leaving.owner)
        if let cooldown = suite.cooldown { await cooldown.advanceClock(cooldown.duration) }
        let newcomer = try await backend.reserve(suite.fixture.owner("node-new"), zone: zone.name, family: zones.family)
        try require(newcomer.address == leaving.address,
                    "the only free address of a full zone is \(leaving.address), but the new owner got \(newcomer.address)")
        let old = try await backend.allocation(for: leaving.owner, family: zones.family)
        try require(old == nil, "the released owner still holds \(String(describing: old))")
    }

    static func releasedAddressWaitsOutCooldown(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        guard let cooldown = suite.cooldown, cooldown.duration > .seconds(2) else {
            throw ConformanceFailure("this case needs a suite made with a cool-down of more than 2 s and a clock to advance")
        }
        let backend = try await suite.makeBackend(suite.fixture)
        // A zone with free addresses: the released one is skipped.
        let early = try await backend.reserve(suite.fixture.owner("early"), zone: zones.large, family: zones.family)
        try await backend.release(early.owner)
        let other = try await backend.reserve(suite.fixture.owner("other"), zone: zones.large, family: zones.family)
        try require(other.address != early.address, "\(early.address) was handed out again right after its release")
        // A full zone: its only released address stays held back until the cool-down has ended.
        let zone = try suite.fixture.zone(zones.small)
        let capacity = try zone.subnets.reduce(0) { $0 + (try $1.assignableAddresses().count) }
        var released: IPAllocation?
        for index in 0..<capacity {
            let allocation = try await backend.reserve(suite.fixture.owner("node-\(index)"), zone: zone.name, family: zones.family)
            if index == 3 { released = allocation }
        }
        let leaving = try requireValue(released)
        try await backend.release(leaving.owner)
        for wait in [Duration.zero, cooldown.duration - .seconds(1)] {
            await cooldown.advanceClock(wait)
            do {
                let early = try await backend.reserve(suite.fixture.owner("newcomer"), zone: zone.name, family: zones.family)
                throw ConformanceFailure(
                    "the new owner got \(early.address) while \(leaving.address) was cooling down (released less than the cool-down ago)")
            } catch IPAMError.zoneExhausted(zone: zone.name, subnets: _) {}
        }
        await cooldown.advanceClock(.seconds(1))
        let newcomer = try await backend.reserve(suite.fixture.owner("newcomer"), zone: zone.name, family: zones.family)
        try require(newcomer.address == leaving.address,
                    "after the cool-down the only free address of the zone is \(leaving.address), but the new owner got \(newcomer.address)")
    }

    static func reclaimFreeAddress(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let owner = suite.fixture.owner("node-1")
        let addresses = try suite.fixture.zone(zones.small).subnets[0].assignableAddresses()
        let target = try requireValue(addresses.last)
        let reclaimed = try await backend.reclaim(owner, address: target)
        try require(reclaimed.address == target && reclaimed.owner == owner, "reclaim of \(target) returned \(reclaimed)")
        try require(reclaimed.zone == zones.small, "reclaimed allocation names zone \(reclaimed.zone), expected \(zones.small)")
        let again = try await backend.reclaim(owner, address: target)
        try require(again == reclaimed, "reclaiming \(target) again for its holder returned \(again)")
        let reserved = try await backend.reserve(owner, zone: zones.small, family: zones.family)
        try require(reserved == reclaimed, "reserve after reclaim returned \(reserved.cidr), expected the reclaimed \(reclaimed.cidr)")
        let other = try await backend.reserve(suite.fixture.owner("node-2"), zone: zones.small, family: zones.family)
        try require(other.address != target, "another owner was given the reclaimed address \(target)")
    }

    static func reclaimHeldAddressFails(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let holder = suite.fixture.owner("node-1")
        let held = try await backend.reserve(holder, zone: zones.small, family: zones.family)
        try await requireIPAMError("addressHeld(\(held.address), by: \(holder))", matching: {
            if case .addressHeld(held.address, let by) = $0 { by == nil || by == holder } else { false }
        }) {
            try await backend.reclaim(suite.fixture.owner("node-2"), address: held.address)
        }
        let still = try await backend.allocation(for: holder, family: zones.family)
        try require(still == held, "after a refused reclaim the holder has \(String(describing: still)), expected \(held)")
    }

    static func reclaimOutsideZonesFails(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let outside = try requireValue(IPAddress(zones.outside))
        try await requireIPAMError("addressOutsideZones(\(outside))", matching: {
            $0 == .addressOutsideZones(outside)
        }) {
            try await backend.reclaim(suite.fixture.owner("node-1"), address: outside)
        }
    }

    static func allocationsAreListed(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        var reserved: [IPAllocation] = []
        for (index, zone) in [zones.large, zones.small, zones.large, zones.small].enumerated() {
            reserved.append(try await backend.reserve(suite.fixture.owner("node-\(index)"), zone: zone, family: zones.family))
        }
        let listed = try await backend.allocations()
        let expected = reserved.sorted { $0.address < $1.address }
        try require(listed == expected, "allocations() returned \(listed.map(\.cidr)), expected \(expected.map(\.cidr)) ordered by address")
        try await backend.release(reserved[1].owner)
        let after = try await backend.allocations()
        try require(after == expected.filter { $0 != reserved[1] },
                    "after releasing \(reserved[1].owner), allocations() returned \(after.map(\.cidr))")
        let unknown = try await backend.allocation(for: suite.fixture.owner("node-unknown"), family: zones.family)
        try require(unknown == nil, "allocation(for:) of an owner that never reserved returned \(String(describing: unknown))")
    }

    static func allocationsPersist(_ suite: IPAMConformanceSuite, _ zones: FamilyZones) async throws {
        let first = try await suite.makeBackend(suite.fixture)
        let owner = suite.fixture.owner("node-1")
        let allocation = try await first.reserve(owner, zone: zones.small, family: zones.family)
        let reopened = try await suite.reopen(suite.fixture)
        let found = try await reopened.allocation(for: owner, family: zones.family)
        try require(found == allocation, "after reopening, allocation(for: \(owner)) returned \(String(describing: found)), expected \(allocation)")
        let again = try await reopened.reserve(owner, zone: zones.small, family: zones.family)
        try require(again == allocation, "after reopening, reserve for \(owner) returned \(again.cidr), expected \(allocation.cidr)")
        let other = try await reopened.reserve(suite.fixture.owner("node-2"), zone: zones.small, family: zones.family)
        try require(other.address != allocation.address, "after reopening, another owner was given \(allocation.address)")
    }
}

/// Unwraps `value` or fails the case.
func requireValue<T>(_ value: T?, _ what: String = "value") throws(ConformanceFailure) -> T {
    guard let value else { throw ConformanceFailure("expected a \(what), found nil") }
    return value
}
