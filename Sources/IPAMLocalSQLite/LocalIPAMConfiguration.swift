// The configuration of the local (SQLite) backend: database file, cool-down, and zones of subnets.
import IPAMCore
import IPAddressing

/// The `ipam.local` section: an IPAM kept in one SQLite file, with the subnets of each zone listed inline.
public struct LocalIPAMConfiguration: Hashable, Sendable {
    /// The default ``releaseCooldown``: long enough for a node that lost its object to notice before its
    /// address reappears on another node.
    public static let defaultReleaseCooldown: Duration = .seconds(5 * 60)

    /// Path of the SQLite database file (`ipam.local.database`).
    public var database: String
    /// How long a released address waits before it is handed out again, even when its zone has no other
    /// free address (`ipam.local.releaseCooldown`, default 5 minutes).
    public var releaseCooldown: Duration
    /// The zones in configuration order, each with its subnets in order.
    public var zones: [ZoneConfiguration]

    /// Creates the section. No validation happens here; ``OverlayConfiguration/parse(yaml:)`` validates.
    public init(database: String, releaseCooldown: Duration = Self.defaultReleaseCooldown, zones: [ZoneConfiguration]) {
        self.database = database
        self.releaseCooldown = releaseCooldown
        self.zones = zones
    }

    /// The zone policy: each zone's subnets, in the order they are tried.
    public var zonePolicy: ZonePolicy<SubnetConfiguration> {
        ZonePolicy(zones: zones.map { ZonePolicy.Zone(name: $0.name, subnets: $0.subnets) })
    }

    /// The subnets of `zone`, in the order they are tried.
    /// - Throws: ``IPAMError/unknownZone(_:known:)`` when the zone is not configured.
    public func subnets(inZone zone: String) throws(IPAMError) -> [SubnetConfiguration] {
        try zonePolicy.subnets(inZone: zone)
    }

    /// The zone and subnet whose prefix contains `address`, if any (subnets never overlap once validated).
    public func subnet(containing address: IPAddress) -> (zone: String, subnet: SubnetConfiguration)? {
        for zone in zones {
            if let subnet = zone.subnets.first(where: { $0.subnet.contains(address) }) {
                return (zone.name, subnet)
            }
        }
        return nil
    }
}

/// One zone of the local backend (`ipam.local.zones.<name>`).
public struct ZoneConfiguration: Hashable, Sendable {
    /// The zone name, matched against the node label `topology.kubernetes.io/zone`.
    public var name: String
    /// The zone's subnets in configuration order; a full subnet spills over to the next.
    public var subnets: [SubnetConfiguration]

    /// Creates a zone.
    public init(name: String, subnets: [SubnetConfiguration]) {
        self.name = name
        self.subnets = subnets
    }
}

/// One subnet of a zone: the prefix, its gateway, and addresses never handed out.
public struct SubnetConfiguration: Hashable, Sendable {
    /// The subnet, e.g. `192.168.100.0/24`.
    public var subnet: IPPrefix
    /// The next hop for overlay routes; never handed out. Defaults to the subnet's first host.
    public var gateway: IPAddress
    /// Addresses and ranges never handed out (e.g. appliances), as configured.
    public var reserved: [IPRange]

    /// Creates a subnet; `gateway` defaults to the first usable host of `subnet`.
    /// No validation happens here; ``OverlayConfiguration/parse(yaml:)`` validates.
    public init(subnet: IPPrefix, gateway: IPAddress? = nil, reserved: [IPRange] = []) {
        self.subnet = subnet
        self.gateway = gateway ?? subnet.firstHost
        self.reserved = reserved
    }

    /// Whether `address` may be handed out: inside the subnet and not its network address, its IPv4
    /// broadcast address, its gateway, or a reserved address.
    public func isAssignable(_ address: IPAddress) -> Bool {
        subnet.firstHost <= address && address <= subnet.lastHost
            && subnet.contains(address)
            && address != gateway
            && !reserved.contains { $0.contains(address) }
    }

    /// Every address of the subnet that is never handed out (network, broadcast, gateway, reserved),
    /// clipped to the subnet, sorted and merged into disjoint, non-adjacent ranges.
    public var unassignableRanges: [IPRange] {
        var ranges = reserved.compactMap { clip($0) }
        ranges.append(IPRange(gateway))
        if subnet.firstHost != subnet.network {
            ranges.append(IPRange(subnet.network))
        }
        if subnet.lastHost != subnet.lastAddress, let tail = IPRange(first: subnet.lastHost.advanced(by: 1) ?? subnet.lastAddress, last: subnet.lastAddress) {
            ranges.append(tail)
        }
        ranges = ranges.filter { subnet.contains($0.first) }
        ranges.sort { $0.first < $1.first }
        var merged: [IPRange] = []
        for range in ranges {
            if let previous = merged.last, range.first.value <= previous.last.value || range.first.value - previous.last.value == 1 {
                let last = max(previous.last, range.last)
                merged[merged.count - 1] = IPRange(first: previous.first, last: last) ?? previous
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// The number of addresses that may be handed out, saturating at `Int.max` (large IPv6 subnets).
    public var assignableCount: Int {
        let total = subnet.lastAddress.value - subnet.network.value  // one less than the size; cannot overflow
        let excluded = unassignableRanges.reduce(UInt128(0)) { $0 + ($1.last.value - $1.first.value + 1) }
        // total + 1 - excluded, without overflowing for ::/0.
        guard excluded <= total else { return 0 }
        return Int(exactly: total - excluded + 1) ?? Int.max
    }

    /// The lowest assignable address at or after `address`, or `nil` when none is left in the subnet.
    public func firstAssignable(atOrAfter address: IPAddress) -> IPAddress? {
        guard address.family == subnet.family else { return nil }
        var candidate = max(address, subnet.network)
        for range in unassignableRanges where range.last >= candidate {
            if range.first > candidate { break }
            guard let next = range.last.advanced(by: 1) else { return nil }
            candidate = next
        }
        return subnet.contains(candidate) ? candidate : nil
    }

    /// `range` limited to the subnet's addresses, or `nil` if they share none.
    private func clip(_ range: IPRange) -> IPRange? {
        guard range.family == subnet.family else { return nil }
        return IPRange(first: max(range.first, subnet.network), last: min(range.last, subnet.lastAddress))
    }
}
