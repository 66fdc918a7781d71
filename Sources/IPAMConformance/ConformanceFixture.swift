// The zones and subnets a backend under test must be configured with, as plain values any backend can build.

import IPAddressing
import IPAMCore

/// The IPAM layout every backend under the conformance suite is configured with.
///
/// Plain strings, so that a local configuration and a phpIPAM test server can both be built from it:
/// each subnet has a gateway and reserved addresses that must never be handed out.
public struct ConformanceFixture: Sendable, Hashable {
    /// One subnet of a zone.
    public struct Subnet: Sendable, Hashable {
        /// The subnet in CIDR form, e.g. `10.77.0.0/29`.
        public var prefix: String
        /// The gateway address (never handed out).
        public var gateway: String
        /// Reserved addresses or ranges (`a.b.c.d` or `a.b.c.d-a.b.c.e`), never handed out.
        public var reserved: [String]

        public init(prefix: String, gateway: String, reserved: [String] = []) {
            self.prefix = prefix
            self.gateway = gateway
            self.reserved = reserved
        }
    }

    /// A zone and its subnets, in the order they are tried.
    public struct Zone: Sendable, Hashable {
        public var name: String
        public var subnets: [Subnet]

        public init(name: String, subnets: [Subnet]) {
            self.name = name
            self.subnets = subnets
        }
    }

    /// The cluster id the backend is configured with; owners in the suite use it.
    public var clusterID: String
    /// The zones, in configuration order.
    public var zones: [Zone]

    public init(clusterID: String, zones: [Zone]) {
        self.clusterID = clusterID
        self.zones = zones
    }

    /// The IPv4 layout the ``ConformanceGroups/ipv4`` cases use.
    ///
    /// - `zone-a`: `10.77.0.0/29` (gateway .1, reserved .2: hands out .3–.6), then `10.77.0.16/29`
    ///   (gateway .17, reserved .21–.22: hands out .18–.20). Seven addresses in all, to test spill-over
    ///   and exhaustion.
    /// - `zone-b`: `10.77.1.0/24` (gateway .1): 253 addresses, for the concurrency cases.
    public static let standard = ConformanceFixture(
        clusterID: "conformance",
        zones: [
            Zone(name: "zone-a", subnets: [
                Subnet(prefix: "10.77.0.0/29", gateway: "10.77.0.1", reserved: ["10.77.0.2"]),
                Subnet(prefix: "10.77.0.16/29", gateway: "10.77.0.17", reserved: ["10.77.0.21-10.77.0.22"]),
            ]),
            Zone(name: "zone-b", subnets: [
                Subnet(prefix: "10.77.1.0/24", gateway: "10.77.1.1"),
            ]),
        ])

    /// ``standard`` plus IPv6 and dual-stack zones, for the ``ConformanceGroups/ipv6`` and
    /// ``ConformanceGroups/dualStack`` cases.
    ///
    /// - `zone-a6`: `fd00:77::/125` (gateway ::1, reserved ::2: hands out ::3–::7), then `fd00:77::10/125`
    ///   (gateway ::11, reserved ::15–::16: hands out ::12–::14 and ::17); the IPv6 twin of `zone-a`.
    /// - `zone-b6`: `fd00:77:1::/120` (gateway ::1): 254 addresses, for the concurrency cases.
    /// - `zone-d`: dual-stack, IPv4 first: `10.77.2.0/29` (gateway .1, reserved .2: .3–.6), `fd00:77:2::/125`
    ///   (gateway ::1, reserved ::2: ::3–::7), `10.77.2.16/29` (gateway .17: .18–.22), `fd00:77:2::10/126`
    ///   (gateway ::11: ::12–::13). Nine IPv4 and seven IPv6 addresses, interleaved to test that each family
    ///   spills over within itself.
    /// - `zone-d6`: dual-stack, IPv6 first: `fd00:77:3::/120` (gateway ::1), `10.77.3.0/24` (gateway .1).
    public static let allFamilies = ConformanceFixture(
        clusterID: standard.clusterID,
        zones: standard.zones + [
            Zone(name: "zone-a6", subnets: [
                Subnet(prefix: "fd00:77::/125", gateway: "fd00:77::1", reserved: ["fd00:77::2"]),
                Subnet(prefix: "fd00:77::10/125", gateway: "fd00:77::11", reserved: ["fd00:77::15-fd00:77::16"]),
            ]),
            Zone(name: "zone-b6", subnets: [
                Subnet(prefix: "fd00:77:1::/120", gateway: "fd00:77:1::1"),
            ]),
            Zone(name: "zone-d", subnets: [
                Subnet(prefix: "10.77.2.0/29", gateway: "10.77.2.1", reserved: ["10.77.2.2"]),
                Subnet(prefix: "fd00:77:2::/125", gateway: "fd00:77:2::1", reserved: ["fd00:77:2::2"]),
                Subnet(prefix: "10.77.2.16/29", gateway: "10.77.2.17"),
                Subnet(prefix: "fd00:77:2::10/126", gateway: "fd00:77:2::11"),
            ]),
            Zone(name: "zone-d6", subnets: [
                Subnet(prefix: "fd00:77:3::/120", gateway: "fd00:77:3::1"),
                Subnet(prefix: "10.77.3.0/24", gateway: "10.77.3.1"),
            ]),
        ])

    /// The zone named `name`.
    public func zone(_ name: String) throws(ConformanceFailure) -> Zone {
        guard let zone = zones.first(where: { $0.name == name }) else {
            throw ConformanceFailure("the fixture has no zone \(name)")
        }
        return zone
    }

    /// The subnets of `family` in zone `name`, in configuration order.
    public func subnets(inZone name: String, family: IPAddressFamily) throws(ConformanceFailure) -> [Subnet] {
        var matching: [Subnet] = []
        for subnet in try zone(name).subnets where try subnet.parsedPrefix().family == family { matching.append(subnet) }
        return matching
    }

    /// An owner of the fixture's cluster.
    public func owner(_ nodeName: String) -> IPAMOwner {
        IPAMOwner(clusterID: clusterID, nodeName: nodeName)
    }
}

extension ConformanceFixture.Subnet {
    /// The parsed subnet.
    public func parsedPrefix() throws(ConformanceFailure) -> IPPrefix {
        guard let prefix = IPPrefix(prefix) else { throw ConformanceFailure("fixture subnet \(prefix) does not parse") }
        return prefix
    }

    /// The parsed gateway.
    public func parsedGateway() throws(ConformanceFailure) -> IPAddress {
        guard let gateway = IPAddress(gateway) else { throw ConformanceFailure("fixture gateway \(gateway) does not parse") }
        return gateway
    }

    /// Every address the subnet may hand out, lowest first: its hosts minus the gateway and the reserved
    /// addresses. Meant for the fixture's small subnets.
    public func assignableAddresses() throws(ConformanceFailure) -> [IPAddress] {
        let prefix = try parsedPrefix()
        let gateway = try parsedGateway()
        var ranges: [IPRange] = []
        for text in reserved {
            guard let range = IPRange(text) else { throw ConformanceFailure("fixture reserved range \(text) does not parse") }
            ranges.append(range)
        }
        var result: [IPAddress] = []
        var address: IPAddress? = prefix.firstHost
        while let current = address, current <= prefix.lastHost {
            if current != gateway, !ranges.contains(where: { $0.contains(current) }) {
                result.append(current)
            }
            address = current.advanced(by: 1)
        }
        return result
    }
}
