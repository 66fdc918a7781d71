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
    /// Validates `body` as DRF's IPAddressSerializer and IPAddress.clean() would, against `existing` (nil to create).
    /// `partial` is PATCH (absent fields unchanged, `address` not required).
    func validateAddress(_ body: NetBoxJSON, existing: AddressRow?, partial: Bool, now: Date) -> AddressValidation {
        if let error = FieldReader.shapeError(body) { return .invalid(error) }
        var row =
            existing
            ?? AddressRow(
                id: 0, address: NetBoxInterface(ip: NetBoxIP(isIPv6: false, value: 0), length: 32), vrfID: nil, tenantID: nil,
                ownerID: nil, status: "active", role: nil, dnsName: "", description: "", tagIDs: [],
                customFields: database.seededCustomFields([:], objectType: "ipam.ipaddress"), created: now, lastUpdated: now)
        var reader = FieldReader(body, database: database)
        // Fields in the serializer's order, so that the error object lists them as NetBox does.
        if let value = body["address"] {
            if case .null = value {
                reader.fail("address", "This field may not be null.")
            } else if let text = FieldReader.text(value), let interface = NetBoxInterface(text) {
                row.address = interface
            } else if version == .v4_4 {
                let crash = NetBoxJSON.object([
                    ("error", .string("'data'")), ("exception", .string("KeyError")),
                    ("netbox_version", .string(version.fullVersion)), ("python_version", .string("3.11.7")),
                ])
                return .serverError(.json(500, crash))
            } else {
                reader.fail("address", "Invalid IP address format: \(FieldReader.shown(value))")
            }
        } else if existing == nil || !partial {
            reader.fail("address", "This field is required.")
        }
        reader.related("vrf", .vrfs) { row.vrfID = $0 }
        reader.related("tenant", .tenants) { row.tenantID = $0 }
        reader.choice("status", in: NetBoxChoices.addressStatuses) { row.status = $0 ?? row.status }
        reader.choice("role", in: NetBoxChoices.addressRoles, allowsBlank: true) { row.role = $0 }
        var badDNSName = false
        reader.string("dns_name", maxLength: 255) { name in
            if name.isEmpty || Self.isDNSName(name) { row.dnsName = name.lowercased() } else { badDNSName = true }
        }
        if badDNSName {
            reader.fail("dns_name", "Only alphanumeric characters, asterisks, hyphens, periods, and underscores are allowed in DNS names")
        }
        reader.string("description", maxLength: 200) { row.description = $0 }
        if version.hasOwners { reader.related("owner", .owners) { row.ownerID = $0 } }
        reader.string("comments", maxLength: nil) { row.comments = $0 }
        reader.tags { row.tagIDs = $0 }
        reader.customFields(objectType: "ipam.ipaddress", current: row.customFields) { row.customFields = $0 }
        guard reader.errors.isEmpty else { return .invalid(.object(reader.errors)) }
        return clean(row)
    }

    /// IPAddress.clean(): custom field values, /0 masks, global/VRF uniqueness, SLAAC only on IPv6.
    private func clean(_ row: AddressRow) -> AddressValidation {
        func invalid(_ field: String, _ message: String) -> AddressValidation {
            .invalid(.object([(field, .array([.string(message)]))]))
        }
        for field in database.fields(for: "ipam.ipaddress") {
            guard let value = row.customFields[field.name], value != .null else { continue }
            let problem: String? =
                switch (field.type, value) {
                case (.text, .string), (.longtext, .string), (.integer, .int), (.boolean, .bool): nil
                case (.text, _), (.longtext, _): "Value must be a string."
                case (.integer, _): "Value must be an integer."
                case (.boolean, _): "Value must be true or false."
                }
            if let problem { return invalid("__all__", "Invalid value for custom field '\(field.name)': \(problem)") }
        }
        if row.address.length == 0 { return invalid("address", "Cannot create IP address with /0 mask.") }
        let vrf = row.vrfID.flatMap { database.vrfs[$0] }
        if vrf?.enforceUnique ?? true {
            let duplicates = database.duplicates(of: row.address.ip, vrfID: row.vrfID, excluding: row.id == 0 ? nil : row.id)
            let exempt = { (role: String?) in role.map(NetBoxChoices.nonUniqueRoles.contains) ?? false }
            if let first = duplicates.first, !exempt(row.role) || duplicates.contains(where: { !exempt($0.role) }) {
                let table = vrf.map { "VRF \($0.name)" } ?? "global table"
                return invalid("address", "Duplicate IP address found in \(table): \(first.address)")
            }
        }
        if row.status == "slaac" && !row.address.ip.isIPv6 {
            return invalid("status", "Only IPv6 addresses can be assigned SLAAC status")
        }
        return .valid(row)
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
}
