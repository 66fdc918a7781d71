// The IP address serializer's write checks: field errors first (all at once), then the model's clean() checks.
import FoundationEssentials

/// The outcome of validating one IP-address body.
enum AddressValidation {
    /// The row to store (`id` 0 for a new one).
    case valid(AddressRow)
    /// A 400 body for this object: `{field: [messages]}`.
    case invalid(NetBoxJSON)
    /// A whole answer instead of a validation error (NetBox 4.4's 500 on an unparsable address).
    case serverError(NetBoxResponse)
}

extension NetBoxAPI {
    private static let dnsNameMessage =
        "Only alphanumeric characters, asterisks, hyphens, periods, and underscores are allowed in DNS names"

    /// Validates `body` as DRF's IPAddressSerializer and IPAddress.clean() would, against `existing` (nil to create).
    /// `partial` is PATCH (absent fields unchanged, `address` not required).
    func validateAddress(_ body: NetBoxJSON, existing: AddressRow?, partial: Bool, now: Date) -> AddressValidation {
        guard case .object = body else {
            let message = body == .null ? "No data provided" : "Invalid data. Expected a dictionary, but got \(body.pythonTypeName)."
            return .invalid(.object([("non_field_errors", .array([.string(message)]))]))
        }
        var row =
            existing
            ?? AddressRow(
                id: 0, address: NetBoxInterface(ip: NetBoxIP(isIPv6: false, value: 0), length: 32), vrfID: nil, tenantID: nil,
                ownerID: nil, status: "active", role: nil, dnsName: "", description: "", tagIDs: [],
                customFields: database.seededCustomFields([:], objectType: "ipam.ipaddress"), created: now, lastUpdated: now)
        var errors: [(String, NetBoxJSON)] = []
        func fail(_ field: String, _ message: String) { errors.append((field, .array([.string(message)]))) }

        // Fields in the serializer's order, so that the error object lists them as NetBox does.
        if let value = body["address"] {
            if case .null = value {
                fail("address", "This field may not be null.")
            } else if let text = Self.text(value), let interface = NetBoxInterface(text) {
                row.address = interface
            } else {
                if version == .v4_4 {
                    let crash = NetBoxJSON.object([
                        ("error", .string("'data'")), ("exception", .string("KeyError")),
                        ("netbox_version", .string(version.fullVersion)), ("python_version", .string("3.11.7")),
                    ])
                    return .serverError(.json(500, crash))
                }
                fail("address", "Invalid IP address format: \(Self.text(value) ?? value.pythonRepr)")
            }
        } else if existing == nil || !partial {
            fail("address", "This field is required.")
        }
        if let value = body["vrf"] {
            switch resolveRelated(value, ids: Set(database.vrfs.keys), attributes: { id, key in
                guard let vrf = database.vrfs[id] else { return nil }
                return ["id": .int(id), "name": .string(vrf.name), "rd": .optional(vrf.rd)][key]
            }) {
            case .success(let id): row.vrfID = id
            case .failure(let message): fail("vrf", message.text)
            }
        }
        if let value = body["tenant"] {
            switch resolveRelated(value, ids: Set(database.tenants.keys), attributes: { id, key in
                guard let tenant = database.tenants[id] else { return nil }
                return ["id": .int(id), "name": .string(tenant.name), "slug": .string(tenant.slug)][key]
            }) {
            case .success(let id): row.tenantID = id
            case .failure(let message): fail("tenant", message.text)
            }
        }
        if let value = body["status"] {
            if case .string(let status) = value, NetBoxChoices.addressStatuses.contains(where: { $0.0 == status }) {
                row.status = status
            } else if case .null = value {
                fail("status", "This field may not be null.")
            } else {
                fail("status", "\(Self.text(value) ?? value.pythonRepr) is not a valid choice.")
            }
        }
        if let value = body["role"] {
            switch value {
            case .null: row.role = nil
            case .string(let role) where role.isEmpty: row.role = nil
            case .string(let role) where NetBoxChoices.addressRoles.contains(where: { $0.0 == role }): row.role = role
            default: fail("role", "\(Self.text(value) ?? value.pythonRepr) is not a valid choice.")
            }
        }
        if let value = body["dns_name"] {
            switch Self.charField(value, maxLength: 255) {
            case .success(let name):
                if name.isEmpty || Self.isDNSName(name) { row.dnsName = name.lowercased() } else { fail("dns_name", Self.dnsNameMessage) }
            case .failure(let message): fail("dns_name", message.text)
            }
        }
        if let value = body["description"] {
            switch Self.charField(value, maxLength: 200) {
            case .success(let text): row.description = text
            case .failure(let message): fail("description", message.text)
            }
        }
        if version.hasOwners, let value = body["owner"] {
            switch resolveRelated(value, ids: Set(database.owners.keys), attributes: { id, key in
                guard let owner = database.owners[id] else { return nil }
                return ["id": .int(id), "name": .string(owner.name)][key]
            }) {
            case .success(let id): row.ownerID = id
            case .failure(let message): fail("owner", message.text)
            }
        }
        if let value = body["comments"] {
            switch Self.charField(value, maxLength: nil) {
            case .success(let text): row.comments = text
            case .failure(let message): fail("comments", message.text)
            }
        }
        if let value = body["tags"] {
            switch resolveTags(value) {
            case .success(let ids): row.tagIDs = ids
            case .failure(let message): fail("tags", message.text)
            }
        }
        if let value = body["custom_fields"] {
            guard case .object(let members) = value else {
                fail("custom_fields", "Invalid data format. Custom field data must be passed as a dictionary.")
                return .invalid(.object(errors))
            }
            let defined = Set(database.fields(for: "ipam.ipaddress").map(\.name))
            var merged = row.customFields
            var unknown: String?
            for (name, fieldValue) in members {
                if defined.contains(name) {
                    merged[name] = fieldValue
                } else if version.hasOwners, unknown == nil {
                    // NetBox 4.5+ refuses the first undefined name; 4.4 drops undefined names silently.
                    unknown = name
                }
            }
            if let unknown {
                errors.append(("custom_fields", .object([(unknown, .string("Custom field '\(unknown)' does not exist for this object type."))])))
            } else {
                row.customFields = merged
            }
        }
        guard errors.isEmpty else { return .invalid(.object(errors)) }
        return clean(row)
    }

