// The local IPAM backend: one SQLite file (WAL) shared safely by every task and process that opens it.

import FoundationEssentials
import IPAddressing
import IPAMCore
import Logging
import SQLite

/// An ``IPAMBackend`` that keeps allocations in a local SQLite database.
///
/// - Every write is one `IMMEDIATE` transaction, so reserves from many tasks and from several processes on
///   the same file are serialized by SQLite: two owners never get one address, and an owner's concurrent
///   reserves of one family return one allocation (a unique index on owner and family backs this).
/// - A dual-stack zone lists subnets of both families; each family is reserved from its own subnets, in
///   configuration order, and never spills over into the other family.
/// - The lowest free address of a subnet is the first row of its free ranges: an index seek whose cost does
///   not grow as the subnet fills up.
/// - Released addresses wait out ``LocalIPAMConfiguration/releaseCooldown`` before they are handed out again,
///   even when the zone has no other free address (then the reserve fails with `zoneExhausted` and says how
///   many addresses are cooling down; the operator retries).
/// - Opening reconciles the configuration with the database (see ``init(configuration:clusterID:now:logger:)``).
public final class LocalSQLiteBackend: IPAMBackend {
    /// One configured subnet and its database id.
    struct Subnet: Sendable {
        var id: Int64
        var layout: SubnetLayout
    }

    private let pool: DatabasePool
    private let clusterID: String
    /// The configured subnets of each zone, in order.
    private let zones: [String: [Subnet]]
    /// Every configured subnet once, zones in configuration order.
    private let subnets: [Subnet]
    /// Per subnet key, the zones listing it joined with commas (`dal10,dal12` for a shared subnet).
    private let zoneLabels: [String: String]
    /// Per subnet key, the zones listing it in configuration order.
    private let zoneLists: [String: [String]]
    private let zoneNames: [String]
    private let cooldownMilliseconds: Int64
    private let now: @Sendable () -> Date
    private let logger: Logger

    /// The path of the database file.
    public let databasePath: String

