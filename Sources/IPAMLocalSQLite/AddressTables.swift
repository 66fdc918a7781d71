// The SQL behind taking and returning addresses: indexed lookups on free ranges, held and cooling addresses.

import SQLite
import IPAddressing
import IPAMCore

/// A row of the `allocation` table.
struct AllocationRow: Sendable, Hashable {
    var subnetID: Int64
    var offset: UInt64
    var owner: IPAMOwner
}

/// A released address still (or no longer) waiting out its cool-down.
struct CoolingRow: Sendable, Hashable {
    var subnetID: Int64
    var offset: UInt64
    /// Milliseconds since the Unix epoch.
    var releasedAt: Int64
}

/// Statements on the address tables. Every function runs inside the caller's transaction.
///
/// Offsets are stored through ``StoredOffset`` (so a whole IPv6 /64 fits); an allocation's `family` column is
/// 4 or 6, and an owner holds at most one allocation per family (unique index `allocationOwner`).
///
/// None of them reads more than a handful of rows: the free ranges are keyed by `(subnetID, firstOffset)`,
/// so the lowest free address and the range around any offset are single index seeks.
enum AddressTables {
    // MARK: - Free ranges

    /// Takes the lowest free offset of the subnet out of its free ranges, or returns `nil` if it has none.
    static func takeLowestFree(_ db: Database, subnetID: Int64) throws -> UInt64? {
        guard let row = try db.fetchOne(sql: """
            SELECT firstOffset, lastOffset FROM freeRange WHERE subnetID = ? ORDER BY firstOffset LIMIT 1
            """, arguments: [subnetID])
        else { return nil }
        let range = try interval(row)
        let first = range.first
        let last = range.last
        try deleteFreeRange(db, subnetID: subnetID, first: first)
        if first < last {
            try insertFreeRange(db, subnetID: subnetID, OffsetInterval(first: first + 1, last: last))
        }
        return first
    }

    /// Takes `offset` out of the free ranges, splitting its range. Returns `false` if it was not free.
    static func takeFree(_ db: Database, subnetID: Int64, offset: UInt64) throws -> Bool {
        guard let range = try freeRange(db, subnetID: subnetID, atOrBelow: offset), range.contains(offset) else {
            return false
        }
        try deleteFreeRange(db, subnetID: subnetID, first: range.first)
        if range.first < offset {
            try insertFreeRange(db, subnetID: subnetID, OffsetInterval(first: range.first, last: offset - 1))
        }
        if offset < range.last {
            try insertFreeRange(db, subnetID: subnetID, OffsetInterval(first: offset + 1, last: range.last))
        }
        return true
    }

    /// Returns `offset` to the free ranges, merging it with the ranges on either side.
    static func giveBack(_ db: Database, subnetID: Int64, offset: UInt64) throws {
        var merged = OffsetInterval(first: offset, last: offset)
        if offset > 0, let below = try freeRange(db, subnetID: subnetID, atOrBelow: offset - 1), below.last == offset - 1 {
            try deleteFreeRange(db, subnetID: subnetID, first: below.first)
            merged.first = below.first
        }
        if offset < UInt64.max,
            let above = try db.fetchOne(sql: "SELECT firstOffset, lastOffset FROM freeRange WHERE subnetID = ? AND firstOffset = ?",
                                        arguments: [subnetID, StoredOffset.encode(offset + 1)])
        {
            try deleteFreeRange(db, subnetID: subnetID, first: offset + 1)
            merged.last = try interval(above).last
        }
        try insertFreeRange(db, subnetID: subnetID, merged)
    }

    /// Replaces every free range of the subnet with `intervals`.
    static func replaceFreeRanges(_ db: Database, subnetID: Int64, with intervals: [OffsetInterval]) throws {
        try db.execute(sql: "DELETE FROM freeRange WHERE subnetID = ?", arguments: [subnetID])
        for interval in intervals {
            try insertFreeRange(db, subnetID: subnetID, interval)
        }
    }

