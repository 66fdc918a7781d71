// Released addresses wait out the cool-down before reuse, driven by a manual wall clock.

import IPAMCore
import IPAMLocalSQLite
import TestSupport
import Testing

@Suite("Release cool-down")
struct CooldownTests {
    @Test("a released address is not handed out again before the cool-down ends")
    func releasedAddressWaits() async throws {
        try await withTemporaryDirectory(prefix: "ipam-cooldown") { directory in
            let clock = ManualWallClock()
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), cooldown: .seconds(300),
                zones: [("z", [try subnet("10.1.0.0/24", gateway: "10.1.0.1")])])
            let backend = try await openBackend(configuration, clock: clock)

            let first = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            #expect(first.address == (try address("10.1.0.2")))
            try await backend.release(owner("a"))

            let second = try await backend.reserve(owner("b"), zone: "z", family: .v4)
            #expect(second.address == (try address("10.1.0.3")))
            clock.advance(by: .seconds(299))
            let third = try await backend.reserve(owner("c"), zone: "z", family: .v4)
            #expect(third.address == (try address("10.1.0.4")))

            clock.advance(by: .seconds(1))
            let fourth = try await backend.reserve(owner("d"), zone: "z", family: .v4)
            #expect(fourth.address == first.address)
        }
    }

    @Test("usage counts cooling addresses until the cool-down ends")
    func usageCountsCooling() async throws {
        try await withTemporaryDirectory(prefix: "ipam-cooldown") { directory in
            let clock = ManualWallClock()
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), cooldown: .seconds(60),
                zones: [("z", [try subnet("10.1.0.0/29", gateway: "10.1.0.1")])])
            let backend = try await openBackend(configuration, clock: clock)
            _ = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            _ = try await backend.reserve(owner("b"), zone: "z", family: .v4)
            try await backend.release(owner("a"))

            let cooling = try #require(try await backend.usage().first)
            #expect(cooling.assignable == 5)
            #expect(cooling.used == 1)
            #expect(cooling.coolingDown == 1)
            #expect(cooling.free == 3)

            clock.advance(by: .seconds(60))
            let cooled = try #require(try await backend.usage().first)
            #expect(cooled.coolingDown == 0)
            #expect(cooled.free == 4)
        }
    }

    @Test("a full zone fails with zoneExhausted naming the cooling addresses rather than reuse one early")
    func fullZoneWaitsForCooldown() async throws {
        try await withTemporaryDirectory(prefix: "ipam-cooldown") { directory in
            let clock = ManualWallClock()
            let configuration = localConfiguration(
                database: directory.file("ipam.db"),
                zones: [("z", [try subnet("10.1.0.0/30", gateway: "10.1.0.1"), try subnet("10.1.0.4/30", gateway: "10.1.0.5")])])
            let backend = try await openBackend(configuration, clock: clock)
            let a = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            let b = try await backend.reserve(owner("b"), zone: "z", family: .v4)
            #expect([a.address, b.address] == [try address("10.1.0.2"), try address("10.1.0.6")])

            try await backend.release(owner("b"))
            clock.advance(by: .seconds(1))
            try await backend.release(owner("a"))
            await #expect(throws: IPAMError.zoneExhausted(
                zone: "z", subnets: ["10.1.0.0/30 (1 released, cooling down)", "10.1.0.4/30 (1 released, cooling down)"])) {
                try await backend.reserve(owner("c"), zone: "z", family: .v4)
            }
            clock.advance(by: .seconds(299))
            let reused = try await backend.reserve(owner("c"), zone: "z", family: .v4)
            #expect(reused.address == b.address)
            await #expect(throws: IPAMError.zoneExhausted(zone: "z", subnets: ["10.1.0.0/30 (1 released, cooling down)", "10.1.0.4/30"])) {
                try await backend.reserve(owner("d"), zone: "z", family: .v4)
            }
            clock.advance(by: .seconds(1))
            let next = try await backend.reserve(owner("d"), zone: "z", family: .v4)
            #expect(next.address == a.address)
        }
    }

    @Test("a fresh address in a later subnet is preferred over a cooling one in an earlier subnet")
    func coolingAddressYieldsToSpillOver() async throws {
        try await withTemporaryDirectory(prefix: "ipam-cooldown") { directory in
            let configuration = localConfiguration(
                database: directory.file("ipam.db"),
                zones: [("z", [try subnet("10.1.0.0/30", gateway: "10.1.0.1"), try subnet("10.1.0.4/30", gateway: "10.1.0.5")])])
            let backend = try await openBackend(configuration)
            _ = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            try await backend.release(owner("a"))
            let next = try await backend.reserve(owner("b"), zone: "z", family: .v4)
            #expect(next.address == (try address("10.1.0.6")))
        }
    }

    @Test("without a cool-down a released address is the next one handed out")
    func zeroCooldownReusesAtOnce() async throws {
        try await withTemporaryDirectory(prefix: "ipam-cooldown") { directory in
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), cooldown: .zero,
                zones: [("z", [try subnet("10.1.0.0/24", gateway: "10.1.0.1")])])
            let backend = try await openBackend(configuration)
            var held: [IPAllocation] = []
            for index in 0..<5 { held.append(try await backend.reserve(owner("n\(index)"), zone: "z", family: .v4)) }
            // Release in an order that exercises merging with the free range below, above and on both sides.
            for index in [1, 3, 2, 0] { try await backend.release(owner("n\(index)")) }
            for index in 0..<4 {
                let again = try await backend.reserve(owner("m\(index)"), zone: "z", family: .v4)
                #expect(again.address == held[index].address)
            }
            let after = try await backend.reserve(owner("m4"), zone: "z", family: .v4)
            #expect(after.address == (try address("10.1.0.7")))
        }
    }

    @Test("reclaiming a cooling address gives it back to an owner at once")
    func reclaimCoolingAddress() async throws {
        try await withTemporaryDirectory(prefix: "ipam-cooldown") { directory in
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), zones: [("z", [try subnet("10.1.0.0/24")])])
            let backend = try await openBackend(configuration)
            let first = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            try await backend.release(owner("a"))
            let reclaimed = try await backend.reclaim(owner("a"), address: first.address)
            #expect(reclaimed == first)
            let usage = try #require(try await backend.usage().first)
            #expect(usage.used == 1)
            #expect(usage.coolingDown == 0)
        }
    }
}
