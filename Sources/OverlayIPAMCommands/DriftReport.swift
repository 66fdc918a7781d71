// Compares the IPAM's allocations of a cluster with its NodeOverlayIps: leaked and missing addresses.
import IPAddressing
import IPAMCore

/// What `overlay-ipam check` finds; also the input of `release --from-report`.
public struct DriftReport: Codable, Sendable, Hashable {
    /// An allocation no NodeOverlayIp accounts for: the address is held for nothing.
    public struct Leak: Codable, Sendable, Hashable {
        public var node: String
        public var address: String
        public var zone: String
    }

    /// An address a NodeOverlayIp records that the IPAM does not hold for its node (e.g. a lost local
    /// database); a dual-stack node can have one entry per family.
    public struct Missing: Codable, Sendable, Hashable {
        public var node: String
        /// One of `status.ipAddrs` of the object.
        public var recorded: String
        /// What the IPAM holds for that node instead in the same address family, if anything.
        public var held: String?
    }

    /// A record the original controller left (see ``LegacyAllocation``), and whether the operator adopts it.
    public struct Legacy: Codable, Sendable, Hashable {
        public var address: String
        public var zone: String
        /// The owner text as stored, e.g. `"worker-1\n"`.
        public var recordedOwner: String
        /// Where it lives, e.g. `phpIPAM address 15`.
        public var location: String
        /// True when the NodeOverlayIp of the node it names records this very address: the operator adopts
        /// it in place. False: it matches only partly and nobody touches it.
        public var adoptable: Bool
        /// Why, in words.
        public var detail: String
    }

    public var clusterID: String
    public var leaked: [Leak]
    public var missing: [Missing]
    /// Records of the original controller in the configured subnets.
    public var legacy: [Legacy]

    /// Whether IPAM and cluster agree (records the operator will adopt count as agreeing).
    public var isClean: Bool { leaked.isEmpty && missing.isEmpty && legacy.allSatisfy(\.adoptable) }

    /// Compares `allocations` (this cluster's) and `legacy` records with `recorded`: node name → the addresses
    /// its NodeOverlayIp records (`status.ipAddrs`, or `status.ipAddr` alone; empty while the operator has not
    /// written any) for every NodeOverlayIp. Each address is compared with the node's allocation of its family.
    public init(clusterID: String, allocations: [IPAllocation], legacy: [LegacyAllocation] = [], recorded: [String: [String]]) {
        self.clusterID = clusterID
        let byNode = Dictionary(grouping: allocations, by: \.owner.nodeName)
        leaked = allocations.filter { recorded[$0.owner.nodeName] == nil }
            .map { Leak(node: $0.owner.nodeName, address: $0.cidr, zone: $0.zone) }
            .sorted { ($0.node, $0.address) < ($1.node, $1.address) }
        let recordedAddresses = recorded.mapValues { $0.compactMap(Self.address(fromCIDR:)) }
        self.legacy = legacy.map { Self.classify($0, recordedAddresses: recordedAddresses, hasObject: recorded.keys.contains($0.nodeName)) }
        let adoptedByNode = Set(zip(legacy, self.legacy).filter { $0.1.adoptable }.map { $0.0.nodeName })
        missing = recorded.sorted { $0.key < $1.key }.flatMap { node, cidrs -> [Missing] in
            guard !adoptedByNode.contains(node) else { return [] }
            return cidrs.compactMap { cidr -> Missing? in
                let family = Self.address(fromCIDR: cidr)?.family
                let held = byNode[node]?.first { $0.address.family == family }
                return held?.cidr == cidr ? nil : Missing(node: node, recorded: cidr, held: held?.cidr)
            }
        }
    }

    private static func classify(_ record: LegacyAllocation, recordedAddresses: [String: [IPAddress]], hasObject: Bool) -> Legacy {
        let node = record.nodeName
        let detail: String
        let sameFamily = recordedAddresses[node]?.first { $0.family == record.address.family }
        let adoptable = record.isAdoptable(byNode: node, recording: sameFamily)
        if adoptable {
            detail = "node \(node)'s NodeOverlayIp records it; the operator adopts it in place"
        } else if let other = sameFamily {
            detail = "node \(node)'s NodeOverlayIp records \(other) instead; not adopted"
        } else if let holder = recordedAddresses.sorted(by: { $0.key < $1.key }).first(where: { $0.value.contains(record.address) })?.key {
            detail = "the NodeOverlayIp of \(holder), not of \(node), records it; not adopted"
        } else if hasObject {
            detail = "node \(node)'s NodeOverlayIp records no address; not adopted"
        } else {
            detail = "no NodeOverlayIp of \(node) exists; not adopted"
        }
        return Legacy(
            address: record.address.description, zone: record.zone, recordedOwner: record.recordedOwner, location: record.location,
            adoptable: adoptable, detail: detail)
    }

    private static func address(fromCIDR value: String) -> IPAddress? {
        IPAddress(value.split(separator: "/", maxSplits: 1).first.map(String.init) ?? value)
    }

    private enum CodingKeys: String, CodingKey { case clusterID, leaked, missing, legacy }

    /// Reads a report; reports written before `legacy` existed have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clusterID = try container.decode(String.self, forKey: .clusterID)
        leaked = try container.decode([Leak].self, forKey: .leaked)
        missing = try container.decode([Missing].self, forKey: .missing)
        legacy = try container.decodeIfPresent([Legacy].self, forKey: .legacy) ?? []
    }

    /// The human-readable report.
    public func text() -> String {
        let adoptable = legacy.filter(\.adoptable)
        let partial = legacy.filter { !$0.adoptable }
        var lines: [String] = []
        if isClean {
            lines.append("cluster \(clusterID): IPAM and NodeOverlayIps agree")
        } else {
            lines.append("cluster \(clusterID): \(leaked.count) leaked, \(missing.count) missing, \(partial.count) legacy records not adoptable")
        }
        for record in legacy {
            lines.append(
                "\(record.adoptable ? "adopt  " : "legacy ") \(record.address) (zone \(record.zone)) \(record.location), owner "
                    + "\(record.recordedOwner.debugDescription): \(record.detail)")
        }
        if !adoptable.isEmpty {
            lines.append("The operator re-marks adoptable records of the original controller as this cluster's, keeping their addresses.")
        }
        if !partial.isEmpty {
            lines.append("Records that are not adoptable are never changed; compare them with the nodes and correct or delete them in the IPAM by hand.")
        }
        if isClean { return lines.joined(separator: "\n") + "\n" }
        for leak in leaked {
            lines.append("leaked   \(leak.address) (zone \(leak.zone)) held for \(leak.node), which has no NodeOverlayIp")
        }
        for entry in missing {
            let held = entry.held.map { "the IPAM holds \($0) instead" } ?? "the IPAM holds nothing for it"
            lines.append("missing  \(entry.recorded) recorded for \(entry.node); \(held)")
        }
        if !leaked.isEmpty {
            lines.append("The operator releases leaks after its grace period; to release now: overlay-ipam check -o json > report.json && overlay-ipam release --from-report report.json")
        }
        if !missing.isEmpty {
            lines.append("The operator re-claims missing addresses from the NodeOverlayIp status on its next recovery pass.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