    /// IPAddress.clean(): custom field values, /0 masks, global/VRF uniqueness, SLAAC only on IPv6.
    private func clean(_ row: AddressRow) -> AddressValidation {
        for field in database.fields(for: "ipam.ipaddress") {
            guard let value = row.customFields[field.name], value != .null else { continue }
            let problem: String? =
                switch (field.type, value) {
                case (.text, .string), (.longtext, .string), (.integer, .int), (.boolean, .bool): nil
                case (.text, _), (.longtext, _): "Value must be a string."
                case (.integer, _): "Value must be an integer."
                case (.boolean, _): "Value must be true or false."
                }
            if let problem {
                return .invalid(.object([("__all__", .array([.string("Invalid value for custom field '\(field.name)': \(problem)")]))]))
            }
        }
        if row.address.length == 0 {
            return .invalid(.object([("address", .array([.string("Cannot create IP address with /0 mask.")]))]))
        }
        let vrf = row.vrfID.flatMap { database.vrfs[$0] }
        if vrf?.enforceUnique ?? true {
            let duplicates = database.duplicates(of: row.address.ip, vrfID: row.vrfID, excluding: row.id == 0 ? nil : row.id)
            let exempt = { (role: String?) in role.map(NetBoxChoices.nonUniqueRoles.contains) ?? false }
            if let first = duplicates.first, !exempt(row.role) || duplicates.contains(where: { !exempt($0.role) }) {
                let table = vrf.map { "VRF \($0.name)" } ?? "global table"
                return .invalid(.object([("address", .array([.string("Duplicate IP address found in \(table): \(first.address)")]))]))
            }
        }
        if row.status == "slaac" && !row.address.ip.isIPv6 {
            return .invalid(.object([("status", .array([.string("Only IPv6 addresses can be assigned SLAAC status")]))]))
        }
        return .valid(row)
    }

