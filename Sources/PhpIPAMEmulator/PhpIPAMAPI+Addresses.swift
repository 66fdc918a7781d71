// The `addresses` controller: lookups, searches, first_free, create, update, delete, tags and custom fields.
import EmulatorSupport

extension PhpIPAMAPI {
    static let addressKeys: Set<String> = [
        "id", "subnetId", "ip", "ip_addr", "is_gateway", "description", "hostname", "mac", "owner", "tag", "state",
        "deviceId", "location", "port", "note", "lastSeen", "excludePing", "PTRignore", "PTR",
        "firewallAddressObject", "customer_id",
    ]
    static let tags: [(id: Int, type: String)] = [(1, "Offline"), (2, "Used"), (3, "Reserved"), (4, "DHCP")]

    mutating func addressesController(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        switch context.method {
        case "GET": return try readAddresses(context)
        case "POST":
            if context.route.id(0) == "first_free" { return try createFirstFree(context) }
            return try createAddress(context)
        case "PATCH", "PUT": return try updateAddress(context)
        case "DELETE": return try deleteAddress(context)
        default: throw .envelope(501, "Method not implemented")
        }
    }

    // MARK: - Reading

    private func readAddresses(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        let route = context.route
        guard let first = route.id(0) else {
            let rows = database.allRows()
            guard !rows.isEmpty else { throw .envelope(404, "No addresses found") }
            return APIAnswer(data: .array(try filtered(rows.map { render($0) }, query: route.query)))
        }
        switch first {
        case "search":
            guard let ip = route.id(1).flatMap({ EmulatorIP($0) }) else { throw .envelope(400, "Invalid address") }
            let rows = database.allRows().filter { $0.ip == ip }
            guard !rows.isEmpty else { throw .envelope(404, "Address not found") }
            return APIAnswer(data: .array(rows.map { render($0) }))
        case "search_hostname":
            let wanted = (route.id(1) ?? "").lowercased()
            let rows = database.allRows().filter { $0.text["hostname"]?.lowercased() == wanted }
            guard !rows.isEmpty else { throw .envelope(404, "Hostname not found") }
            return APIAnswer(data: .array(rows.map { render($0) }))
        case "search_linked":
            let wanted = route.id(1) ?? ""
            let rows = linkField.map { field in database.allRows().filter { $0.text[field] == wanted } } ?? []
            guard !rows.isEmpty else { throw .envelope(404, "No addresses found") }
            return APIAnswer(data: .array(rows.map { render($0, decimalIP: $0.id % 2 == 1) }))
        case "first_free":
            let subnetText = route.id(1) ?? route.query["subnetId"] ?? ""
            guard let subnetID = Int(subnetText), let subnet = database.subnets[subnetID], !subnet.isFull,
                let free = database.firstFree(inSubnet: subnetID)
            else { throw .envelope(404, "No free addresses found") }
            return APIAnswer(data: .string(free.description))
        case "custom_fields":
            guard !customFields.isEmpty else { throw .envelope(404, "No custom fields defined") }
            return APIAnswer(data: .object(customFields.map { field in
                (field.name, .object([
                    ("name", .string(field.name)), ("type", .string(field.type)), ("Comment", .string(field.comment)),
                    ("Null", .string("YES")), ("Default", .null),
                ]))
            }))
        case "tags":
            return try readTags(route)
        default:
            break
        }
        guard let id = Int(first) else {
            if EmulatorIP(first) != nil, route.id(1) != nil {
                // Observed: GET /addresses/{ip}/{subnetId}/ answers 404 even when the address exists.
                throw .envelope(404, "No addresses found")
            }
            throw .envelope(404, "Invalid Id")
        }
        guard let row = database.addresses[id] else { throw .envelope(404, "Invalid Id") }
        return APIAnswer(data: render(row))
    }

    private func readTags(_ route: PhpIPAMRoute) throws(APIFailure) -> APIAnswer {
        func tagObject(_ tag: (id: Int, type: String)) -> EmulatorJSON {
            .object([("id", .int(tag.id)), ("type", .string(tag.type)), ("showtag", .int(1)), ("locked", .string("No"))])
        }
        guard let tagText = route.id(1) else { return APIAnswer(data: .array(Self.tags.map(tagObject))) }
        guard let tagID = Int(tagText), let tag = Self.tags.first(where: { $0.id == tagID }) else {
            throw .envelope(404, "Tag does not exist")
        }
        guard route.id(2) == "addresses" else { return APIAnswer(data: tagObject(tag)) }
        var rows = database.allRows().filter { $0.tag == tagID }
        if let subnetID = route.query["subnetId"].flatMap({ Int($0) }) { rows = rows.filter { $0.subnetID == subnetID } }
        guard !rows.isEmpty else { throw .envelope(404, "No addresses found") }
        return APIAnswer(data: .array(rows.map { render($0, decimalIP: $0.id % 2 == 1) }))
    }

    // MARK: - Writing

