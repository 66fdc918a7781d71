// The `subnets` controller: read, create, flag full, delete; first_free, usage and the addresses of a subnet.
import EmulatorSupport

extension PhpIPAMAPI {
    static let subnetKeys: Set<String> = [
        "id", "subnet", "mask", "sectionId", "description", "linked_subnet", "firewallAddressObject", "vrfId",
        "masterSubnetId", "allowRequests", "vlanId", "showName", "device", "permissions", "pingSubnet",
        "discoverSubnet", "resolveDNS", "DNSrecursive", "DNSrecords", "nameserverId", "scanAgent", "customer_id",
        "isFolder", "isFull", "isPool", "tag", "threshold", "location",
    ]

    mutating func subnetsController(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        switch context.method {
        case "GET": return try readSubnets(context)
        case "POST": return try createSubnet(context)
        case "PATCH", "PUT": return try updateSubnet(context)
        case "DELETE": return try deleteSubnet(context)
        default: throw .envelope(501, "Method not implemented")
        }
    }

    private func readSubnets(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        let route = context.route
        guard let first = route.id(0) else {
            let all = database.subnets.values.sorted { $0.id < $1.id }.map { render($0, detailed: false) }
            return APIAnswer(data: .array(try filtered(all, query: route.query)))
        }
        if first == "cidr" || first == "search" {
            return try searchSubnets(route)
        }
        guard let subnetID = Int(first) else { throw .envelope(404, "Invalid Id") }
        guard let action = route.id(1) else {
            guard let subnet = database.subnets[subnetID] else { throw .envelope(400, "Invalid subnet Id (\(subnetID))") }
            return APIAnswer(data: render(subnet, detailed: true))
        }
        guard let subnet = database.subnets[subnetID] else { throw .envelope(404, "Invalid subnet Id (\(subnetID))") }
        switch action {
        case "first_free":
            guard !subnet.isFull, let free = database.firstFree(inSubnet: subnetID) else {
                throw .envelope(404, "No free addresses found")
            }
            return APIAnswer(data: .string(free.description))
        case "usage":
            return APIAnswer(data: usage(of: subnet))
        case "addresses":
            var rows = database.rows(inSubnet: subnetID)
            if let ipText = route.id(2) {
                guard let ip = EmulatorIP(ipText) else { throw .envelope(400, "Invalid address") }
                rows = rows.filter { $0.ip == ip }
            }
            // Not observed on the real server for an empty subnet; the emulator answers 404.
            guard !rows.isEmpty else { throw .envelope(404, "No addresses found") }
            return APIAnswer(data: .array(try filtered(rows.map { render($0) }, query: route.query)))
        default:
            throw .envelope(400, "Invalid identifier")
        }
    }

    /// `/subnets/cidr/{ip}/{mask}/` and `/subnets/search/{ip}/{mask}/`: an array without gateway and calculation.
    private func searchSubnets(_ route: PhpIPAMRoute) throws(APIFailure) -> APIAnswer {
        let text = route.ids.dropFirst().joined(separator: "/")
        guard let prefix = EmulatorPrefix(cidr: text) else { throw .envelope(400, "Invalid CIDR format") }
        let matches = database.subnets.values.filter { $0.prefix == prefix }.sorted { $0.id < $1.id }
        guard !matches.isEmpty else { throw .envelope(404, "No subnets found") }
        return APIAnswer(data: .array(matches.map { render($0, detailed: false) }))
    }

    /// The counts are decimal strings; for IPv6 they exceed 64 bits (`"maxhosts":"18446744073709551616"` for a /64).
    private func usage(of subnet: SubnetRow) -> EmulatorJSON {
        let rows = database.rows(inSubnet: subnet.id)
        let reserved = rows.filter { $0.tag == 3 }.count
        let used = rows.count - reserved
        let hosts = subnet.prefix.hostCount
        let free = hosts > UInt128(rows.count) ? hosts - UInt128(rows.count) : 0
        func percent(_ count: UInt128) -> EmulatorJSON {
            .double(hosts == 0 ? 0 : (Double(count) * 10_000 / Double(hosts)).rounded() / 100)
        }
        return .object([
            ("Used", .int(used)), ("Reserved", .int(reserved)),
            ("Reserved_percent", percent(UInt128(reserved))), ("Used_percent", percent(UInt128(used))),
            ("used", .string(String(rows.count))), ("freehosts", .string(String(free))),
            ("freehosts_percent", percent(free)), ("maxhosts", .string(String(hosts))),
        ])
    }

    private mutating func createSubnet(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        let parameters = context.parameters
        try checkKeys(parameters, allowed: Self.subnetKeys)
        guard let sectionText = parameters["sectionId"] ?? nil, let sectionID = Int(sectionText),
            database.sectionIDs.contains(sectionID)
        else { throw .envelope(400, "Invalid section Id") }
        guard let subnetText = parameters["subnet"] ?? nil, let maskText = parameters["mask"] ?? nil,
            let prefix = EmulatorPrefix(cidr: "\(subnetText)/\(maskText)"), EmulatorIP(subnetText) == prefix.network
        else { throw .envelope(400, "Invalid subnet") }
        let id = database.nextSubnetID
        database.nextSubnetID += 1
        database.subnets[id] = SubnetRow(
            id: id, prefix: prefix, sectionID: sectionID, description: (parameters["description"] ?? nil) ?? "",
            isFull: (parameters["isFull"] ?? nil) == "1", createdThroughAPI: true)
        return APIAnswer(
            code: 201, message: "Subnet created", id: String(id), data: .string(prefix.description),
            location: "/api/\(context.app.id)/subnets/\(id)/")
    }

    private mutating func updateSubnet(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        try checkKeys(context.parameters, allowed: Self.subnetKeys)
        guard let id = context.route.id(0).flatMap({ Int($0) }), database.subnets[id] != nil else {
            throw .envelope(404, "Subnet does not exist")
        }
        if let isFull = context.parameters["isFull"] { database.subnets[id]?.isFull = isFull == "1" }
        if let description = context.parameters["description"] { database.subnets[id]?.description = description ?? "" }
        return APIAnswer(message: "Subnet updated")
    }

    private mutating func deleteSubnet(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        guard let id = context.route.id(0).flatMap({ Int($0) }), database.subnets[id] != nil else {
            throw .envelope(404, "Subnet does not exist")
        }
        database.subnets[id] = nil
        database.addresses = database.addresses.filter { $0.value.subnetID != id }
        return APIAnswer(message: "Subnet deleted")
    }
}
