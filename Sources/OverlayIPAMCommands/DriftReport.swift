// Compares the IPAM's allocations of a cluster with its NodeOverlayIps: leaked and missing addresses.
import IPAMCore

/// What `overlay-ipam check` finds; also the input of `release --from-report`.
public struct DriftReport: Codable, Sendable, Hashable {
    /// An allocation no NodeOverlayIp accounts for: the address is held for nothing.
    public struct Leak: Codable, Sendable, Hashable {
        public var node: String
        public var address: String
        public var zone: String
    }

    /// A NodeOverlayIp whose recorded address the IPAM does not hold for it (e.g. a lost local database).
    public struct Missing: Codable, Sendable, Hashable {
        public var node: String
        /// `status.ipAddr` of the object.
        public var recorded: String
        /// What the IPAM holds for that node instead, if anything.
        public var held: String?
    }

    public var clusterID: String
    public var leaked: [Leak]
    public var missing: [Missing]

    /// Whether IPAM and cluster agree.
    public var isClean: Bool { leaked.isEmpty && missing.isEmpty }

    /// Compares `allocations` (this cluster's) with `recorded`: node name → `status.ipAddr` (nil while
    /// the operator has not written one) for every NodeOverlayIp.
    public init(clusterID: String, allocations: [IPAllocation], recorded: [String: String?]) {
        self.clusterID = clusterID
        let byNode = Dictionary(allocations.map { ($0.owner.nodeName, $0) }, uniquingKeysWith: { first, _ in first })
        leaked = allocations.filter { recorded[$0.owner.nodeName] == nil }
            .map { Leak(node: $0.owner.nodeName, address: $0.cidr, zone: $0.zone) }
            .sorted { $0.node < $1.node }
        missing = recorded.compactMap { node, ipAddr -> Missing? in
            guard let ipAddr = ipAddr ?? nil else { return nil }
            let held = byNode[node]
            return held?.cidr == ipAddr ? nil : Missing(node: node, recorded: ipAddr, held: held?.cidr)
        }.sorted { $0.node < $1.node }
    }

    /// The human-readable report.
    public func text() -> String {
        if isClean { return "cluster \(clusterID): IPAM and NodeOverlayIps agree\n" }
        var lines = ["cluster \(clusterID): \(leaked.count) leaked, \(missing.count) missing"]
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