    // MARK: - Field helpers

    /// A validation message (a `Failure` for `Result`).
    struct FieldMessage: Error {
        var text: String
    }

    /// The text of a string or number value (DRF's CharField accepts numbers).
    static func text(_ value: NetBoxJSON) -> String? {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): "\(number)"
        default: nil
        }
    }

    static func charField(_ value: NetBoxJSON, maxLength: Int?) -> Result<String, FieldMessage> {
        if case .null = value { return .failure(FieldMessage(text: "This field may not be null.")) }
        guard let text = text(value) else { return .failure(FieldMessage(text: "Not a valid string.")) }
        if let maxLength, text.count > maxLength {
            return .failure(FieldMessage(text: "Ensure this field has no more than \(maxLength) characters."))
        }
        return .success(text)
    }

    /// NetBox's DNSValidator: `^([0-9A-Za-z_-]+|\*)(\.[0-9A-Za-z_-]+)*\.?$`.
    static func isDNSName(_ name: String) -> Bool {
        var labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels.last == "" { labels.removeLast() }
        func isLabel(_ label: Substring) -> Bool {
            !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        }
        guard let first = labels.first, first == "*" || isLabel(first) else { return false }
        return labels.dropFirst().allSatisfy(isLabel)
    }

    /// A related object given as an id, a numeric string or a dictionary of attributes (NetBox's nested writes).
    func resolveRelated(
        _ value: NetBoxJSON, ids: Set<Int>, attributes: (Int, String) -> NetBoxJSON?
    ) -> Result<Int?, FieldMessage> {
        switch value {
        case .null:
            return .success(nil)
        case .int(let id):
            return ids.contains(id) ? .success(id) : .failure(FieldMessage(text: "Related object not found using the provided numeric ID: \(id)"))
        case .string(let text) where Int(text) != nil:
            let id = Int(text) ?? 0
            return ids.contains(id) ? .success(id) : .failure(FieldMessage(text: "Related object not found using the provided numeric ID: \(id)"))
        case .object(let members):
            let matches = ids.sorted().filter { id in members.allSatisfy { attributes(id, $0.0) == $0.1 } }
            guard matches.count <= 1 else {
                return .failure(FieldMessage(text: "Multiple objects match the provided attributes: \(value.pythonRepr)"))
            }
            guard let id = matches.first else {
                return .failure(FieldMessage(text: "Related object not found using the provided attributes: \(value.pythonRepr)"))
            }
            return .success(id)
        default:
            return .failure(
                FieldMessage(
                    text: "Related objects must be referenced by numeric ID or by dictionary of attributes. Received an unrecognized value: \(value.pythonRepr)"))
        }
    }

    /// `tags`: a list of ids or `{"slug":…}` / `{"name":…}` objects; it replaces the object's whole tag list.
    func resolveTags(_ value: NetBoxJSON) -> Result<[Int], FieldMessage> {
        guard case .array(let items) = value else {
            return .failure(FieldMessage(text: "Expected a list of items but got type \"\(value.pythonTypeName)\"."))
        }
        var result: [Int] = []
        for item in items {
            switch resolveRelated(item, ids: Set(database.tags.keys), attributes: { id, key in
                guard let tag = database.tags[id] else { return nil }
                return ["id": .int(id), "name": .string(tag.name), "slug": .string(tag.slug), "color": .string(tag.color)][key]
            }) {
            case .success(let id): if let id, !result.contains(id) { result.append(id) }
            case .failure(let message): return .failure(message)
            }
        }
        return .success(result)
    }
}