    /// Opens (creating if needed) the database named by `configuration.database` and reconciles it with the
    /// configured zones.
    ///
    /// Subnets new in the configuration are added. A change that would orphan allocations (a subnet
    /// removed or shrunk under them, or a held address that became the gateway or reserved) is refused with
    /// an error naming the subnet and the allocations; nothing is dropped silently. Allocations of a removed
    /// subnet whose addresses another configured subnet now covers (a /24 grown to a /23) move there.
    ///
    /// - Parameters:
    ///   - configuration: The local backend's configuration.
    ///   - clusterID: The cluster whose allocations ``allocations()`` lists.
    ///   - now: The wall-clock time, stored with released addresses; injected so tests control cool-downs.
    ///   - logger: Where reservations, releases and reconciliation are logged.
    /// - Throws: ``IPAMError/invalidConfiguration(_:)`` for an unusable configuration or an orphaning change,
    ///   ``IPAMError/backendUnavailable(_:)`` when the file cannot be opened.
    public init(
        configuration: LocalIPAMConfiguration,
        clusterID: String,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "overlay-ipam.local")
    ) async throws {
        let layouts = try SubnetLayout.layouts(of: configuration)
        self.clusterID = clusterID
        self.now = now
        self.logger = logger
        self.databasePath = configuration.database
        self.zoneNames = configuration.zones.map(\.name)
        self.cooldownMilliseconds = Self.milliseconds(configuration.releaseCooldown)

        do {
            pool = try DatabasePool(path: configuration.database, busyTimeout: DatabaseAccess.busyTimeout)
            try await DatabaseAccess.migrate(pool)
        } catch {
            throw IPAMError.backendUnavailable(
                "cannot open the local IPAM database \(configuration.database): \(DatabaseAccess.describe(error)); "
                    + "check that its directory exists and is writable (ipam.local.database)")
        }
        let newer = try await DatabaseAccess.read(pool, "read the schema version") { db in
            try Schema.appliedIdentifiers(db).subtracting(Schema.identifiers)
        }
        guard newer.isEmpty else {
            throw IPAMError.invalidConfiguration(
                "ipam.local.database: \(configuration.database) was written by a newer overlay-ip-controller (schema "
                    + "\(newer.sorted().joined(separator: ", ")); this build knows up to \(Schema.currentVersion)); upgrade this program")
        }

        let reconciler = ConfigurationReconciler(layouts: layouts, now: Self.milliseconds(since: now()))
        let (ids, summary) = try await DatabaseAccess.write(pool, "reconcile the configuration") { db in
            try reconciler.run(db)
        }
        var subnets: [Subnet] = []
        for layout in layouts {
            guard let id = ids[layout.key] else { continue }
            subnets.append(Subnet(id: id, layout: layout))
        }
        // A subnet listed under several zones is one Subnet (one pool, one set of rows) in each zone's list.
        let byKey = Dictionary(subnets.map { ($0.layout.key, $0) }, uniquingKeysWith: { first, _ in first })
        var zones: [String: [Subnet]] = [:]
        var zoneLabels: [String: [String]] = [:]
        for zone in configuration.zones {
            zones[zone.name] = zone.subnets.compactMap { byKey[$0.subnet.description] }
            for subnet in zone.subnets { zoneLabels[subnet.subnet.description, default: []].append(zone.name) }
        }
        self.zones = zones
        self.subnets = subnets
        self.zoneLabels = zoneLabels.mapValues { $0.joined(separator: ",") }
        self.zoneLists = zoneLabels
        logger.info("opened local IPAM database", metadata: [
            "database": "\(configuration.database)", "schema": "\(Schema.currentVersion)",
            "subnets": "\(subnets.count)", "added": "\(summary.added)", "relaidOut": "\(summary.relaidOut)",
            "removed": "\(summary.removed)", "movedAllocations": "\(summary.movedAllocations)",
        ])
    }

    // MARK: - IPAMBackend

    public func families(inZone zone: String) async throws -> [IPAddressFamily] {
        guard let subnets = zones[zone], !subnets.isEmpty else { throw IPAMError.unknownZone(zone, known: zoneNames) }
        return zoneFamilies(subnets.map(\.layout.prefix.family))
    }

    public func reserve(_ owner: IPAMOwner, zone: String, family: IPAddressFamily) async throws -> IPAllocation {
        guard let subnets = zones[zone], !subnets.isEmpty else {
            throw IPAMError.unknownZone(zone, known: zoneNames)
        }
        let candidates = subnets.filter { $0.layout.prefix.family == family }
        guard !candidates.isEmpty else {
            throw IPAMError.familyNotInZone(zone: zone, family: family, families: zoneFamilies(subnets.map(\.layout.prefix.family)))
        }
        let time = currentMilliseconds()
        let cooledBefore = time - cooldownMilliseconds
        let outcome = try await DatabaseAccess.write(pool, "reserve an \(family) address for \(owner)") { db -> ReserveOutcome in
            try Self.returnCooledDown(db, releasedAtOrBefore: cooledBefore)
            return try Self.reserve(db, owner, zone: zone, from: candidates, at: time, cooledBefore: cooledBefore)
        }
        log(outcome)
        return outcome.allocation
    }

    /// Reserves every family of `zone` in one transaction (see ``IPAMBackend/reserve(_:zone:)``): one write
    /// instead of one per family. When a family has no free address, the families before it stay held.
    public func reserve(_ owner: IPAMOwner, zone: String) async throws -> [IPAllocation] {
        guard let subnets = zones[zone], !subnets.isEmpty else {
            throw IPAMError.unknownZone(zone, known: zoneNames)
        }
        let byFamily = zoneFamilies(subnets.map(\.layout.prefix.family)).map { family in
            subnets.filter { $0.layout.prefix.family == family }
        }
        let time = currentMilliseconds()
        let cooledBefore = time - cooldownMilliseconds
        let (outcomes, exhausted) = try await DatabaseAccess.write(pool, "reserve the addresses of \(owner) in zone \(zone)") {
            db -> ([ReserveOutcome], IPAMError?) in
            try Self.returnCooledDown(db, releasedAtOrBefore: cooledBefore)
            var outcomes: [ReserveOutcome] = []
            for candidates in byFamily {
                do {
                    outcomes.append(try Self.reserve(db, owner, zone: zone, from: candidates, at: time, cooledBefore: cooledBefore))
                } catch let error as IPAMError {
                    // An exhausted family wrote nothing: commit the families before it. Any other error rolls back.
                    guard case .zoneExhausted = error else { throw error }
                    return (outcomes, error)
                }
            }
            return (outcomes, nil)
        }
        outcomes.forEach(log)
        if let exhausted { throw exhausted }
        return outcomes.map(\.allocation)
    }

    public func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation {
        guard let subnet = subnets.first(where: { $0.layout.prefix.contains(address) }) else {
            throw IPAMError.addressOutsideZones(address)
        }
        guard let offset = subnet.layout.offset(of: address), subnet.layout.isAssignable(offset: offset) else {
            let kinds = address.family == .v4 ? "network, broadcast" : "subnet-router anycast"
            throw IPAMError.rejected(
                "\(address) is the \(kinds), gateway or a reserved address of \(subnet.layout.key) and is never handed out")
        }
        let time = currentMilliseconds()
        let outcome = try await DatabaseAccess.write(pool, "reclaim \(address) for \(owner)") { db -> ReserveOutcome in
            if let holder = try AddressTables.allocation(db, subnetID: subnet.id, offset: offset) {
                guard holder.owner == owner else { throw IPAMError.addressHeld(address, by: holder.owner) }
                return .existing(try Self.allocation(db, holder))
            }
            if let existing = try AddressTables.allocation(db, owner: owner, family: address.family) {
                let held = try Self.allocation(db, existing)
                throw IPAMError.rejected("\(owner) already holds \(held.address), not \(address); release it first")
            }
            guard try AddressTables.takeCooling(db, subnetID: subnet.id, offset: offset)
                || AddressTables.takeFree(db, subnetID: subnet.id, offset: offset)
            else {
                throw IPAMError.backendUnavailable(
                    "\(address) is neither free, cooling down nor held; the database is inconsistent, restore it from a backup")
            }
            return .reserved(try Self.hold(db, subnet, offset: offset, for: owner, at: time))
        }
        switch outcome {
        case .existing(let allocation):
            return allocation
        case .reserved(let allocation):
            logger.info("reclaimed address", metadata: metadata(allocation))
            return allocation
        }
    }

    public func release(_ owner: IPAMOwner) async throws {
        let time = currentMilliseconds()
        let cooldown = cooldownMilliseconds
        let released = try await DatabaseAccess.write(pool, "release the addresses of \(owner)") { db -> [IPAllocation] in
            try AddressTables.allocations(db, owner: owner).map { row in
                let allocation = try Self.allocation(db, row)
                try AddressTables.deleteAllocation(db, subnetID: row.subnetID, offset: row.offset)
                if cooldown > 0 {
                    try AddressTables.insertCooling(db, subnetID: row.subnetID, offset: row.offset, releasedAt: time)
                } else {
                    try AddressTables.giveBack(db, subnetID: row.subnetID, offset: row.offset)
                }
                return allocation
            }
        }
        for allocation in released {
            logger.info("released address", metadata: metadata(allocation))
        }
    }

    public func allocations(for owner: IPAMOwner) async throws -> [IPAllocation] {
        try await DatabaseAccess.read(pool, "look up the addresses of \(owner)") { db in
            try AddressTables.allocations(db, owner: owner).map { try Self.allocation(db, $0) }
        }.sorted { $0.address < $1.address }
    }

    public func allocations() async throws -> [IPAllocation] {
        let clusterID = clusterID
        return try await DatabaseAccess.read(pool, "list the allocations of cluster \(clusterID)") { db in
            try AddressTables.allocations(db, clusterID: clusterID).map { try Self.allocation(db, $0) }
        }.sorted { $0.address < $1.address }
    }

    public func zones(listing subnet: IPPrefix) async throws -> [String] {
        zoneLists[subnet.description] ?? []
    }

    public func usage() async throws -> [SubnetUsage] {
        let subnets = subnets
        let zoneLabels = zoneLabels
        let stillCoolingAfter = currentMilliseconds() - cooldownMilliseconds
        return try await DatabaseAccess.read(pool, "count the used addresses") { db in
            try subnets.map { subnet in
                SubnetUsage(
                    zone: zoneLabels[subnet.layout.key] ?? subnet.layout.zone, subnet: subnet.layout.prefix, gateway: subnet.layout.gateway,
                    assignable: subnet.layout.assignableCount,
                    used: try AddressTables.allocationCount(db, subnetID: subnet.id),
                    coolingDown: try AddressTables.coolingCount(db, subnetID: subnet.id, releasedAfter: stillCoolingAfter))
            }
        }
    }

    // MARK: - Steps inside a transaction

    private enum ReserveOutcome: Sendable {
        case existing(IPAllocation)
        case reserved(IPAllocation)

        var allocation: IPAllocation {
            switch self {
            case .existing(let allocation), .reserved(let allocation): allocation
            }
        }
    }

    /// Returns the address of `candidates`' family that `owner` holds, or takes the lowest free one of the first
    /// subnet of `candidates` that has one (cooled-down addresses must already be back in the free ranges).
    /// - Throws: `zoneExhausted` naming `candidates` (with their cooling counts), having written nothing.
    private static func reserve(
        _ db: Database, _ owner: IPAMOwner, zone: String, from candidates: [Subnet], at time: Int64, cooledBefore: Int64
    ) throws -> ReserveOutcome {
        guard let family = candidates.first?.layout.prefix.family else { throw IPAMError.zoneExhausted(zone: zone, subnets: []) }
        if let existing = try AddressTables.allocation(db, owner: owner, family: family) {
            return .existing(try allocation(db, existing))
        }
        for subnet in candidates {
            if let offset = try AddressTables.takeLowestFree(db, subnetID: subnet.id) {
                return .reserved(try hold(db, subnet, offset: offset, for: owner, at: time))
            }
        }
        // No fresh address of the family anywhere in the zone. A released address is never handed out before its
        // cool-down ends, even now: say how many are waiting so the message tells what to expect.
        var tried: [String] = []
        for subnet in candidates {
            let cooling = try AddressTables.coolingCount(db, subnetID: subnet.id, releasedAfter: cooledBefore)
            tried.append(cooling == 0 ? subnet.layout.key : "\(subnet.layout.key) (\(cooling) released, cooling down)")
        }
        throw IPAMError.zoneExhausted(zone: zone, subnets: tried)
    }

    private func log(_ outcome: ReserveOutcome) {
        switch outcome {
        case .existing(let allocation):
            logger.debug("owner already holds an address", metadata: metadata(allocation))
        case .reserved(let allocation):
            logger.info("reserved address", metadata: metadata(allocation))
        }
    }

    /// Records `owner` on `offset` of `subnet` (already taken out of the free or cooling addresses).
    private static func hold(_ db: Database, _ subnet: Subnet, offset: UInt64, for owner: IPAMOwner, at time: Int64) throws -> IPAllocation {
        guard let allocation = subnet.layout.allocation(owner: owner, offset: offset) else {
            throw IPAMError.backendUnavailable("offset \(offset) lies outside \(subnet.layout.key); the database is inconsistent")
        }
        try AddressTables.insertAllocation(db, subnetID: subnet.id, offset: offset, address: allocation.address, owner: owner, at: time)
        return allocation
    }

    /// Moves every address whose cool-down ended into the free ranges.
    private static func returnCooledDown(_ db: Database, releasedAtOrBefore time: Int64) throws {
        for row in try AddressTables.cooledDown(db, releasedAtOrBefore: time) {
            _ = try AddressTables.takeCooling(db, subnetID: row.subnetID, offset: row.offset)
            try AddressTables.giveBack(db, subnetID: row.subnetID, offset: row.offset)
        }
    }

    /// The allocation value of a row, with the subnet, gateway and zone the database stores for it (the
    /// database, not this process's configuration, so rows written by another process read correctly).
    private static func allocation(_ db: Database, _ row: AllocationRow) throws -> IPAllocation {
        guard let subnet = try db.fetchOne(sql: "SELECT prefix, gateway, zone FROM subnet WHERE id = ?", arguments: [row.subnetID]),
              let prefix = IPPrefix(try subnet["prefix"] as String),
              let gateway = IPAddress(try subnet["gateway"] as String),
              let address = prefix.address(atWideOffset: row.offset)
        else {
            throw IPAMError.backendUnavailable("the allocation of \(row.owner) refers to an unreadable subnet; restore the database from a backup")
        }
        return IPAllocation(owner: row.owner, address: address, prefixLength: prefix.length, gateway: gateway, subnet: prefix, zone: try subnet["zone"])
    }

    // MARK: - Helpers

    private func currentMilliseconds() -> Int64 { Self.milliseconds(since: now()) }

    private static func milliseconds(since date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    private func metadata(_ allocation: IPAllocation) -> Logger.Metadata {
        ["owner": "\(allocation.owner)", "address": "\(allocation.cidr)", "zone": "\(allocation.zone)", "subnet": "\(allocation.subnet)"]
    }


}