    /// `POST /addresses/first_free/{subnetId}/`: the lowest host without a row, created with the body's fields.
    private mutating func createFirstFree(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        try checkKeys(context.parameters, allowed: allowedAddressKeys)
        let subnetText = context.route.id(1) ?? (context.parameters["subnetId"] ?? nil) ?? ""
        guard let subnetID = Int(subnetText), let subnet = database.subnets[subnetID] else {
            throw .envelope(400, "Invalid subnet identifier")
        }
        guard !subnet.isFull else { throw .envelope(404, "No free addresses found (subnet is full)") }
        guard let free = database.firstFree(inSubnet: subnetID) else { throw .envelope(404, "No free addresses found") }
        var row = AddressRow(id: 0, subnetID: subnetID, ip: free, text: ["description": "API created"])
        try apply(context.parameters, to: &row)
        let id = database.insertAddress(row)
        return APIAnswer(
            code: 201, message: "Address created", id: String(id), data: .string(free.description),
            location: "/api/\(context.app.id)/addresses/\(id)/")
    }

    /// `POST /addresses/` with `subnetId` and `ip`: that exact address, or 409 when a row holds it.
    private mutating func createAddress(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        let parameters = context.parameters
        guard let subnetText = parameters["subnetId"] ?? nil, let subnetID = Int(subnetText) else {
            throw .envelope(400, "SubnetId must be numeric")
        }
        try checkKeys(parameters, allowed: allowedAddressKeys)
        guard let subnet = database.subnets[subnetID] else { throw .envelope(404, "Invalid subnet Id") }
        let ipText = (parameters["ip"] ?? nil) ?? (parameters["ip_addr"] ?? nil) ?? ""
        // For IPv6 the subnet address itself is accepted: phpIPAM's own first_free hands it out (§5).
        guard let ip = EmulatorIP(ipText), subnet.prefix.isHost(ip) else {
            throw .envelope(500, "\(ipText) is not a valid address for subnet \(subnet.prefix)")
        }
        guard !database.addresses.values.contains(where: { $0.subnetID == subnetID && $0.ip == ip }) else {
            throw .envelope(409, "IP address already exists")
        }
        var row = AddressRow(id: 0, subnetID: subnetID, ip: ip, text: ["description": "API created"])
        try apply(parameters, to: &row)
        let id = database.insertAddress(row)
        return APIAnswer(code: 201, message: "Address created", id: String(id), location: "/api/\(context.app.id)/addresses/\(id)/")
    }

    private mutating func updateAddress(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        try checkKeys(context.parameters, allowed: allowedAddressKeys)
        guard let id = context.route.id(0).flatMap({ Int($0) }), var row = database.addresses[id] else {
            throw .envelope(404, "Address does not exist")
        }
        if context.parameters["ip"] != nil || context.parameters["ip_addr"] != nil {
            throw .envelope(400, "IP address cannot be changed")
        }
        try apply(context.parameters, to: &row)
        if row.isGateway { database.clearGatewayFlag(inSubnet: row.subnetID) }
        database.addresses[id] = row
        return APIAnswer(message: "Address updated")
    }

    private mutating func deleteAddress(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        let route = context.route
        if let first = route.id(0), let ip = EmulatorIP(first), let subnetText = route.id(1) {
            let everywhere = database.addresses.values.filter { $0.ip == ip }
            guard !everywhere.isEmpty else {
                // Observed: PHP TypeError (sizeof() on false) → 500 with an empty text/html body.
                throw .phpFatalError
            }
            guard let row = everywhere.first(where: { String($0.subnetID) == subnetText }) else {
                throw .envelope(404, "No addresses found")
            }
            database.addresses[row.id] = nil
            return APIAnswer(message: "Address deleted")
        }
        guard let id = route.id(0).flatMap({ Int($0) }), database.addresses[id] != nil else {
            throw .envelope(404, "Address does not exist")
        }
        database.addresses[id] = nil
        return APIAnswer(message: "Address deleted")
    }

    // MARK: - Columns

    private var allowedAddressKeys: Set<String> {
        Self.addressKeys.union(customFields.map(\.name))
    }

    /// Copies request parameters into a row, with phpIPAM's column checks.
    private func apply(_ parameters: [String: String?], to row: inout AddressRow) throws(APIFailure) {
        for (key, value) in parameters.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "id", "subnetId", "ip", "ip_addr":
                continue
            case "tag", "state":
                guard let value, let tag = Int(value), Self.tags.contains(where: { $0.id == tag }) else {
                    throw .envelope(400, "Tag does not exist")
                }
                row.tag = tag
            case "is_gateway":
                row.isGateway = value == "1"
            case _ where PhpIPAMDatabase.addressNumberColumns.contains(key) || PhpIPAMDatabase.addressFlagColumns.contains(key):
                row.numbers[key] = value.flatMap { Int($0) }
            default:
                let limit = key == "description" ? 64 : key == "hostname" ? 255 : 128
                if let value, value.count > limit {
                    throw .envelope(
                        500,
                        "Error: SQLSTATE[22001]: String data, right truncated: 1406 Data too long for column '\(key)' at row 1")
                }
                row.text[key] = value
            }
        }
    }
}
