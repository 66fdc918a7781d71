// The conformance cases of dual-stack zones: one address per family, each family on its own, crash between the two.

import IPAddressing
import IPAMCore

extension IPAMConformanceSuite {
    /// The dual-stack cases (``ConformanceGroups/dualStack``), on ``ConformanceFixture/allFamilies``.
    static let dualStackCases: [ConformanceCase] = [
        ConformanceCase("a dual-stack zone gives each owner one address per family, in the zone's family order", oneAddressPerFamily),
        ConformanceCase("a family the zone lacks fails with familyNotInZone", familyNotInZoneFails),
        ConformanceCase("50 concurrent reserves for one dual-stack owner yield one address per family", concurrentDualStackReservesForOneOwner),
        ConformanceCase("100 concurrent dual-stack owners get distinct addresses in each family", concurrentDualStackOwners),
        ConformanceCase("release frees both families", releaseFreesBothFamilies),
        ConformanceCase("spill-over in a dual-stack zone stays within the family", spillOverStaysWithinFamily),
        ConformanceCase("exhausting one family fails the zone's reservation, keeps the other held, and a retry completes it",
                        exhaustedFamilyKeepsTheOtherHeld),
        ConformanceCase("reclaim is per family", reclaimIsPerFamily),
        ConformanceCase("after a crash between two families, reserving the zone again reserves only the missing one",
                        crashBetweenFamilies),
    ]

    /// The dual-stack cool-down case (``ConformanceGroups/dualStack`` with ``ConformanceGroups/cooldown``).
    static let dualStackCooldownCases: [ConformanceCase] = [
        ConformanceCase("a released dual-stack owner's addresses each wait out the cool-down in their family", cooldownPerFamily),
    ]

    // MARK: - Cases

    static func oneAddressPerFamily(_ suite: IPAMConformanceSuite) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let fixture = suite.fixture
        let ipv4First = try await backend.families(inZone: "zone-d")
        try require(ipv4First == [.v4, .v6], "families(inZone: zone-d) returned \(ipv4First), expected [IPv4, IPv6]")
        let ipv6First = try await backend.families(inZone: "zone-d6")
        try require(ipv6First == [.v6, .v4], "families(inZone: zone-d6) returned \(ipv6First), expected [IPv6, IPv4]")
        let single = try await backend.families(inZone: "zone-a")
        try require(single == [.v4], "families(inZone: zone-a) returned \(single), expected [IPv4]")

        let owner = fixture.owner("node-1")
        let reserved = try await backend.reserve(owner, zone: "zone-d")
        try require(reserved.map(\.address.family) == [.v4, .v6], "reserve(zone: zone-d) returned \(reserved.map(\.cidr)), expected IPv4 then IPv6")
        for allocation in reserved {
            let first = try requireValue(try fixture.subnets(inZone: "zone-d", family: allocation.address.family).first)
            let prefix = try first.parsedPrefix()
            try require(allocation.subnet == prefix && prefix.contains(allocation.address) && allocation.gateway == (try first.parsedGateway())
                            && allocation.prefixLength == prefix.length && allocation.zone == "zone-d" && allocation.owner == owner,
                        "\(allocation) does not come from \(prefix) with its gateway, prefix length and zone")
        }
        let again = try await backend.reserve(owner, zone: "zone-d")
        try require(again == reserved, "reserving zone-d again returned \(again.map(\.cidr)), expected \(reserved.map(\.cidr))")

