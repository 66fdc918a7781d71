// Two backends (two connection pools, as two processes would have) reserving concurrently on one file.

import IPAMCore
import IPAMLocalSQLite
import TestSupport
import Testing

@Suite("Backends sharing one database file")
struct SharedDatabaseTests {
    @Test("two backends on one file never hand one address to two owners")
    func distinctAcrossBackends() async throws {
        try await withTemporaryDirectory(prefix: "ipam-shared") { directory in
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), zones: [("z", [try subnet("10.5.0.0/24")])])
            let left = try await openBackend(configuration)
            let right = try await openBackend(configuration)
            let results = try await withThrowingTaskGroup(of: IPAllocation.self) { group in
                for index in 0..<120 {
                    let backend = index.isMultiple(of: 2) ? left : right
                    group.addTask { try await backend.reserve(owner("n\(index)"), zone: "z", family: .v4) }
                }
                return try await group.reduce(into: [IPAllocation]()) { $0.append($1) }
            }
            #expect(Set(results.map(\.address)).count == 120)
            #expect(try await left.allocations() == results.sorted { $0.address < $1.address })
        }
    }

    @Test("concurrent reserves for one owner through two backends yield one allocation")
    func oneOwnerAcrossBackends() async throws {
        try await withTemporaryDirectory(prefix: "ipam-shared") { directory in
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), zones: [("z", [try subnet("10.5.0.0/24")])])
            let left = try await openBackend(configuration)
            let right = try await openBackend(configuration)
            let results = try await withThrowingTaskGroup(of: IPAllocation.self) { group in
                for index in 0..<50 {
                    let backend = index.isMultiple(of: 2) ? left : right
                    group.addTask { try await backend.reserve(owner("same"), zone: "z", family: .v4) }
                }
                return try await group.reduce(into: [IPAllocation]()) { $0.append($1) }
            }
            #expect(Set(results).count == 1)
            #expect(try await right.allocations().count == 1)
        }
    }

    @Test("a release through one backend frees the address for the other")
    func releaseIsVisibleAcrossBackends() async throws {
        try await withTemporaryDirectory(prefix: "ipam-shared") { directory in
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), cooldown: .zero, zones: [("z", [try subnet("10.5.0.0/30")])])
            let left = try await openBackend(configuration)
            let right = try await openBackend(configuration)
            let held = try await left.reserve(owner("a"), zone: "z", family: .v4)
            await #expect(throws: IPAMError.zoneExhausted(zone: "z", subnets: ["10.5.0.0/30"])) {
                try await right.reserve(owner("b"), zone: "z", family: .v4)
            }
            try await left.release(owner("a"))
            #expect(try await right.reserve(owner("b"), zone: "z", family: .v4).address == held.address)
        }
    }
}
