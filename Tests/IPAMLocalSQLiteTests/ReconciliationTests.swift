// Opening reconciles configuration and database: additions apply, changes that orphan allocations are refused.

import IPAddressing
import IPAMCore
import IPAMLocalSQLite
import TestSupport
import Testing

@Suite("Configuration reconciliation on open")
struct ReconciliationTests {
    /// Expects opening with `configuration` to be refused with a message containing every fragment.
    private func expectRefusal(_ configuration: LocalIPAMConfiguration, mentioning fragments: [String]) async throws {
        let error = await #expect(throws: IPAMError.self) { try await openBackend(configuration) }
        guard case .invalidConfiguration(let message) = error else {
            Issue.record("expected invalidConfiguration, got \(String(describing: error))")
            return
        }
        for fragment in fragments {
            #expect(message.contains(fragment), "\"\(message)\" does not mention \(fragment)")
        }
    }

    @Test("a subnet added to the configuration is used by the next reserve")
    func addedSubnetIsUsed() async throws {
        try await withTemporaryDirectory(prefix: "ipam-reconcile") { directory in
            let database = directory.file("ipam.db")
            let small = try subnet("10.2.0.0/30")
            let before = try await openBackend(localConfiguration(database: database, zones: [("z", [small])]))
            let first = try await before.reserve(owner("a"), zone: "z", family: .v4)
            await #expect(throws: IPAMError.self) { try await before.reserve(owner("b"), zone: "z", family: .v4) }

            let after = try await openBackend(localConfiguration(
                database: database, zones: [("z", [small, try subnet("10.2.1.0/24")]), ("y", [try subnet("10.3.0.0/24")])]))
            #expect(try await after.allocation(for: owner("a"), family: .v4) == first)
            let second = try await after.reserve(owner("b"), zone: "z", family: .v4)
            #expect(second.address == (try address("10.2.1.2")))
            let other = try await after.reserve(owner("c"), zone: "y", family: .v4)
            #expect(other.address == (try address("10.3.0.2")))
        }
    }

    @Test("removing a subnet that holds allocations is refused, naming the subnet and the allocations")
    func removingHeldSubnetIsRefused() async throws {
        try await withTemporaryDirectory(prefix: "ipam-reconcile") { directory in
            let database = directory.file("ipam.db")
            let kept = try subnet("10.2.0.0/30")
            let dropped = try subnet("10.2.1.0/24")
            let backend = try await openBackend(localConfiguration(database: database, zones: [("z", [dropped, kept])]))
            let held = try await backend.reserve(owner("a"), zone: "z", family: .v4)

            try await expectRefusal(
                localConfiguration(database: database, zones: [("z", [kept])]),
                mentioning: ["10.2.1.0/24", "zone z", "10.2.1.2 (test/a)", "release"])

            // Nothing was dropped: the old configuration still opens with the allocation in place.
            let reopened = try await openBackend(localConfiguration(database: database, zones: [("z", [dropped, kept])]))
            #expect(try await reopened.allocation(for: owner("a"), family: .v4) == held)
        }
    }

    @Test("shrinking a subnet under an allocation is refused")
    func shrinkingUnderAllocationIsRefused() async throws {
        try await withTemporaryDirectory(prefix: "ipam-reconcile") { directory in
            let database = directory.file("ipam.db")
            let wide = try subnet("10.2.0.0/24", reserved: ["10.2.0.2-10.2.0.199"])
            let backend = try await openBackend(localConfiguration(database: database, zones: [("z", [wide])]))
            let held = try await backend.reserve(owner("far"), zone: "z", family: .v4)
            #expect(held.address == (try address("10.2.0.200")))

            try await expectRefusal(
                localConfiguration(database: database, zones: [("z", [try subnet("10.2.0.0/25")])]),
                mentioning: ["10.2.0.0/24", "10.2.0.200 (test/far)"])
        }
    }

    @Test("removing or shrinking subnets without allocations in the cut part is accepted")
    func shrinkingEmptyPartIsAccepted() async throws {
        try await withTemporaryDirectory(prefix: "ipam-reconcile") { directory in
            let database = directory.file("ipam.db")
            let backend = try await openBackend(localConfiguration(
                database: database, zones: [("z", [try subnet("10.2.0.0/24")]), ("y", [try subnet("10.4.0.0/24")])]))
            let held = try await backend.reserve(owner("a"), zone: "z", family: .v4)

            let shrunk = try await openBackend(localConfiguration(database: database, zones: [("z", [try subnet("10.2.0.0/25")])]))
            let moved = try #require(try await shrunk.allocation(for: owner("a"), family: .v4))
            #expect(moved.address == held.address)
            #expect(moved.subnet == (try #require(IPPrefix("10.2.0.0/25"))))
            let usage = try await shrunk.usage()
            #expect(usage.map(\.subnet.description) == ["10.2.0.0/25"])
            #expect(usage.first?.used == 1)
            let next = try await shrunk.reserve(owner("b"), zone: "z", family: .v4)
            #expect(next.address == (try address("10.2.0.3")))
        }
    }