        let other = fixture.owner("node-2")
        let primaryIPv6 = try await backend.reserve(other, zone: "zone-d6")
        try require(primaryIPv6.map(\.address.family) == [.v6, .v4],
                    "reserve(zone: zone-d6) returned \(primaryIPv6.map(\.cidr)), expected IPv6 then IPv4")
        let listed = try await backend.allocations(for: other)
        try require(listed == primaryIPv6.sorted { $0.address < $1.address },
                    "allocations(for:) returned \(listed.map(\.cidr)), expected both addresses ordered by address (IPv4 first)")
        for allocation in primaryIPv6 {
            let found = try await backend.allocation(for: other, family: allocation.address.family)
            try require(found == allocation, "allocation(for:family: \(allocation.address.family)) returned \(String(describing: found))")
        }
        let all = try await backend.allocations()
        try require(all == (reserved + primaryIPv6).sorted { $0.address < $1.address },
                    "allocations() returned \(all.map(\.cidr)), expected the four reserved addresses by address")
    }

    static func familyNotInZoneFails(_ suite: IPAMConformanceSuite) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let owner = suite.fixture.owner("node-1")
        for (zone, family, has) in [("zone-a", IPAddressFamily.v6, [IPAddressFamily.v4]), ("zone-a6", .v4, [.v6])] {
            try await requireIPAMError("familyNotInZone(zone: \(zone), family: \(family))", matching: {
                $0 == .familyNotInZone(zone: zone, family: family, families: has)
            }) {
                try await backend.reserve(owner, zone: zone, family: family)
            }
        }
        let held = try await backend.allocations(for: owner)
        try require(held.isEmpty, "a refused reserve left \(held.map(\.cidr)) behind")
    }

    static func concurrentDualStackReservesForOneOwner(_ suite: IPAMConformanceSuite) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let owner = suite.fixture.owner("node-1")
        let results = try await withThrowingTaskGroup(of: [IPAllocation].self) { group in
            for index in 0..<50 {
                group.addTask {
                    switch index % 3 {
                    case 0: try await backend.reserve(owner, zone: "zone-d6")
                    case 1: [try await backend.reserve(owner, zone: "zone-d6", family: .v4)]
                    default: [try await backend.reserve(owner, zone: "zone-d6", family: .v6)]
                    }
                }
            }
            return try await group.reduce(into: [IPAllocation]()) { $0 += $1 }
        }
        for family in [IPAddressFamily.v4, .v6] {
            let distinct = Set(results.filter { $0.address.family == family }.map(\.address))
            try require(distinct.count == 1, "concurrent reserves for \(owner) returned \(distinct.count) \(family) addresses: \(distinct.sorted())")
        }
        let held = try await backend.allocations(for: owner)
        try require(held.count == 2 && Set(held.map(\.address)) == Set(results.map(\.address)),
                    "\(owner) holds \(held.map(\.cidr)) after concurrent reserves, expected one address per family")
        let all = try await backend.allocations()
        try require(all.count == 2, "expected exactly two allocations, got \(all.map(\.cidr))")
    }

    static func concurrentDualStackOwners(_ suite: IPAMConformanceSuite) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let fixture = suite.fixture
        let results = try await withThrowingTaskGroup(of: [IPAllocation].self) { group in
            for index in 0..<100 {
                group.addTask { try await backend.reserve(fixture.owner("node-\(index)"), zone: "zone-d6") }
            }
            return try await group.reduce(into: [[IPAllocation]]()) { $0.append($1) }
        }
        try require(results.allSatisfy { $0.map(\.address.family) == [.v6, .v4] && $0[0].owner == $0[1].owner },
                    "some owner did not get an IPv6 then an IPv4 address")
        for family in [IPAddressFamily.v4, .v6] {
            let assignable = Set(try fixture.subnets(inZone: "zone-d6", family: family).flatMap { try $0.assignableAddresses() })
            let addresses = results.flatMap { $0 }.filter { $0.address.family == family }.map(\.address)
            try require(Set(addresses).count == 100, "100 owners got only \(Set(addresses).count) distinct \(family) addresses")
            let outside = Set(addresses).subtracting(assignable)
            try require(outside.isEmpty, "handed out \(family) addresses that are not assignable: \(outside.sorted())")
        }
        let listed = try await backend.allocations()
        try require(listed.count == 200, "allocations() lists \(listed.count) allocations, expected 200")
    }

    static func releaseFreesBothFamilies(_ suite: IPAMConformanceSuite) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let owner = suite.fixture.owner("node-1")
        let stays = try await backend.reserve(suite.fixture.owner("node-2"), zone: "zone-d")
        _ = try await backend.reserve(owner, zone: "zone-d")
        try await backend.release(owner)
        let left = try await backend.allocations(for: owner)
        try require(left.isEmpty, "\(owner) still holds \(left.map(\.cidr)) after release")
        try await backend.release(owner)
        let all = try await backend.allocations()
        try require(all == stays, "allocations() lists \(all.map(\.cidr)) after the release, expected only the other owner's \(stays.map(\.cidr))")
    }

    static func spillOverStaysWithinFamily(_ suite: IPAMConformanceSuite) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let fixture = suite.fixture
        for family in [IPAddressFamily.v4, .v6] {
            let subnets = try fixture.subnets(inZone: "zone-d", family: family)
            var index = 0
            for subnet in subnets {
                let prefix = try subnet.parsedPrefix()
                for _ in try subnet.assignableAddresses() {
                    let allocation = try await backend.reserve(fixture.owner("\(family)-\(index)"), zone: "zone-d", family: family)
                    try require(allocation.subnet == prefix && allocation.gateway == (try subnet.parsedGateway()),
                                "\(family) reserve #\(index + 1) came from \(allocation.subnet) (\(allocation.address)), expected \(prefix)")
                    index += 1
                }
            }
            let error = try await requireIPAMError("zoneExhausted(zone: zone-d) for \(family)", matching: {
                if case .zoneExhausted(zone: "zone-d", subnets: _) = $0 { true } else { false }
            }) {
                try await backend.reserve(fixture.owner("\(family)-too-many"), zone: "zone-d", family: family)
            }
            try requireNamesOnly(error, subnets: subnets)
        }
    }

    static func exhaustedFamilyKeepsTheOtherHeld(_ suite: IPAMConformanceSuite) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let fixture = suite.fixture
        let ipv6Subnets = try fixture.subnets(inZone: "zone-d", family: .v6)
        let ipv6Capacity = try ipv6Subnets.reduce(0) { $0 + (try $1.assignableAddresses().count) }
        var first: [IPAllocation] = []
        for index in 0..<ipv6Capacity {
            let reserved = try await backend.reserve(fixture.owner("node-\(index)"), zone: "zone-d")
            if index == 0 { first = reserved }
        }
        let late = fixture.owner("node-late")
        let error = try await requireIPAMError("zoneExhausted(zone: zone-d) for IPv6", matching: {
            if case .zoneExhausted(zone: "zone-d", subnets: _) = $0 { true } else { false }
        }) {
            try await backend.reserve(late, zone: "zone-d")
        }
        try requireNamesOnly(error, subnets: ipv6Subnets)
        let partial = try await backend.allocations(for: late)
        try require(partial.count == 1 && partial[0].address.family == .v4,
                    "after IPv6 ran out, \(late) holds \(partial.map(\.cidr)), expected its IPv4 address only")

        try await backend.release(fixture.owner("node-0"))
        if let cooldown = suite.cooldown { await cooldown.advanceClock(cooldown.duration) }
        let completed = try await backend.reserve(late, zone: "zone-d")
        try require(completed.count == 2 && completed[0] == partial[0],
                    "the retry returned \(completed.map(\.cidr)), expected the held \(partial[0].cidr) and an IPv6 address")
        try require(completed[1].address == first[1].address,
                    "the only free IPv6 address is \(first[1].address), but the retry got \(completed[1].address)")
        let held = try await backend.allocations(for: late)
        try require(held == completed.sorted { $0.address < $1.address }, "\(late) holds \(held.map(\.cidr)), expected \(completed.map(\.cidr))")
    }

    static func reclaimIsPerFamily(_ suite: IPAMConformanceSuite) async throws {
        let backend = try await suite.makeBackend(suite.fixture)
        let fixture = suite.fixture
        let owner = fixture.owner("node-1")
        let ipv4 = try await backend.reserve(owner, zone: "zone-d", family: .v4)
        let ipv6Addresses = try requireValue(try fixture.subnets(inZone: "zone-d", family: .v6).first).assignableAddresses()
        let target = try requireValue(ipv6Addresses.last)
        let reclaimed = try await backend.reclaim(owner, address: target)
        try require(reclaimed.address == target && reclaimed.owner == owner && reclaimed.zone == "zone-d",
                    "an owner holding \(ipv4.address) reclaimed \(target) as \(reclaimed)")
        let held = try await backend.allocations(for: owner)
        try require(held == [ipv4, reclaimed], "\(owner) holds \(held.map(\.cidr)), expected \(ipv4.cidr) and \(reclaimed.cidr)")

        let second = try requireValue(ipv6Addresses.first)
        try await requireIPAMError("a refused reclaim of a second IPv6 address", matching: { _ in true }) {
            try await backend.reclaim(owner, address: second)
        }
        let after = try await backend.allocations(for: owner)
        try require(after == held, "after a refused second IPv6 reclaim \(owner) holds \(after.map(\.cidr)), expected \(held.map(\.cidr))")
        let zoneAgain = try await backend.reserve(owner, zone: "zone-d")
        try require(zoneAgain == [ipv4, reclaimed], "reserving the zone after reclaim returned \(zoneAgain.map(\.cidr))")

        // Recovery: a new owner reclaims one address of each family and holds exactly those.
        try await backend.release(owner)
        if let cooldown = suite.cooldown { await cooldown.advanceClock(cooldown.duration) }
        let successor = fixture.owner("node-2")
        let restored = [try await backend.reclaim(successor, address: ipv4.address), try await backend.reclaim(successor, address: target)]
        let listed = try await backend.allocations(for: successor)
        try require(listed == restored && listed.map(\.address) == [ipv4.address, target],
                    "after reclaiming both families \(successor) holds \(listed.map(\.cidr)), expected \(ipv4.address) and \(target)")
    }

    static func crashBetweenFamilies(_ suite: IPAMConformanceSuite) async throws {
        let fixture = suite.fixture
        let crashed = try await suite.makeBackend(fixture)
        // Each zone's first family is reserved, then the process dies before the second.
        let ipv4First = fixture.owner("node-1")
        let ipv6First = fixture.owner("node-2")
        let heldIPv4 = try await crashed.reserve(ipv4First, zone: "zone-d", family: .v4)
        let heldIPv6 = try await crashed.reserve(ipv6First, zone: "zone-d6", family: .v6)
        // Or dies after the second family of an earlier attempt only (the first family was released by hand).
        let secondOnly = fixture.owner("node-3")
        let heldSecond = try await crashed.reserve(secondOnly, zone: "zone-d", family: .v6)

        let restarted = try await suite.reopen(fixture)
        for (owner, zone, held, expected) in [
            (ipv4First, "zone-d", heldIPv4, [IPAddressFamily.v4, .v6]), (ipv6First, "zone-d6", heldIPv6, [.v6, .v4]),
            (secondOnly, "zone-d", heldSecond, [.v4, .v6]),
        ] {
            let completed = try await restarted.reserve(owner, zone: zone)
            try require(completed.map(\.address.family) == expected && completed.contains(held),
                        "after the restart, reserving \(zone) for \(owner) returned \(completed.map(\.cidr)); expected the held \(held.cidr) and the missing family")
            let listed = try await restarted.allocations(for: owner)
            try require(listed == completed.sorted { $0.address < $1.address },
                        "\(owner) holds \(listed.map(\.cidr)), expected exactly \(completed.map(\.cidr)): one address per family")
        }
        try await restarted.release(ipv4First)
        let left = try await restarted.allocations(for: ipv4First)
        try require(left.isEmpty, "release after the restart left \(left.map(\.cidr)) for \(ipv4First)")
        let all = try await restarted.allocations()
        try require(all.count == 4 && !all.contains { $0.owner == ipv4First },
                    "allocations() lists \(all.map(\.cidr)), expected the two other owners' four addresses")
    }

    static func cooldownPerFamily(_ suite: IPAMConformanceSuite) async throws {
        guard let cooldown = suite.cooldown else {
            throw ConformanceFailure("this case needs a suite made with `cooldown`: the backend's cool-down and clock")
        }
        let backend = try await suite.makeBackend(suite.fixture)
        let fixture = suite.fixture
        let ipv6Capacity = try fixture.subnets(inZone: "zone-d", family: .v6).reduce(0) { $0 + (try $1.assignableAddresses().count) }
        var leaving: [IPAllocation] = []
        for index in 0..<ipv6Capacity {
            let reserved = try await backend.reserve(fixture.owner("node-\(index)"), zone: "zone-d")
            if index == 3 { leaving = reserved }
        }
        try await backend.release(fixture.owner("node-3"))
        let newcomer = fixture.owner("newcomer")
        for wait in [Duration.zero, cooldown.duration - .seconds(1)] {
            await cooldown.advanceClock(wait)
            do {
                let early = try await backend.reserve(newcomer, zone: "zone-d")
                throw ConformanceFailure(
                    "\(newcomer) got \(early.map(\.cidr)) while \(leaving[1].address), the only IPv6 address of zone-d, was cooling down")
            } catch IPAMError.zoneExhausted(zone: "zone-d", subnets: _) {}
        }
        let partial = try await backend.allocations(for: newcomer)
        try require(partial.count == 1 && partial[0].address.family == .v4 && partial[0].address != leaving[0].address,
                    "while IPv6 cooled down \(newcomer) holds \(partial.map(\.cidr)); expected a fresh IPv4 address, not the cooling \(leaving[0].address)")
        await cooldown.advanceClock(.seconds(1))
        let completed = try await backend.reserve(newcomer, zone: "zone-d")
        try require(completed.count == 2 && completed[0] == partial[0] && completed[1].address == leaving[1].address,
                    "after the cool-down \(newcomer) got \(completed.map(\.cidr)), expected \(partial[0].cidr) and the released \(leaving[1].address)")
    }

    // MARK: - Helpers

    /// Requires a `zoneExhausted` error to name every subnet of `subnets` and no other.
    private static func requireNamesOnly(_ error: IPAMError, subnets: [ConformanceFixture.Subnet]) throws(ConformanceFailure) {
        guard case .zoneExhausted(_, let named) = error else { throw ConformanceFailure("expected zoneExhausted, got \(error)") }
        let expected = subnets.map(\.prefix)
        try require(named.count == expected.count && zip(named, expected).allSatisfy { $0.hasPrefix($1) },
                    "zoneExhausted names \(named), expected the family's subnets \(expected) only")
    }
}
