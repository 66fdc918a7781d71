// The zone policy: a zone maps to an ordered list of subnets, tried in order (a full one spills to the next).

/// Maps each zone to its subnets in configuration order.
///
/// Backends ask it which subnets to try for a node's zone; the first subnet with a free address wins,
/// so a full subnet spills over to the next. `Subnet` is whatever the backend needs: a
/// `SubnetConfiguration` for the local backend, a phpIPAM subnet id for phpIPAM.
public struct ZonePolicy<Subnet: Sendable>: Sendable {
    /// One zone and its subnets, in order.
    public struct Zone: Sendable {
        /// The zone name, as in the node label `topology.kubernetes.io/zone`.
        public var name: String
        /// The subnets to try, in order.
        public var subnets: [Subnet]

        /// Creates a zone.
        public init(name: String, subnets: [Subnet]) {
            self.name = name
            self.subnets = subnets
        }
    }

    /// The zones in configuration order.
    public var zones: [Zone]

    /// Creates a policy from zones in configuration order.
    public init(zones: [Zone]) {
        self.zones = zones
    }

    /// The configured zone names, in configuration order.
    public var zoneNames: [String] { zones.map(\.name) }

    /// The subnets of `zone`, in the order they are to be tried.
    /// - Throws: ``IPAMError/unknownZone(_:known:)`` when the zone is not configured or has no subnets.
    public func subnets(inZone zone: String) throws(IPAMError) -> [Subnet] {
        guard let match = zones.first(where: { $0.name == zone }), !match.subnets.isEmpty else {
            throw IPAMError.unknownZone(zone, known: zoneNames)
        }
        return match.subnets
    }
}

extension ZonePolicy.Zone: Equatable where Subnet: Equatable {}
extension ZonePolicy.Zone: Hashable where Subnet: Hashable {}
extension ZonePolicy: Equatable where Subnet: Equatable {}
extension ZonePolicy: Hashable where Subnet: Hashable {}
