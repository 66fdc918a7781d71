// Local-only behaviour: usage, reclaim refusals, IPv6 subnets, and errors when the file cannot be opened.

import GRDB
import IPAMCore
import IPAMLocalSQLite
import TestSupport
import Testing

@Suite("Local SQLite backend")
struct LocalBackendTests {
    @Test("usage reports every configured subnet in order with its counts")
    func usagePerSubnet() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let configuration = localConfiguration(database: directory.file("ipam.db"), zones: [
                ("z", [try subnet("10.6.0.0/29", reserved: ["10.6.0.2"]), try subnet("10.6.1.0/24")]),
                ("y", [try subnet("10.6.2.0/24", gateway: "10.6.2.254")]),
            ])
            let backend = try await openBackend(configuration)
            for index in 0..<6 { _ = try await backend.reserve(owner("n\(index)"), zone: "z", family: .v4) }
            let usage = try await backend.usage()
            #expect(usage.map(\.subnet.description) == ["10.6.0.0/29", "10.6.1.0/24", "10.6.2.0/24"])
            #expect(usage.map(\.zone) == ["z", "z", "y"])
            #expect(usage.map(\.assignable) == [4, 253, 253])
            #expect(usage.map(\.used) == [4, 2, 0])
            #expect(usage.map(\.free) == [0, 251, 253])
            #expect(usage[2].gateway == (try address("10.6.2.254")))
        }
    }

    @Test("reclaiming the gateway or a reserved address is refused")
    func reclaimExcludedAddress() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), zones: [("z", [try subnet("10.6.0.0/24", reserved: ["10.6.0.10"])])])
            let backend = try await openBackend(configuration)
            for text in ["10.6.0.1", "10.6.0.10", "10.6.0.0", "10.6.0.255"] {
                let error = await #expect(throws: IPAMError.self) { try await backend.reclaim(owner("a"), address: try address(text)) }
                guard case .rejected(let message) = error else {
                    Issue.record("reclaiming \(text): expected rejected, got \(String(describing: error))")
                    continue
                }
                #expect(message.contains(text))
            }
        }
    }

    @Test("reclaiming a second address for an owner that holds one is refused")
    func reclaimSecondAddress() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let configuration = localConfiguration(database: directory.file("ipam.db"), zones: [("z", [try subnet("10.6.0.0/24")])])
            let backend = try await openBackend(configuration)
            let held = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            let error = await #expect(throws: IPAMError.self) { try await backend.reclaim(owner("a"), address: try address("10.6.0.50")) }
            #expect(error == .rejected("test/a already holds \(held.address), not 10.6.0.50; release it first"))
            #expect(try await backend.allocations() == [held])
        }
    }

    @Test("an IPv6 subnet hands out addresses after the gateway")
    func ipv6Subnet() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), zones: [("v6", [try subnet("fd00:77::/64", gateway: "fd00:77::1")])])
            let backend = try await openBackend(configuration)
            let first = try await backend.reserve(owner("a"), zone: "v6", family: .v6)
            #expect(first.cidr == "fd00:77::2/64")
            let far = try await backend.reclaim(owner("b"), address: try address("fd00:77::ffff:1"))
            #expect(far.cidr == "fd00:77::ffff:1/64")
            #expect(try await backend.reserve(owner("c"), zone: "v6", family: .v6).cidr == "fd00:77::3/64")
        }
    }

    @Test("allocations lists only the backend's own cluster")
    func allocationsOfOwnCluster() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let configuration = localConfiguration(database: directory.file("ipam.db"), zones: [("z", [try subnet("10.6.0.0/24")])])
            let backend = try await openBackend(configuration)
            let other = IPAMOwner(clusterID: "other", nodeName: "a")
            let foreign = try await backend.reserve(other, zone: "z", family: .v4)
            let mine = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            #expect(foreign.address != mine.address)
            #expect(try await backend.allocations() == [mine])
            #expect(try await backend.allocation(for: other, family: .v4) == foreign)
        }
    }

    @Test("a database in a missing directory fails with an error naming the path")
    func missingDirectory() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let path = directory.file("missing/ipam.db")
            let configuration = localConfiguration(database: path, zones: [("z", [try subnet("10.6.0.0/24")])])
            let error = await #expect(throws: IPAMError.self) { try await openBackend(configuration) }
            guard case .backendUnavailable(let message) = error else {
                Issue.record("expected backendUnavailable, got \(String(describing: error))")
                return
            }
            #expect(message.contains(path))
            #expect(message.contains("ipam.local.database"))
        }
    }
}

@Suite("Local SQLite schema")
struct LocalSchemaTests {
    @Test("a database written by a newer schema version is refused with an upgrade hint")
    func newerSchemaIsRefused() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let path = directory.file("ipam.db")
            let configuration = localConfiguration(database: path, zones: [("z", [try subnet("10.6.0.0/24")])])
            _ = try await openBackend(configuration)
            let pool = try inspectionPool(path)
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
            }
            let error = await #expect(throws: IPAMError.self) { try await openBackend(configuration) }
            guard case .invalidConfiguration(let message) = error else {
                Issue.record("expected invalidConfiguration, got \(String(describing: error))")
                return
            }
            #expect(message.contains("schema v99"))
            #expect(message.contains("upgrade"))
        }
    }
}
