// Compares IPAM allocations with NodeOverlayIps: what to re-claim, what to release after a grace period.
import IPAddressing
import IPAMCore

/// The recovery loop's pure half: from the backend's allocations and the cluster's NodeOverlayIps,
/// decide which addresses to re-claim (recorded in status, missing from the IPAM; each address of a
/// dual-stack node on its own) and which owners' allocations to release (no NodeOverlayIp for their node for
/// longer than the grace period).
public struct LeakPlanner: Sendable {
    /// One NodeOverlayIp as the planner sees it.
    public struct RecordedAddress: Sendable, Hashable {
        /// The node (= object) name.
        public var nodeName: String
        /// The addresses from `status.ipAddrs` (or `status.ipAddr` alone); empty when none is recorded.
        public var addresses: [IPAddress]

        /// Makes a record.
        public init(nodeName: String, addresses: [IPAddress]) {
            self.nodeName = nodeName
            self.addresses = addresses
        }
    }

    /// One thing to do.
    public enum Step: Sendable, Hashable {
        /// The status records `address` for the owner but the IPAM does not: re-claim it.
        case reclaim(IPAMOwner, IPAddress)
        /// The owner has no NodeOverlayIp since longer than the grace period: release its addresses (every family).
        case release(IPAMOwner, [IPAllocation])
        /// The IPAM gives the owner another address of a family than the status records: reported, not changed
        /// (the address controller reconciles the object itself).
        case mismatch(IPAMOwner, recorded: IPAddress, held: IPAddress)
    }

    /// A plan: the steps, and how many orphans are still within their grace period.
    public struct Plan: Sendable, Equatable {
        /// What to do, in a stable order.
        public var steps: [Step]
        /// Orphans (owners without an object, each with one or two addresses) not yet old enough to release.
        public var orphansWaiting: Int
    }

    /// How long an allocation without an object is kept before release. Default 10 minutes.
    public let gracePeriod: Duration
    /// The cluster id owners must carry (others are not ours and are never touched).
    public let clusterID: String
    private var orphanSince: [IPAMOwner: Duration] = [:]

    /// Makes a planner for `clusterID` with the given grace period.
    public init(clusterID: String, gracePeriod: Duration = .seconds(600)) {
        self.clusterID = clusterID
        self.gracePeriod = gracePeriod
    }

    /// Plans one pass at `now` (a monotonic clock reading); remembers when each orphan was first seen.
    public mutating func plan(allocations: [IPAllocation], objects: [RecordedAddress], now: Duration) -> Plan {
        let ours = allocations.filter { $0.owner.clusterID == clusterID }
        let heldByNode = Dictionary(grouping: ours, by: \.owner.nodeName)
        let objectNames = Set(objects.map(\.nodeName))
        var steps: [Step] = []
        for object in objects.sorted(by: { $0.nodeName < $1.nodeName }) {
            let owner = IPAMOwner(clusterID: clusterID, nodeName: object.nodeName)
            let held = heldByNode[object.nodeName] ?? []
            for address in object.addresses {
                if let same = held.first(where: { $0.address.family == address.family }) {
                    if same.address != address { steps.append(.mismatch(owner, recorded: address, held: same.address)) }
                } else {
                    steps.append(.reclaim(owner, address))
                }
            }
        }
        var waiting = 0
        var stillOrphaned: [IPAMOwner: Duration] = [:]
        let orphans = Dictionary(grouping: ours.filter { !objectNames.contains($0.owner.nodeName) }, by: \.owner)
        for (owner, allocations) in orphans.sorted(by: { $0.key.nodeName < $1.key.nodeName }) {
            let since = orphanSince[owner] ?? now
            stillOrphaned[owner] = since
            if now - since >= gracePeriod {
                steps.append(.release(owner, allocations))
            } else {
                waiting += 1
            }
        }
        orphanSince = stillOrphaned
        return Plan(steps: steps, orphansWaiting: waiting)
    }

    /// Forgets an orphan after it was released.
    public mutating func released(_ owner: IPAMOwner) {
        orphanSince[owner] = nil
    }
}