    /// Every free range of the subnet, lowest first (reads every range of the subnet: for reports and tests only).
    static func freeRanges(_ db: Database, subnetID: Int64) throws -> [OffsetInterval] {
        try db.fetchAll(sql: "SELECT firstOffset, lastOffset FROM freeRange WHERE subnetID = ? ORDER BY firstOffset",
                        arguments: [subnetID]).map(interval)
    }

    /// The number of free addresses of the subnet, saturating at `Int.max` (for reports only).
    static func freeCount(_ db: Database, subnetID: Int64) throws -> Int {
        OffsetIntervals.count(try freeRanges(db, subnetID: subnetID))
    }

    private static func freeRange(_ db: Database, subnetID: Int64, atOrBelow offset: UInt64) throws -> OffsetInterval? {
        guard let row = try db.fetchOne(sql: """
            SELECT firstOffset, lastOffset FROM freeRange
            WHERE subnetID = ? AND firstOffset <= ? ORDER BY firstOffset DESC LIMIT 1
            """, arguments: [subnetID, StoredOffset.encode(offset)])
        else { return nil }
        return try interval(row)
    }

    private static func interval(_ row: Row) throws -> OffsetInterval {
        OffsetInterval(first: StoredOffset.decode(try row["firstOffset"]), last: StoredOffset.decode(try row["lastOffset"]))
    }

    private static func deleteFreeRange(_ db: Database, subnetID: Int64, first: UInt64) throws {
        try db.execute(sql: "DELETE FROM freeRange WHERE subnetID = ? AND firstOffset = ?", arguments: [subnetID, StoredOffset.encode(first)])
    }

    private static func insertFreeRange(_ db: Database, subnetID: Int64, _ interval: OffsetInterval) throws {
        try db.execute(sql: "INSERT INTO freeRange (subnetID, firstOffset, lastOffset) VALUES (?, ?, ?)",
                       arguments: [subnetID, StoredOffset.encode(interval.first), StoredOffset.encode(interval.last)])
    }

    // MARK: - Allocations

    /// The allocation of `family` that `owner` holds, if any (a seek on the unique owner index).
    static func allocation(_ db: Database, owner: IPAMOwner, family: IPAddressFamily) throws -> AllocationRow? {
        try db.fetchOne(sql: """
            SELECT subnetID, addressOffset, clusterID, nodeName FROM allocation WHERE clusterID = ? AND nodeName = ? AND family = ?
            """, arguments: [owner.clusterID, owner.nodeName, familyNumber(family)]).map(allocationRow)
    }

    /// Every allocation `owner` holds: at most one per family.
    static func allocations(_ db: Database, owner: IPAMOwner) throws -> [AllocationRow] {
        try db.fetchAll(sql: """
            SELECT subnetID, addressOffset, clusterID, nodeName FROM allocation WHERE clusterID = ? AND nodeName = ? ORDER BY family
            """, arguments: [owner.clusterID, owner.nodeName]).map(allocationRow)
    }

    /// The allocation holding `offset` of the subnet, if any.
    static func allocation(_ db: Database, subnetID: Int64, offset: UInt64) throws -> AllocationRow? {
        try db.fetchOne(sql: """
            SELECT subnetID, addressOffset, clusterID, nodeName FROM allocation WHERE subnetID = ? AND addressOffset = ?
            """, arguments: [subnetID, StoredOffset.encode(offset)]).map(allocationRow)
    }

    /// Every allocation of the subnet, lowest offset first (for reconciliation only).
    static func allocations(_ db: Database, subnetID: Int64) throws -> [AllocationRow] {
        try db.fetchAll(sql: """
            SELECT subnetID, addressOffset, clusterID, nodeName FROM allocation WHERE subnetID = ? ORDER BY addressOffset
            """, arguments: [subnetID]).map(allocationRow)
    }

    /// Every allocation of one cluster.
    static func allocations(_ db: Database, clusterID: String) throws -> [AllocationRow] {
        try db.fetchAll(sql: """
            SELECT subnetID, addressOffset, clusterID, nodeName FROM allocation WHERE clusterID = ?
            """, arguments: [clusterID]).map(allocationRow)
    }

