// Local-only dual-stack behaviour: schema v1 files upgraded in place, whole IPv6 /64s, per-family reclaim.

import GRDB
import IPAddressing
import IPAMCore
@testable import IPAMLocalSQLite
import TestSupport
import Testing

@Suite("Local SQLite backend: dual stack")
struct LocalDualStackTests {
    /// Writes a schema v1 file by executing v1's own SQL, then `rows` (offsets as v1 stored them).
    private func writeVersion1File(_ path: String, rows: String) async throws {
        let version1 = try #require(Schema.migrations.first { $0.identifier == "v1" })
        let pool = try inspectionPool(path)
        try await pool.write { db in
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            try db.execute(sql: version1.sql)
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v1')")
            try db.execute(sql: rows)
        }
    }

    @Test("a schema v1 file opens, keeps its allocations and cool-downs, and its owners gain a second family")
    func version1FileUpgrades() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let path = directory.file("ipam.db")
            let clock = ManualWallClock()
            let releasedAt = Int64(clock.now.timeIntervalSince1970 * 1000)
            // Subnet 10.7.0.0/24 of zone z: test/a holds .2, .3 cools down since `releasedAt`, the rest is free.
            try await writeVersion1File(path, rows: """
                INSERT INTO subnet (id, prefix, zone, position, gateway, layout) VALUES (1, '10.7.0.0/24', 'z', 0, '10.7.0.1', '2-254');
                INSERT INTO freeRange (subnetID, firstOffset, lastOffset) VALUES (1, 4, 254);
                INSERT INTO allocation (subnetID, addressOffset, address, clusterID, nodeName, reservedAt)
                    VALUES (1, 2, '10.7.0.2', 'test', 'a', 1000);
                INSERT INTO coolingAddress (subnetID, addressOffset, releasedAt) VALUES (1, 3, \(releasedAt));
                """)
            let configuration = localConfiguration(
                database: path, zones: [("z", [try subnet("10.7.0.0/24"), try subnet("fd00:7::/64")])])
            let backend = try await openBackend(configuration, clock: clock)

            let held = try await backend.allocations()
            #expect(held.map(\.cidr) == ["10.7.0.2/24"])
            #expect(held.first?.owner == owner("a"))
            #expect(try await backend.reserve(owner("a"), zone: "z", family: .v4).cidr == "10.7.0.2/24")
            #expect(try await backend.reserve(owner("b"), zone: "z", family: .v4).cidr == "10.7.0.4/24", ".3 is still cooling down")
            let both = try await backend.reserve(owner("a"), zone: "z")
            #expect(both.map(\.cidr) == ["10.7.0.2/24", "fd00:7::2/64"])
            clock.advance(by: .seconds(300))
            #expect(try await backend.reserve(owner("c"), zone: "z", family: .v4).cidr == "10.7.0.3/24", "cooled down, lowest free")