    @Test("growing a subnet keeps its allocations and hands out the new addresses")
    func growingKeepsAllocations() async throws {
        try await withTemporaryDirectory(prefix: "ipam-reconcile") { directory in
            let database = directory.file("ipam.db")
            // No cool-down, so that the /30's only address can go from a to b at once.
            let backend = try await openBackend(
                localConfiguration(database: database, cooldown: .zero, zones: [("z", [try subnet("10.2.0.0/30")])]))
            let held = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            try await backend.release(owner("a"))
            _ = try await backend.reserve(owner("b"), zone: "z", family: .v4)

            let grown = try await openBackend(
                localConfiguration(database: database, cooldown: .zero, zones: [("z", [try subnet("10.2.0.0/29")])]))
            let kept = try #require(try await grown.allocation(for: owner("b"), family: .v4))
            #expect(kept.address == held.address)
            #expect(kept.prefixLength == 29)
            let next = try await grown.reserve(owner("c"), zone: "z", family: .v4)
            #expect(next.address == (try address("10.2.0.3")))
        }
    }

    @Test("making a held address the gateway is refused")
    func gatewayOverAllocationIsRefused() async throws {
        try await withTemporaryDirectory(prefix: "ipam-reconcile") { directory in
            let database = directory.file("ipam.db")
            let backend = try await openBackend(localConfiguration(database: database, zones: [("z", [try subnet("10.2.0.0/24")])]))
            _ = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            try await expectRefusal(
                localConfiguration(database: database, zones: [("z", [try subnet("10.2.0.0/24", gateway: "10.2.0.2")])]),
                mentioning: ["10.2.0.0/24", "gateway or reserved", "10.2.0.2 (test/a)"])
        }
    }

    @Test("reserving a range over a held address is refused")
    func reservedOverAllocationIsRefused() async throws {
        try await withTemporaryDirectory(prefix: "ipam-reconcile") { directory in
            let database = directory.file("ipam.db")
            let backend = try await openBackend(localConfiguration(database: database, zones: [("z", [try subnet("10.2.0.0/24")])]))
            _ = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            _ = try await backend.reserve(owner("b"), zone: "z", family: .v4)
            try await expectRefusal(
                localConfiguration(database: database, zones: [("z", [try subnet("10.2.0.0/24", reserved: ["10.2.0.3-10.2.0.9"])])]),
                mentioning: ["1 allocation", "10.2.0.3 (test/b)"])
        }
    }

    @Test("newly reserved free addresses are never handed out after reopening")
    func reservedFreeAddressesAreSkipped() async throws {
        try await withTemporaryDirectory(prefix: "ipam-reconcile") { directory in
            let database = directory.file("ipam.db")
            let backend = try await openBackend(localConfiguration(database: database, zones: [("z", [try subnet("10.2.0.0/24")])]))
            let first = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            _ = try await backend.reserve(owner("b"), zone: "z", family: .v4)
            try await backend.release(owner("b"))

            let changed = try await openBackend(localConfiguration(
                database: database, zones: [("z", [try subnet("10.2.0.0/24", gateway: "10.2.0.4", reserved: ["10.2.0.5-10.2.0.9", "10.2.0.1"])])]))
            #expect(try await changed.allocation(for: owner("a"), family: .v4) == first.withGateway(try address("10.2.0.4")))
            let usage = try #require(try await changed.usage().first)
            #expect(usage.assignable == 254 - 7)
            #expect(usage.coolingDown == 1)
            let next = try await changed.reserve(owner("c"), zone: "z", family: .v4)
            #expect(next.address == (try address("10.2.0.10")))
        }
    }

    @Test("overlapping subnets are refused before the database is touched")
    func overlappingSubnetsAreRefused() async throws {
        try await withTemporaryDirectory(prefix: "ipam-reconcile") { directory in
            try await expectRefusal(
                localConfiguration(database: directory.file("ipam.db"),
                                   zones: [("z", [try subnet("10.2.0.0/24")]), ("y", [try subnet("10.2.0.128/25")])]),
                mentioning: ["10.2.0.128/25 overlaps 10.2.0.0/24"])
        }
    }
}

extension IPAllocation {
    /// The same allocation with another gateway.
    func withGateway(_ gateway: IPAddress) -> IPAllocation {
        var copy = self
        copy.gateway = gateway
        return copy
    }
}
