// What NetBox holds for this cluster, from one listing: held addresses per owner and cooling (released) ones.
import IPAMCore
import IPAddressing

/// This cluster's addresses in the configured prefixes, as of one listing plus the backend's own changes since.
struct NetBoxSnapshot: Sendable {
    /// A released address waiting out its cool-down.
    struct Cooling: Sendable, Equatable {
        var record: NetBoxAddressRecord
        var prefixID: Int
        /// Unix seconds.
        var releasedAt: Int64
    }

    /// Each owner's active addresses (normally one), with the prefix each lies in.
    private(set) var held: [IPAMOwner: [(record: NetBoxAddressRecord, prefixID: Int)]] = [:]
    private(set) var cooling: [Cooling] = []

    /// A change the backend made itself, applied to the kept listing (and to a listing running meanwhile).
    enum Change: Sendable {
        case held(NetBoxAddressRecord, prefixID: Int, owner: IPAMOwner)
        case released(IPAMOwner, cooling: [Cooling])
        case deleted(Int)
    }

    init() {}

    /// Applies a change; applying one the listing already shows changes nothing.
    mutating func apply(_ change: Change) {
        switch change {
        case .held(let record, let prefixID, let owner): recordHeld(record, prefixID: prefixID, by: owner)
        case .released(let owner, let cooling): recordReleased(owner, cooling: cooling)
        case .deleted(let id): forget(id)
        }
    }

    /// Sorts `records` (one listing of the cluster's tag and custom field) into held and cooling addresses;
    /// addresses outside `prefixes`, of other clusters or without marks are left out.
    init(records: [NetBoxAddressRecord], marks: NetBoxMarks, prefixes: [NetBoxPrefix]) {
        for record in records {
            guard let prefix = prefixes.first(where: { $0.prefix.contains(record.ip) }) else { continue }
            if let owner = marks.owner(of: record) {
                held[owner, default: []].append((record, prefix.id))
            } else if let releasedAt = marks.releaseTime(of: record) {
                cooling.append(Cooling(record: record, prefixID: prefix.id, releasedAt: releasedAt))
            }
        }
        for owner in held.keys {
            held[owner]?.sort { ($0.record.ip, $0.record.id) < ($1.record.ip, $1.record.id) }
        }
    }

    /// The address `owner` keeps (the lowest), if any.
    func address(of owner: IPAMOwner) -> (record: NetBoxAddressRecord, prefixID: Int)? {
        held[owner]?.first
    }

    /// Owners holding more than one address, each with the addresses beyond the lowest (a race with another
    /// process); the backend deletes those.
    var surplus: [(owner: IPAMOwner, records: [NetBoxAddressRecord])] {
        held.compactMap { owner, entries in entries.count > 1 ? (owner, entries.dropFirst().map(\.record)) : nil }
    }

    /// Cooling addresses whose cool-down of `cooldown` seconds is over at `now` (Unix seconds).
    func expired(at now: Int64, cooldown: Int64) -> [Cooling] {
        cooling.filter { now - $0.releasedAt >= cooldown }
    }

    /// Cooling addresses in `prefixIDs`, released longest ago first.
    func cooling(in prefixIDs: Set<Int>) -> [Cooling] {
        cooling.filter { prefixIDs.contains($0.prefixID) }.sorted { ($0.releasedAt, $0.record.ip) < ($1.releasedAt, $1.record.ip) }
    }

    mutating func recordHeld(_ record: NetBoxAddressRecord, prefixID: Int, by owner: IPAMOwner) {
        var entries = held[owner, default: []].filter { $0.record.id != record.id }
        entries.append((record, prefixID))
        entries.sort { ($0.record.ip, $0.record.id) < ($1.record.ip, $1.record.id) }
        held[owner] = entries
        cooling.removeAll { $0.record.id == record.id }
    }

    mutating func recordReleased(_ owner: IPAMOwner, cooling released: [Cooling]) {
        held[owner] = nil
        let ids = Set(released.map(\.record.id))
        cooling.removeAll { ids.contains($0.record.id) }
        cooling += released
    }

    mutating func forget(_ recordID: Int) {
        cooling.removeAll { $0.record.id == recordID }
        for owner in held.keys {
            held[owner]?.removeAll { $0.record.id == recordID }
            if held[owner]?.isEmpty == true { held[owner] = nil }
        }
    }

    /// Every owner with the address it keeps.
    var allHeld: [(owner: IPAMOwner, record: NetBoxAddressRecord, prefixID: Int)] {
        held.compactMap { owner, entries in entries.first.map { (owner, $0.record, $0.prefixID) } }
    }
}
