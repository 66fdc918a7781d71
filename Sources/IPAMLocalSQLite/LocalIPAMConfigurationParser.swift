// Reads and validates the `ipam.local` section, reporting every problem with its YAML path.
import IPAMCore
import IPAddressing

/// Turns the `ipam.local` YAML section into a ``LocalIPAMConfiguration``, collecting problems in ``reader``.
struct LocalIPAMConfigurationParser {
    var reader: YAMLReader

    mutating func parseSection(_ value: YAMLValue) -> LocalIPAMConfiguration? {
        guard let local = reader.mapping(value, allowed: ["database", "releaseCooldown", "zones"]) else { return nil }
        var database: String?
        if let databaseValue = local["database"] {
            database = reader.string(databaseValue, describing: "the path of the SQLite file")
        } else {
            reader.reportMissing("database", in: local, hint: "set it to the path of the SQLite file, e.g. /var/lib/overlay-ipam/ipam.db")
        }
        var releaseCooldown: Duration? = LocalIPAMConfiguration.defaultReleaseCooldown
        if let cooldownValue = local["releaseCooldown"] {
            releaseCooldown = reader.duration(cooldownValue)
        }
        var zones: [ZoneConfiguration]?
        if let zonesValue = local["zones"] {
            zones = parseZones(zonesValue)
        } else {
            reader.reportMissing("zones", in: local, hint: "map each zone name to its subnets, e.g. zones: {dal10: [{subnet: 192.168.100.0/24}]}")
        }
        guard let database, let releaseCooldown, let zones else { return nil }
        return LocalIPAMConfiguration(database: database, releaseCooldown: releaseCooldown, zones: zones)
    }

    private mutating func parseZones(_ value: YAMLValue) -> [ZoneConfiguration]? {
        let wording = ZoneListWording(
            plural: "subnets", listExample: "subnets such as {subnet: 192.168.100.0/24}", missing: "subnets",
            example: "[{subnet: 192.168.100.0/24}]")
        guard let entries = reader.zoneEntries(value, wording: wording) else { return nil }
        var complete = true
        var zones: [ZoneConfiguration] = []
        var seen: [(subnet: SubnetConfiguration, zone: String, path: String)] = []
        for (name, zoneValue) in entries {
            guard let items = reader.zoneItems(zoneValue, wording: wording) else {
                complete = false
                continue
            }
            var subnets: [SubnetConfiguration] = []
            for item in items {
                guard let subnet = parseSubnet(item) else {
                    complete = false
                    continue
                }
                let subnetPath = item.isScalar ? item.path : item.path(ofKey: "subnet")
                // Subnets of both families make the zone dual-stack; within a family the order is the spill-over order.
                if let problem = Self.clash(of: subnet, inZone: name, with: seen) {
                    reader.report(subnetPath, problem)
                    complete = false
                }
                seen.append((subnet, name, subnetPath))
                subnets.append(subnet)
            }
            zones.append(ZoneConfiguration(name: name, subnets: subnets))
        }
        return complete ? zones : nil
    }

    /// Why `subnet` of zone `zone` cannot sit next to the subnets `seen` so far, or nil when it can.
    ///
    /// The very same subnet (prefix, gateway and reserved addresses alike) may be listed under several
    /// zones: it is one pool they share. Listed twice in one zone, written differently, or overlapping
    /// another subnet, it is refused.
    static func clash(
        of subnet: SubnetConfiguration, inZone zone: String, with seen: [(subnet: SubnetConfiguration, zone: String, path: String)]
    ) -> String? {
        guard let clash = seen.first(where: { $0.subnet.subnet.overlaps(subnet.subnet) }) else { return nil }
        let prefix = subnet.subnet
        guard clash.subnet.subnet == prefix else {
            return "\(prefix) overlaps \(clash.subnet.subnet) at \(clash.path); every address may belong to one subnet only: "
                + "make them disjoint, or list the very same subnet under each zone that shares it"
        }
        if clash.zone == zone { return "\(prefix) is listed twice in zone \(zone) (also at \(clash.path)); remove one" }
        guard clash.subnet == subnet else {
            return "\(prefix) is also listed at \(clash.path) with another gateway or reserved addresses; a subnet that several "
                + "zones share is one pool, so write it the same way in each zone"
        }
        return nil
    }

