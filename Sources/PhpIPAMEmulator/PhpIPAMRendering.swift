// Renders rows as phpIPAM's JSON objects: key names, key order and value types as a real server sends them.
import EmulatorSupport

extension PhpIPAMAPI {
    /// An address object. `decimalIP` reproduces the rows of `search_linked` and `tags/{id}/addresses`
    /// whose `ip` comes back as a decimal string.
    func render(_ row: AddressRow, decimalIP: Bool = false) -> EmulatorJSON {
        var members: [(String, EmulatorJSON)] = [
            ("id", .int(row.id)),
            ("subnetId", .int(row.subnetID)),
            ("ip", .string(decimalIP ? String(row.ip.value) : row.ip.description)),
            ("is_gateway", .int(row.isGateway ? 1 : 0)),
            ("description", .optional(row.text["description"])),
            ("hostname", .optional(row.text["hostname"])),
            ("mac", .optional(row.text["mac"])),
            ("owner", .optional(row.text["owner"])),
            ("tag", .int(row.tag)),
            ("deviceId", .optional(row.numbers["deviceId"])),
            ("location", .optional(row.numbers["location"])),
            ("port", .optional(row.text["port"])),
            ("note", .optional(row.text["note"])),
            ("lastSeen", .string(row.text["lastSeen"] ?? "1970-01-01 00:00:01")),
            ("excludePing", .int(row.numbers["excludePing"] ?? 0)),
            ("PTRignore", .int(row.numbers["PTRignore"] ?? 0)),
            ("PTR", .int(row.numbers["PTR"] ?? 0)),
            ("firewallAddressObject", .optional(row.text["firewallAddressObject"])),
            ("editDate", .optional(row.text["editDate"])),
            ("customer_id", .optional(row.numbers["customer_id"])),
        ]
        for field in customFields {
            members.append((field.name, .optional(row.text[field.name])))
        }
        return .object(members)
    }

    /// A subnet object; `detailed` adds `gateway`/`gatewayId` (when a gateway row exists) and `calculation`.
    func render(_ subnet: SubnetRow, detailed: Bool) -> EmulatorJSON {
        let prefix = subnet.prefix
        var members: [(String, EmulatorJSON)] = [
            ("id", .int(subnet.id)),
            ("subnet", .string(prefix.network.description)),
            ("mask", .string(String(prefix.length))),
            ("sectionId", .int(subnet.sectionID)),
            ("description", .string(subnet.description)),
            ("linked_subnet", .null),
            ("firewallAddressObject", .null),
            ("vrfId", subnet.createdThroughAPI ? .null : .int(0)),
            ("masterSubnetId", .int(0)),
            ("allowRequests", .int(0)),
            ("vlanId", subnet.createdThroughAPI ? .null : .int(0)),
            ("showName", .int(subnet.createdThroughAPI ? 0 : 1)),
            ("device", .int(0)),
            ("permissions", .string("{\"3\":\"1\",\"2\":\"2\"}")),
            ("pingSubnet", .int(0)),
            ("discoverSubnet", .int(0)),
            ("resolveDNS", .int(0)),
            ("DNSrecursive", .int(0)),
            ("DNSrecords", .int(0)),
            ("nameserverId", .int(0)),
            ("scanAgent", .null),
            ("customer_id", .null),
            ("isFolder", .int(0)),
            ("isFull", .int(subnet.isFull ? 1 : 0)),
            ("isPool", .int(0)),
            ("tag", .int(2)),
            ("threshold", .int(0)),
            ("location", .null),
            ("editDate", .null),
            ("lastScan", .null),
            ("lastDiscovery", .null),
        ]
        guard detailed else { return .object(members) }
        if let gateway = database.gateway(ofSubnet: subnet.id) {
            members.append(("gatewayId", .int(gateway.id)))
            members.append(("gateway", .object([("ip_addr", .string(gateway.ip.description)), ("id", .int(gateway.id))])))
        }
        members.append(("calculation", prefix.isIPv6 ? Self.ipv6Calculation : Self.ipv4Calculation(prefix)))
        return .object(members)
    }

    private static func ipv4Calculation(_ prefix: EmulatorPrefix) -> EmulatorJSON {
        .object([
            ("Type", .string("IPv4")),
            ("IP address", .string("/")),
            ("Network", .string(prefix.network.description)),
            ("Broadcast", .string(prefix.broadcast.description)),
            ("Subnet bitmask", .string(String(prefix.length))),
            ("Subnet netmask", .string(prefix.netmask.description)),
            ("Subnet wildcard", .string(prefix.wildcard.description)),
            ("Min host IP", .string(prefix.firstHost.description)),
            ("Max host IP", .string(prefix.lastHost.description)),
            ("Number of hosts", .string(String(prefix.hostCount))),
            ("Subnet Class", .string(Self.subnetClass(prefix.network))),
        ])
    }

    /// `phpipam-api.md` records the calculation of IPv4 subnets only; for IPv6 the emulator states the type
    /// and nothing it has not seen a real server answer (no client here reads the rest).
    private static let ipv6Calculation = EmulatorJSON.object([("Type", .string("IPv6"))])

    private static func subnetClass(_ network: EmulatorIP) -> String {
        let first = network.value >> 24
        let second = network.value >> 16 & 0xff
        if first == 10 { return "private A" }
        if first == 172 && (16...31).contains(second) { return "private B" }
        if first == 192 && second == 168 { return "private C" }
        return "public"
    }
}