            let applied = try await inspectionPool(path).read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            }
            #expect(applied == ["v1", "v2"])
        }
    }

    @Test("a schema v1 file with a /64, which v1 tracked only up to offset 2^61 - 1, opens with the whole /64 free around its allocation")
    func version1Slash64Upgrades() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let path = directory.file("ipam.db")
            let version1Limit = Int.max / 4  // v1's largest tracked offset
            try await writeVersion1File(path, rows: """
                INSERT INTO subnet (id, prefix, zone, position, gateway, layout) VALUES (1, 'fd00:9::/64', 'z', 0, 'fd00:9::1', '2-\(version1Limit)');
                INSERT INTO freeRange (subnetID, firstOffset, lastOffset) VALUES (1, 3, \(version1Limit));
                INSERT INTO allocation (subnetID, addressOffset, address, clusterID, nodeName, reservedAt)
                    VALUES (1, 2, 'fd00:9::2', 'test', 'a', 1000);
                """)
            let backend = try await openBackend(localConfiguration(database: path, zones: [("z", [try subnet("fd00:9::/64")])]))
            #expect(try await backend.allocations().map(\.cidr) == ["fd00:9::2/64"])
            #expect(try await backend.reserve(owner("a"), zone: "z", family: .v6).cidr == "fd00:9::2/64")
            #expect(try await backend.reserve(owner("b"), zone: "z", family: .v6).cidr == "fd00:9::3/64")
            let top = try await backend.reclaim(owner("c"), address: try address("fd00:9::ffff:ffff:ffff:ffff"))
            #expect(top.owner == owner("c"))
        }
    }

    @Test("a whole /64 is served: reclaim and release at the very top, lowest free first, exact usage")
    func wholeSlash64() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let path = directory.file("ipam.db")
            let configuration = localConfiguration(database: path, cooldown: .zero, zones: [
                ("z", [try subnet("fd00:64::/64", reserved: ["fd00:64::ffff:ffff:ffff:ff00-fd00:64::ffff:ffff:ffff:fffd"])]),
            ])
            let backend = try await openBackend(configuration)
            #expect(try await backend.reserve(owner("a"), zone: "z", family: .v6).cidr == "fd00:64::2/64")
            let top = try await backend.reclaim(owner("top"), address: try address("fd00:64::ffff:ffff:ffff:ffff"))
            #expect(top.cidr == "fd00:64::ffff:ffff:ffff:ffff/64")
            let nextToTop = try await backend.reclaim(owner("next"), address: try address("fd00:64::ffff:ffff:ffff:fffe"))
            #expect(nextToTop.address.description == "fd00:64::ffff:ffff:ffff:fffe")
            let belowReserved = try await backend.reclaim(owner("below"), address: try address("fd00:64::ffff:ffff:ffff:feff"))
            #expect(belowReserved.address.description == "fd00:64::ffff:ffff:ffff:feff")
            let refused = await #expect(throws: IPAMError.self) {
                try await backend.reclaim(owner("x"), address: try address("fd00:64::ffff:ffff:ffff:ff80"))
            }
            guard case .rejected = refused else {
                Issue.record("reclaiming a reserved address near the top: expected rejected, got \(String(describing: refused))")
                return
            }
            let anycast = await #expect(throws: IPAMError.self) { try await backend.reclaim(owner("x"), address: try address("fd00:64::")) }
            #expect(anycast.map { "\($0)" }?.contains("subnet-router anycast") == true)

            // Releasing at the top merges the free ranges back without stepping past the last offset.
            try await backend.release(owner("top"))
            try await backend.release(owner("next"))
            #expect(try await backend.reclaim(owner("again"), address: try address("fd00:64::ffff:ffff:ffff:ffff")).owner == owner("again"))
            #expect(try await backend.reserve(owner("b"), zone: "z", family: .v6).cidr == "fd00:64::3/64")

            let free = try await inspectionPool(path).read { db in
                try Row.fetchAll(db, sql: "SELECT firstOffset, lastOffset FROM freeRange ORDER BY firstOffset").map { row in
                    "\(StoredOffset.decode(row["firstOffset"]))-\(StoredOffset.decode(row["lastOffset"]))"
                }
            }
            let top64 = UInt64.max
            // Held: ::2, ::3, ...:feff (top - 256) and the top; reserved: ...:ff00-...:fffd; free: the rest.
            #expect(free == ["4-\(top64 - 257)", "\(top64 - 1)-\(top64 - 1)"])
            let usage = try await backend.usage()
            #expect(usage.first?.assignable == Int.max)
            #expect(usage.first?.used == 4)
        }
    }

    @Test("reclaim is per family: an owner holding an IPv4 address reclaims an IPv6 one, but never two of one family")
    func reclaimPerFamily() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), zones: [("z", [try subnet("10.8.0.0/24"), try subnet("fd00:8::/120")])])
            let backend = try await openBackend(configuration)
            let v4 = try await backend.reserve(owner("a"), zone: "z", family: .v4)
            let v6 = try await backend.reclaim(owner("a"), address: try address("fd00:8::50"))
            #expect(try await backend.allocations(for: owner("a")) == [v4, v6])
            let error = await #expect(throws: IPAMError.self) { try await backend.reclaim(owner("a"), address: try address("fd00:8::51")) }
            #expect(error == .rejected("test/a already holds fd00:8::50, not fd00:8::51; release it first"))
            #expect(try await backend.reserve(owner("a"), zone: "z", family: .v6) == v6)
        }
    }

    @Test("concurrent dual-stack reserves for one owner through two backends on one file yield one address per family")
    func oneOwnerPerFamilyAcrossBackends() async throws {
        try await withTemporaryDirectory(prefix: "ipam-shared") { directory in
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), zones: [("z", [try subnet("fd00:5::/64"), try subnet("10.5.0.0/24")])])
            let left = try await openBackend(configuration)
            let right = try await openBackend(configuration)
            let results = try await withThrowingTaskGroup(of: [IPAllocation].self) { group in
                for index in 0..<40 {
                    let backend = index.isMultiple(of: 2) ? left : right
                    group.addTask { try await backend.reserve(owner("same"), zone: "z") }
                }
                return try await group.reduce(into: [[IPAllocation]]()) { $0.append($1) }
            }
            #expect(Set(results).count == 1)
            #expect(results.first?.map(\.cidr) == ["fd00:5::2/64", "10.5.0.2/24"])
            #expect(try await left.allocations().map(\.cidr) == ["10.5.0.2/24", "fd00:5::2/64"])
        }
    }

    @Test("a family the zone lacks is refused with the families it has")
    func familyNotInZone() async throws {
        try await withTemporaryDirectory(prefix: "ipam-local") { directory in
            let configuration = localConfiguration(database: directory.file("ipam.db"), zones: [("z", [try subnet("10.8.0.0/24")])])
            let backend = try await openBackend(configuration)
            let error = await #expect(throws: IPAMError.self) { try await backend.reserve(owner("a"), zone: "z", family: .v6) }
            #expect(error == .familyNotInZone(zone: "z", family: .v6, families: [.v4]))
            #expect(try await backend.allocations().isEmpty)
        }
    }
}
