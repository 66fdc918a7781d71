// Brings the database's subnets in line with the configuration on open, refusing changes that orphan allocations.

import SQLite
import IPAddressing
import IPAMCore

/// A configuration change that would leave allocations without an assignable address.
struct OrphanedAllocations: Sendable, Hashable, CustomStringConvertible {
    /// Why the subnet's allocations lost their addresses.
    enum Reason: Sendable, Hashable {
        /// The subnet is gone from the configuration, or shrunk so that these addresses fall outside it.
        case subnetRemoved
        /// The subnet is still configured, but these addresses are now its gateway or reserved.
        case addressesExcluded
    }

    /// The subnet as stored in the database, e.g. `192.168.100.0/24`.
    var subnet: String
    /// The zone the database had the subnet in.
    var zone: String
    var reason: Reason
    /// The orphaned allocations as `address (cluster/node)`, lowest address first.
    var allocations: [String]

    var description: String {
        let shown = allocations.prefix(10).joined(separator: ", ")
        let more = allocations.count > 10 ? " and \(allocations.count - 10) more" : ""
        let what = allocations.count == 1 ? "1 allocation" : "\(allocations.count) allocations"
        switch reason {
        case .subnetRemoved:
            return "subnet \(subnet) of zone \(zone) was removed from the configuration or shrunk, which would orphan "
                + "\(what) outside the configured subnets: \(shown)\(more); "
                + "release them first (overlay-ipam release --owner NODE) or keep the subnet"
        case .addressesExcluded:
            return "subnet \(subnet) of zone \(zone) now marks held addresses as gateway or reserved, which would orphan "
                + "\(what): \(shown)\(more); release them first (overlay-ipam release --owner NODE) or change the gateway/reserved ranges"
        }
    }
}

/// Reconciles the `subnet` table (and the free ranges) with the configured layouts, in one transaction.
///
/// - New subnets are added with every assignable address free.
/// - Subnets whose zone or order changed are updated.
/// - Subnets whose gateway or reserved ranges changed get their free ranges rebuilt; an allocation on an
///   address that is no longer assignable is refused.
/// - Removed subnets are deleted; their allocations move to the configured subnet that now contains
///   their address (a subnet grown from /24 to /23 keeps them), and are refused where none does.
/// Refusals throw before anything is written: the caller's transaction rolls back as a whole.
struct ConfigurationReconciler {
    /// The configured subnets, every zone's in order.
    let layouts: [SubnetLayout]
    /// Milliseconds since the Unix epoch, stamped on moved allocations.
    let now: Int64

    private struct StoredSubnet {
        var id: Int64
        var prefix: String
        var zone: String
        var position: Int
        var gateway: String
        var layout: String
    }

    /// What changed, for the log.
    struct Summary: Sendable, Hashable {
        var added: [String] = []
        var relaidOut: [String] = []
        var removed: [String] = []
        var movedAllocations = 0
    }

    /// Reconciles and returns the database id of every configured subnet, keyed by ``SubnetLayout/key``.
    /// - Throws: `IPAMError.invalidConfiguration` naming every orphaned allocation.
    func run(_ db: Database) throws -> (ids: [String: Int64], summary: Summary) {
        let stored = try db.fetchAll(sql: "SELECT id, prefix, zone, position, gateway, layout FROM subnet").map {
            StoredSubnet(id: try $0["id"], prefix: try $0["prefix"], zone: try $0["zone"], position: try $0["position"],
                         gateway: try $0["gateway"], layout: try $0["layout"])
        }
        let storedByPrefix = Dictionary(stored.map { ($0.prefix, $0) }, uniquingKeysWith: { first, _ in first })
        var ids: [String: Int64] = [:]
        var problems: [OrphanedAllocations] = []
        var summary = Summary()

        for layout in layouts {
            if let existing = storedByPrefix[layout.key] {
                ids[layout.key] = existing.id
                if existing.layout != layout.fingerprint {
                    if let problem = try relayOut(db, existing, as: layout) {
                        problems.append(problem)
                    } else {
                        summary.relaidOut.append(layout.key)
                    }
                }
                try db.execute(sql: "UPDATE subnet SET zone = ?, position = ?, gateway = ?, layout = ? WHERE id = ?",
                               arguments: [layout.zone, layout.position, layout.gateway.description, layout.fingerprint, existing.id])
            } else {
                try db.execute(sql: "INSERT INTO subnet (prefix, zone, position, gateway, layout) VALUES (?, ?, ?, ?, ?)",
                               arguments: [layout.key, layout.zone, layout.position, layout.gateway.description, layout.fingerprint])
                let id = db.lastInsertedRowID
                ids[layout.key] = id
                try AddressTables.replaceFreeRanges(db, subnetID: id, with: layout.assignable)
                summary.added.append(layout.key)
            }
        }

        let configuredKeys = Set(layouts.map(\.key))
        for removed in stored where !configuredKeys.contains(removed.prefix) {
            if let problem = try remove(db, removed, ids: ids, summary: &summary) {
                problems.append(problem)
            } else {
                summary.removed.append(removed.prefix)
            }
        }

        if !problems.isEmpty {
            throw IPAMError.invalidConfiguration(problems.map(\.description).joined(separator: "; "))
        }
        return (ids, summary)
    }