    /// The number of addresses of the subnet held by an owner.
    static func allocationCount(_ db: Database, subnetID: Int64) throws -> Int {
        try db.fetchValue(Int.self, sql: "SELECT COUNT(*) FROM allocation WHERE subnetID = ?", arguments: [subnetID]) ?? 0
    }

    /// Records that `owner` holds `offset` of the subnet; the address must have been taken out of the
    /// free or cooling addresses in the same transaction.
    static func insertAllocation(
        _ db: Database, subnetID: Int64, offset: UInt64, address: IPAddress, owner: IPAMOwner, at time: Int64
    ) throws {
        try db.execute(sql: """
            INSERT INTO allocation (subnetID, addressOffset, address, clusterID, nodeName, reservedAt, family)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [subnetID, StoredOffset.encode(offset), address.description, owner.clusterID, owner.nodeName, time,
                             familyNumber(address.family)])
    }

    /// Removes the allocation at `offset` of the subnet.
    static func deleteAllocation(_ db: Database, subnetID: Int64, offset: UInt64) throws {
        try db.execute(sql: "DELETE FROM allocation WHERE subnetID = ? AND addressOffset = ?",
                       arguments: [subnetID, StoredOffset.encode(offset)])
    }

    /// The value of the `family` column: 4 or 6.
    static func familyNumber(_ family: IPAddressFamily) -> Int {
        switch family {
        case .v4: 4
        case .v6: 6
        }
    }

    private static func allocationRow(_ row: Row) throws -> AllocationRow {
        AllocationRow(
            subnetID: try row["subnetID"], offset: StoredOffset.decode(try row["addressOffset"]),
            owner: IPAMOwner(clusterID: try row["clusterID"], nodeName: try row["nodeName"]))
    }

    // MARK: - Cooling addresses

    /// Records that the address at `offset` was released at `time` and must cool down.
    static func insertCooling(_ db: Database, subnetID: Int64, offset: UInt64, releasedAt time: Int64) throws {
        try db.execute(sql: "INSERT INTO coolingAddress (subnetID, addressOffset, releasedAt) VALUES (?, ?, ?)",
                       arguments: [subnetID, StoredOffset.encode(offset), time])
    }

    /// Removes `offset` from the cooling addresses; returns whether it was cooling.
    static func takeCooling(_ db: Database, subnetID: Int64, offset: UInt64) throws -> Bool {
        try db.execute(sql: "DELETE FROM coolingAddress WHERE subnetID = ? AND addressOffset = ?",
                       arguments: [subnetID, StoredOffset.encode(offset)])
        return db.changesCount > 0
    }

    /// Every cooling address released at or before `time`, in release order: those whose cool-down is over.
    static func cooledDown(_ db: Database, releasedAtOrBefore time: Int64) throws -> [CoolingRow] {
        try db.fetchAll(sql: """
            SELECT subnetID, addressOffset, releasedAt FROM coolingAddress WHERE releasedAt <= ? ORDER BY releasedAt
            """, arguments: [time]).map(coolingRow)
    }

    /// Every cooling address of the subnet (for reconciliation only).
    static func coolingAddresses(_ db: Database, subnetID: Int64) throws -> [CoolingRow] {
        try db.fetchAll(sql: "SELECT subnetID, addressOffset, releasedAt FROM coolingAddress WHERE subnetID = ?",
                         arguments: [subnetID]).map(coolingRow)
    }

    /// The number of addresses of the subnet released after `time`: those still cooling down.
    static func coolingCount(_ db: Database, subnetID: Int64, releasedAfter time: Int64) throws -> Int {
        try db.fetchValue(Int.self, sql: "SELECT COUNT(*) FROM coolingAddress WHERE subnetID = ? AND releasedAt > ?",
                         arguments: [subnetID, time]) ?? 0
    }

    private static func coolingRow(_ row: Row) throws -> CoolingRow {
        CoolingRow(subnetID: try row["subnetID"], offset: StoredOffset.decode(try row["addressOffset"]), releasedAt: try row["releasedAt"])
    }
}
