// The protocol every IPAM backend implements, and the values it trades in.
import IPAddressing

/// Who holds an overlay address: one node of one cluster.
///
/// The cluster id marks a cluster's allocations in an IPAM that several clusters share.
public struct IPAMOwner: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The `clusterID` of the configuration that made the allocation.
    public var clusterID: String
    /// The Kubernetes node name.
    public var nodeName: String

    /// Creates the owner `nodeName` of cluster `clusterID`.
    public init(clusterID: String, nodeName: String) {
        self.clusterID = clusterID
        self.nodeName = nodeName
    }

    /// `clusterID/nodeName`, e.g. `prod-dal/10.0.0.7`.
    public var description: String { "\(clusterID)/\(nodeName)" }
}

/// One address handed to one owner.
public struct IPAllocation: Hashable, Sendable, Codable {
    /// Who holds the address.
    public var owner: IPAMOwner
    /// The host address (not the network address).
    public var address: IPAddress
    /// The prefix length of the subnet the address was drawn from.
    public var prefixLength: Int
    /// The subnet's gateway: the next hop for overlay routes.
    public var gateway: IPAddress
    /// The subnet the address was drawn from.
    public var subnet: IPPrefix
    /// The zone whose subnet list the address came from.
    public var zone: String

    /// Creates an allocation record.
    public init(owner: IPAMOwner, address: IPAddress, prefixLength: Int, gateway: IPAddress, subnet: IPPrefix, zone: String) {
        self.owner = owner
        self.address = address
        self.prefixLength = prefixLength
        self.gateway = gateway
        self.subnet = subnet
        self.zone = zone
    }

    /// The address in CIDR form as written to `status.ipAddr`, e.g. `192.168.100.4/24`.
    public var cidr: String { "\(address)/\(prefixLength)" }
}

/// How full one subnet of a zone is, for `overlay-ipam show` and metrics.
public struct SubnetUsage: Hashable, Sendable, Codable {
    /// The zone the subnet belongs to.
    public var zone: String
    /// The subnet.
    public var subnet: IPPrefix
    /// The subnet's gateway.
    public var gateway: IPAddress
    /// Addresses that may ever be handed out (hosts minus gateway and reserved addresses).
    public var assignable: Int
    /// Addresses currently held by an owner.
    public var used: Int
    /// Released addresses still waiting out their cool-down (0 where the backend has none).
    public var coolingDown: Int

    /// Creates a usage record.
    public init(zone: String, subnet: IPPrefix, gateway: IPAddress, assignable: Int, used: Int, coolingDown: Int) {
        self.zone = zone
        self.subnet = subnet
        self.gateway = gateway
        self.assignable = assignable
        self.used = used
        self.coolingDown = coolingDown
    }

    /// Addresses available now.
    public var free: Int { max(0, assignable - used - coolingDown) }
}

/// An IP address management backend: the only component that hands out overlay addresses.
///
/// Every method is safe to call concurrently, from several tasks and (where the backend allows) from
/// several processes. Backends are chosen by configuration; the operator and the CLI only see this protocol.
public protocol IPAMBackend: Sendable {
    /// The address families of `zone`, in the order its configuration first lists a subnet of each.
    ///
    /// A zone with subnets of both families is dual-stack: each of its nodes holds one address of each family.
    /// The first family is the node's primary one (`status.ipAddr`), as Kubernetes orders `podIPs`.
    /// - Throws: ``IPAMError/unknownZone(_:known:)``, ``IPAMError/backendUnavailable(_:)`` (retryable) when the
    ///   backend must ask its server which family a subnet is and cannot.
    func families(inZone zone: String) async throws -> [IPAddressFamily]

    /// Reserves an address of `family` for `owner` in `zone`, trying the zone's subnets of that family in order.
    ///
    /// - Important: Idempotent per (owner, family). If `owner` already holds an address of `family`, that
    ///   allocation is returned and no second one of that family is ever reserved, also under concurrent calls.
    ///   Use ``reserve(_:zone:)`` to reserve every family of the zone.
    /// - Throws: ``IPAMError/unknownZone(_:known:)``, ``IPAMError/familyNotInZone(zone:family:families:)``,
    ///   ``IPAMError/zoneExhausted(zone:subnets:)``, ``IPAMError/backendUnavailable(_:)`` (retryable).
    func reserve(_ owner: IPAMOwner, zone: String, family: IPAddressFamily) async throws -> IPAllocation

    /// Reserves one address of every family of `zone` for `owner`, in the zone's family order.
    ///
    /// The default (in `ZoneReservation.swift`) reserves family by family with ``reserve(_:zone:family:)``; a
    /// backend may override it to reserve every family in one step, with the same outcome: on a family's
    /// failure the families reserved before it stay held and the error is thrown.
    func reserve(_ owner: IPAMOwner, zone: String) async throws -> [IPAllocation]

    /// Reserves the specific `address` for `owner`: recovery of an allocation recorded in cluster state.
    ///
    /// Returns the existing allocation when `owner` already holds `address`. An owner holds at most one
    /// address per family, so reclaiming one of each family of a dual-stack zone restores both.
    /// - Throws: ``IPAMError/addressHeld(_:by:)`` when another owner holds it,
    ///   ``IPAMError/addressOutsideZones(_:)`` when no configured subnet contains it.
    func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation

    /// Releases every address `owner` holds, of every family. Idempotent: releasing nothing succeeds.
    func release(_ owner: IPAMOwner) async throws

    /// The allocations `owner` holds: at most one per family, ordered by address (IPv4 first).
    func allocations(for owner: IPAMOwner) async throws -> [IPAllocation]

    /// Every allocation of this backend's cluster (the configured `clusterID`), ordered by address.
    func allocations() async throws -> [IPAllocation]

    /// Usage per zone and subnet, in configuration order.
    func usage() async throws -> [SubnetUsage]

    /// The zones whose subnet lists name `subnet`, in configuration order; empty when none does.
    ///
    /// A subnet several zones list is one pool, so its addresses suit nodes of each of these zones;
    /// ``IPAllocation/zone`` names the first of them.
    /// - Throws: ``IPAMError/backendUnavailable(_:)`` (retryable) when the backend must ask its server and cannot.
    func zones(listing subnet: IPPrefix) async throws -> [String]

    /// Takes over the record holding `address` when a previous controller wrote it for `owner.nodeName`
    /// (see ``LegacyAllocation``): re-marks it in place as `owner`'s, so the address is never free meanwhile.
    ///
    /// The caller passes the address the node's NodeOverlayIp records. Returns nil, changing nothing, when no
    /// such record holds `address` (a record that matches only partly is never touched). Backends without a
    /// previous controller's records use the default, which adopts nothing.
    func adoptLegacyAllocation(_ owner: IPAMOwner, address: IPAddress) async throws -> AdoptedAllocation?

    /// Every record of a previous controller in the configured subnets that is not adopted yet, by address.
    func legacyAllocations() async throws -> [LegacyAllocation]
}