    /// Rebuilds the free ranges of a subnet whose assignable addresses changed, or reports the allocations
    /// the change would orphan.
    private func relayOut(_ db: Database, _ stored: StoredSubnet, as layout: SubnetLayout) throws -> OrphanedAllocations? {
        let held = try AddressTables.allocations(db, subnetID: stored.id)
        let orphans = held.filter { !layout.isAssignable(offset: $0.offset) }
        if !orphans.isEmpty {
            return OrphanedAllocations(
                subnet: stored.prefix, zone: stored.zone, reason: .addressesExcluded,
                allocations: orphans.map { describe($0, in: layout.prefix) })
        }
        var cooling: [UInt64] = []
        for row in try AddressTables.coolingAddresses(db, subnetID: stored.id) {
            if layout.isAssignable(offset: row.offset) {
                cooling.append(row.offset)
            } else {
                _ = try AddressTables.takeCooling(db, subnetID: stored.id, offset: row.offset)
            }
        }
        let taken = OffsetIntervals.covering(held.map(\.offset) + cooling)
        try AddressTables.replaceFreeRanges(db, subnetID: stored.id, with: OffsetIntervals.subtract(taken, from: layout.assignable))
        return nil
    }

    /// Deletes a subnet that is no longer configured, moving its allocations (and cooling addresses) to the
    /// configured subnet that now contains them; reports the allocations no configured subnet can take.
    private func remove(
        _ db: Database, _ stored: StoredSubnet, ids: [String: Int64], summary: inout Summary
    ) throws -> OrphanedAllocations? {
        guard let prefix = IPPrefix(stored.prefix) else {
            throw IPAMError.backendUnavailable("the database holds an unreadable subnet \"\(stored.prefix)\"; restore the database from a backup")
        }
        let held = try AddressTables.allocations(db, subnetID: stored.id)
        var moves: [(row: AllocationRow, address: IPAddress, target: Int64, offset: UInt64)] = []
        var orphans: [String] = []
        for row in held {
            guard let address = prefix.address(atWideOffset: row.offset),
                  let (target, offset) = destination(of: address, ids: ids),
                  try AddressTables.takeFree(db, subnetID: target, offset: offset)
            else {
                orphans.append(describe(row, in: prefix))
                continue
            }
            moves.append((row, address, target, offset))
        }
        if !orphans.isEmpty {
            return OrphanedAllocations(subnet: stored.prefix, zone: stored.zone, reason: .subnetRemoved, allocations: orphans)
        }
        for move in moves {
            try AddressTables.deleteAllocation(db, subnetID: stored.id, offset: move.row.offset)
            try AddressTables.insertAllocation(
                db, subnetID: move.target, offset: move.offset, address: move.address, owner: move.row.owner, at: now)
        }
        summary.movedAllocations += moves.count
        for row in try AddressTables.coolingAddresses(db, subnetID: stored.id) {
            guard let address = prefix.address(atWideOffset: row.offset),
                  let (target, offset) = destination(of: address, ids: ids),
                  try AddressTables.takeFree(db, subnetID: target, offset: offset)
            else { continue }
            try AddressTables.insertCooling(db, subnetID: target, offset: offset, releasedAt: row.releasedAt)
        }
        try db.execute(sql: "DELETE FROM subnet WHERE id = ?", arguments: [stored.id])
        return nil
    }

    /// The configured subnet (database id and offset) where `address` may be held, if any.
    private func destination(of address: IPAddress, ids: [String: Int64]) -> (Int64, UInt64)? {
        for layout in layouts where layout.prefix.contains(address) {
            guard let offset = layout.offset(of: address), layout.isAssignable(offset: offset),
                  let id = ids[layout.key]
            else { return nil }
            return (id, offset)
        }
        return nil
    }

    private func describe(_ row: AllocationRow, in prefix: IPPrefix) -> String {
        let address = prefix.address(atWideOffset: row.offset).map(\.description) ?? "offset \(row.offset)"
        return "\(address) (\(row.owner))"
    }
}
