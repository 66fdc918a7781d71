// What the backend writes into phpIPAM address rows, and how it reads a row back: owned, cooling down, legacy.
import FoundationEssentials
import IPAMCore

/// The marks the backend writes into phpIPAM address rows, and their reading. Pure: no I/O.
///
/// - An **owned** row (an allocation): `hostname` = the node name, the owner field (`owner`, or the
///   configured custom field) = the cluster id, `description` = `overlay IP of <node>` (cut to 64 characters,
///   phpIPAM's column size).
/// - A **cooling-down** row (a released address held back): the owner field keeps the cluster id,
///   `hostname` is emptied and `description` = `overlay cool-down until 2026-12-05T00:35:00Z`. The row stays,
///   so phpIPAM's `first_free` never offers the address; the row is deleted after that instant.
/// - A **kept-out** row (an address phpIPAM offered that is never handed out, e.g. the IPv6 subnet address
///   `fd00:100::` from `first_free`): tag 3 (Reserved), the owner field = the cluster id, no hostname,
///   `description` = `overlay: never handed out`. phpIPAM's `first_free` skips it like any row; it reads as
///   `other`, so it is never an allocation, a cool-down or a leak, and nothing deletes it.
/// - A **legacy** row (written by the original controller): no hostname, a non-empty built-in `owner` (the
///   original's `<node>\n`), not the gateway, not tagged Reserved, and not marked by this cluster.
struct PhpIPAMRowMarking: Sendable {
    /// The start of a cooling-down row's description.
    static let coolDownPrefix = "overlay cool-down until "
    /// phpIPAM's tag id for Reserved addresses.
    static let reservedTag = "3"
    /// The description of a kept-out row.
    static let keptOutDescription = "overlay: never handed out"

    /// How a row reads.
    enum Kind: Sendable, Equatable {
        /// An allocation of this cluster for `nodeName`.
        case owned(nodeName: String)
        /// A released address of this cluster held back until `until` (nil: unreadable, held for good).
        case coolingDown(until: Date?)
        /// A row of the original controller whose owner text is `recordedOwner`.
        case legacy(recordedOwner: String)
        /// Anything else: the gateway, reserved addresses, other clusters' or people's rows.
        case other
    }

    let clusterID: String
    /// The field holding the cluster id: `owner` or a custom field.
    let ownerField: String

    func classify(_ row: PhpIPAMAddressRecord) -> Kind {
        if row.isGateway || row.fields["tag"] == Self.reservedTag { return .other }
        let hostname = row.hostname ?? ""
        if row.fields[ownerField] == clusterID {
            if let description = row.fields["description"], description.hasPrefix(Self.coolDownPrefix) {
                return .coolingDown(until: Self.parseInstant(String(description.dropFirst(Self.coolDownPrefix.count))))
            }
            return hostname.isEmpty ? .other : .owned(nodeName: hostname)
        }
        guard hostname.isEmpty, let owner = row.fields["owner"], !LegacyAllocation.nodeName(fromRecordedOwner: owner).isEmpty
        else { return .other }
        return .legacy(recordedOwner: owner)
    }

    /// Whether `row` is `owner`'s allocation (phpIPAM compares hostnames case-insensitively).
    func isOwned(_ row: PhpIPAMAddressRecord, by owner: IPAMOwner) -> Bool {
        guard owner.clusterID == clusterID, case .owned(let nodeName) = classify(row) else { return false }
        return nodeName.lowercased() == owner.nodeName.lowercased()
    }

    /// The fields that mark a row as `owner`'s allocation (on create, on adoption and when a reclaim takes
    /// back a cooling-down row).
    func ownedFields(for owner: IPAMOwner) -> [String: String] {
        [
            "hostname": owner.nodeName,
            ownerField: owner.clusterID,
            // phpIPAM's description column is varchar(64); longer values fail the whole request.
            "description": String("overlay IP of \(owner.nodeName)".prefix(64)),
        ]
    }

    /// The fields that turn an allocation into a cooling-down row held until `until`.
    func coolingDownFields(until: Date) -> [String: String] {
        ["hostname": "", ownerField: clusterID, "description": Self.coolDownPrefix + Self.formatInstant(until)]
    }

    /// The fields that turn a row into this cluster's kept-out row (see the type's description).
    func keptOutFields() -> [String: String] {
        ["hostname": "", ownerField: clusterID, "description": Self.keptOutDescription, "tag": Self.reservedTag]
    }

    // MARK: - Instants (`2026-12-05T00:35:00Z`, UTC, whole seconds)

    static func formatInstant(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.up)).formatted(.iso8601)
    }

    static func parseInstant(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }
}