    private mutating func parseSubnet(_ value: YAMLValue) -> SubnetConfiguration? {
        // Shorthand: a bare prefix string stands for {subnet: <prefix>}.
        if value.isScalar, !value.isNull {
            guard let prefix = parsePrefix(value, pathForErrors: value.path) else { return nil }
            return validated(SubnetConfiguration(subnet: prefix), at: value, gatewayPath: nil)
        }
        guard let entry = reader.mapping(value, allowed: ["subnet", "gateway", "reserved"]) else { return nil }
        var prefix: IPPrefix?
        if let subnetValue = entry["subnet"] {
            prefix = parsePrefix(subnetValue, pathForErrors: subnetValue.path)
        } else {
            reader.reportMissing("subnet", in: entry, hint: "set it to the subnet in CIDR form, e.g. 192.168.100.0/24")
        }
        var gateway: IPAddress?
        var gatewayValid = true
        if let gatewayValue = entry["gateway"], let text = reader.string(gatewayValue, describing: "an IP address such as 192.168.100.1") {
            do {
                gateway = try IPAddress(parsing: text)
            } catch {
                reader.report(gatewayValue.path, error.description)
                gatewayValid = false
            }
        }
        var reserved: [IPRange] = []
        var reservedPaths: [String] = []
        var reservedValid = true
        if let reservedValue = entry["reserved"], let items = reader.sequence(reservedValue, describing: "addresses or ranges such as 192.168.100.2-192.168.100.9") {
            for item in items {
                guard let text = reader.string(item, describing: "an address or a range such as 192.168.100.2-192.168.100.9") else {
                    reservedValid = false
                    continue
                }
                do {
                    reserved.append(try IPRange(parsing: text))
                    reservedPaths.append(item.path)
                } catch {
                    reader.report(item.path, error.description)
                    reservedValid = false
                }
            }
        }
        guard let prefix else { return nil }
        // Check what did parse against the subnet too, so that one bad entry does not hide others.
        let subnet = SubnetConfiguration(subnet: prefix, gateway: gateway, reserved: reserved)
        let checked = validated(
            subnet, at: value, gatewayPath: gateway == nil ? nil : entry.value.path(ofKey: "gateway"),
            reservedPaths: reservedPaths, checkAssignable: gatewayValid && reservedValid)
        return gatewayValid && reservedValid ? checked : nil
    }

    private mutating func parsePrefix(_ value: YAMLValue, pathForErrors path: String) -> IPPrefix? {
        guard let text = reader.string(value, describing: "a subnet in CIDR form such as 192.168.100.0/24") else { return nil }
        do {
            return try IPPrefix(parsing: text)
        } catch {
            reader.report(path, error.description)
            return nil
        }
    }

    /// The IPv6 prefix lengths the local backend serves: a /64 (2^64 offsets, each fits the database's integers)
    /// down to a /127 (RFC 6164 point-to-point).
    static let ipv6PrefixLengths = 64...127

    /// A usable IPv6 prefix near `prefix`: its first /64 when it is shorter, itself widened to a /127 when longer.
    private static func suggestion(for prefix: IPPrefix) -> String {
        let length = min(max(prefix.length, ipv6PrefixLengths.lowerBound), ipv6PrefixLengths.upperBound)
        return IPPrefix(containing: prefix.network, length: length)?.description ?? "fd00:100::/64"
    }

    /// Checks the gateway and reserved ranges against the subnet and that something is left to hand out.
    private mutating func validated(
        _ subnet: SubnetConfiguration, at value: YAMLValue, gatewayPath: String?, reservedPaths: [String] = [],
        checkAssignable: Bool = true
    ) -> SubnetConfiguration? {
        let prefix = subnet.subnet
        if prefix.family == .v6, !Self.ipv6PrefixLengths.contains(prefix.length) {
            let path = value.isScalar ? value.path : value.path(ofKey: "subnet")
            reader.report(path, "\(prefix) is a /\(prefix.length); an IPv6 subnet must be a /64 to /127 (e.g. \(Self.suggestion(for: prefix)))")
            return nil
        }
        var valid = true
        if let gatewayPath {
            let gateway = subnet.gateway
            if gateway.family != prefix.family {
                reader.report(gatewayPath, "\(gateway) is \(gateway.family) but the subnet \(prefix) is \(prefix.family); use an address inside the subnet")
                valid = false
            } else if !prefix.contains(gateway) {
                reader.report(gatewayPath, "\(gateway) is outside \(prefix); use an address inside the subnet, e.g. \(prefix.firstHost)")
                valid = false
            } else if gateway < prefix.firstHost {
                reader.report(gatewayPath, "\(gateway) is the network address of \(prefix); use a host address, e.g. \(prefix.firstHost)")
                valid = false
            } else if gateway > prefix.lastHost {
                reader.report(gatewayPath, "\(gateway) is the broadcast address of \(prefix); use a host address, e.g. \(prefix.lastHost)")
                valid = false
            }
        }
        for (range, path) in zip(subnet.reserved, reservedPaths) where !range.isInside(prefix) {
            let wording = range.first == range.last ? "is outside" : (prefix.contains(range.first) || prefix.contains(range.last) ? "reaches outside" : "is outside")
            reader.report(path, "\(range) \(wording) \(prefix); reserve only addresses of this subnet")
            valid = false
        }
        guard valid, checkAssignable else { return nil }
        if subnet.assignableCount == 0 {
            reader.report(value.path, "\(prefix) has no address left to hand out after its gateway and reserved addresses; use a larger subnet or reserve fewer addresses")
            return nil
        }
        return subnet
    }
}
