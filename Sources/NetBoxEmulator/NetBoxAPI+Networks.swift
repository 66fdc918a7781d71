// Creating prefixes and IP ranges through the API (the record's probes made scratch prefixes and ranges this way).
import FoundationEssentials

extension NetBoxAPI {
    /// `POST /api/ipam/prefixes/` or `/api/ipam/ip-ranges/`: one object or a list, all validated before any is stored.
    mutating func createNetworks(_ resource: NetBoxResource, _ context: NetBoxContext) throws(NetBoxFailure) -> NetBoxResponse {
        let isList: Bool
        let requested: [NetBoxJSON]
        if case .array(let items) = context.body {
            isList = true
            requested = items
        } else {
            isList = false
            requested = [context.body]
        }
        var prefixes: [PrefixRow] = []
        var ranges: [RangeRow] = []
        var errors: [NetBoxJSON] = []
        for item in requested {
            let problems: [(String, NetBoxJSON)]
            if resource == .prefixes {
                let (row, found) = validatePrefix(item, now: context.now)
                if let row { prefixes.append(row) }
                problems = found
            } else {
                let (row, found) = validateRange(item, now: context.now)
                if let row { ranges.append(row) }
                problems = found
            }
            errors.append(.object(problems))
        }
        guard prefixes.count + ranges.count == requested.count else {
            throw .invalid(isList ? .array(errors) : errors.first { $0 != .object([]) } ?? .object([]))
        }
        let render = renderer(context.request)
        var created: [NetBoxJSON] = []
        for var row in prefixes {
            row.id = database.nextPrefixID
            database.nextPrefixID += 1
            database.prefixes[row.id] = row
            created.append(renderer(context.request).prefix(row))
        }
        for var row in ranges {
            row.id = database.nextRangeID
            database.nextRangeID += 1
            database.ranges[row.id] = row
            created.append(render.range(row))
        }
        return .json(201, isList ? .array(created) : created.first ?? .null)
    }

    /// DRF's BooleanField.
    private static func boolean(_ value: NetBoxJSON) -> Bool? {
        switch value {
        case .bool(let flag): flag
        case .int(1), .string("true"), .string("True"), .string("1"): true
        case .int(0), .string("false"), .string("False"), .string("0"): false
        default: nil
        }
    }

    /// A prefix body: `prefix` (required), status, is_pool, mark_utilized, description, vrf, tenant, owner,
    /// `scope_type: dcim.site` with `scope_id`, tags, custom_fields; duplicates are refused in the global table.
    private func validatePrefix(_ body: NetBoxJSON, now: Date) -> (PrefixRow?, [(String, NetBoxJSON)]) {
        guard case .object = body else {
            return (nil, [("non_field_errors", .array([.string("Invalid data. Expected a dictionary, but got \(body.pythonTypeName).")]))])
        }
        var errors: [(String, NetBoxJSON)] = []
        func fail(_ field: String, _ message: String) { errors.append((field, .array([.string(message)]))) }
        var row = PrefixRow(
            id: 0, prefix: NetBoxPrefix(network: NetBoxIP(isIPv6: false, value: 0), length: 0), vrfID: nil, siteID: nil,
            tenantID: nil, ownerID: nil, status: "active", isPool: false, markUtilized: false, description: "", tagIDs: [],
            customFields: database.seededCustomFields([:], objectType: "ipam.prefix"), created: now, lastUpdated: now)
        if let value = body["prefix"] {
            if let text = Self.text(value), let prefix = NetBoxPrefix(cidr: text) {
                row.prefix = prefix
            } else {
                fail("prefix", "Invalid IP prefix format: \(Self.text(value) ?? value.pythonRepr)")
            }
        } else {
            fail("prefix", "This field is required.")
        }
        if let value = body["vrf"] {
            switch resolveRelated(value, ids: Set(database.vrfs.keys), attributes: { id, key in key == "id" ? .int(id) : nil }) {
            case .success(let id): row.vrfID = id
            case .failure(let message): fail("vrf", message.text)
            }
        }
        if let value = body["scope_type"], value != .null, value != .string("dcim.site") {
            fail("scope_type", "Invalid scope type: the emulator scopes prefixes to dcim.site only.")
        }
        if let value = body["scope_id"] {
            switch resolveRelated(value, ids: Set(database.sites.keys), attributes: { id, key in key == "id" ? .int(id) : nil }) {
            case .success(let id): row.siteID = id
            case .failure(let message): fail("scope_id", message.text)
            }
        }
        if let value = body["tenant"] {
            switch resolveRelated(value, ids: Set(database.tenants.keys), attributes: { id, key in
                ["id": .int(id), "slug": .optional(database.tenants[id]?.slug), "name": .optional(database.tenants[id]?.name)][key]
            }) {
            case .success(let id): row.tenantID = id
            case .failure(let message): fail("tenant", message.text)
            }
        }
        if let value = body["status"] {
            if case .string(let status) = value, NetBoxChoices.prefixStatuses.contains(where: { $0.0 == status }) {
                row.status = status
            } else {
                fail("status", "\(Self.text(value) ?? value.pythonRepr) is not a valid choice.")
            }
        }
        for (key, apply) in [("is_pool", { (row: inout PrefixRow, flag: Bool) in row.isPool = flag }), ("mark_utilized", { $0.markUtilized = $1 })] {
            guard let value = body[key] else { continue }
            if let flag = Self.boolean(value) { apply(&row, flag) } else { fail(key, "Must be a valid boolean.") }
        }
        if let value = body["description"] {
            switch Self.charField(value, maxLength: 200) {
            case .success(let text): row.description = text
            case .failure(let message): fail("description", message.text)
            }
        }
        if version.hasOwners, let value = body["owner"] {
            switch resolveRelated(value, ids: Set(database.owners.keys), attributes: { id, key in key == "id" ? .int(id) : nil }) {
            case .success(let id): row.ownerID = id
            case .failure(let message): fail("owner", message.text)
            }
        }
        if let value = body["tags"] {
            switch resolveTags(value) {
            case .success(let ids): row.tagIDs = ids
            case .failure(let message): fail("tags", message.text)
            }
        }
        if case .object(let members) = body["custom_fields"] ?? .null {
            let defined = Set(database.fields(for: "ipam.prefix").map(\.name))
            if let unknown = members.first(where: { !defined.contains($0.0) })?.0, version.hasOwners {
                errors.append(("custom_fields", .object([(unknown, .string("Custom field '\(unknown)' does not exist for this object type."))])))
            } else {
                for (name, value) in members where defined.contains(name) { row.customFields[name] = value }
            }
        }
        guard errors.isEmpty else { return (nil, errors) }
        if row.prefix.length == 0 { return (nil, [("prefix", .array([.string("Cannot create prefix with /0 mask.")]))]) }
        let vrf = row.vrfID.flatMap { database.vrfs[$0] }
        if vrf?.enforceUnique ?? true, database.prefixes.values.contains(where: { $0.prefix == row.prefix && $0.vrfID == row.vrfID }) {
            let table = vrf.map { "VRF \($0.name)" } ?? "global table"
            return (nil, [("prefix", .array([.string("Duplicate prefix found in \(table): \(row.prefix)")]))])
        }
        return (row, [])
    }

    /// An IP range body: `start_address` and `end_address` (same family and mask, start below end), status,
    /// mark_populated, mark_utilized, description, vrf.
    private func validateRange(_ body: NetBoxJSON, now: Date) -> (RangeRow?, [(String, NetBoxJSON)]) {
        guard case .object = body else {
            return (nil, [("non_field_errors", .array([.string("Invalid data. Expected a dictionary, but got \(body.pythonTypeName).")]))])
        }
        var errors: [(String, NetBoxJSON)] = []
        func fail(_ field: String, _ message: String) { errors.append((field, .array([.string(message)]))) }
        func interface(_ key: String) -> NetBoxInterface? {
            guard let value = body[key] else {
                fail(key, "This field is required.")
                return nil
            }
            guard let text = Self.text(value), let parsed = NetBoxInterface(text) else {
                fail(key, "Invalid IP address format: \(Self.text(value) ?? value.pythonRepr)")
                return nil
            }
            return parsed
        }
        let start = interface("start_address")
        let end = interface("end_address")
        var row = RangeRow(
            id: 0, start: start ?? NetBoxInterface(ip: NetBoxIP(isIPv6: false, value: 0), length: 32),
            end: end ?? NetBoxInterface(ip: NetBoxIP(isIPv6: false, value: 0), length: 32), vrfID: nil, status: "active",
            markPopulated: false, markUtilized: false, description: "", created: now, lastUpdated: now)
        if let value = body["vrf"] {
            switch resolveRelated(value, ids: Set(database.vrfs.keys), attributes: { id, key in key == "id" ? .int(id) : nil }) {
            case .success(let id): row.vrfID = id
            case .failure(let message): fail("vrf", message.text)
            }
        }
        if let value = body["status"] {
            if case .string(let status) = value, NetBoxChoices.rangeStatuses.contains(where: { $0.0 == status }) {
                row.status = status
            } else {
                fail("status", "\(Self.text(value) ?? value.pythonRepr) is not a valid choice.")
            }
        }
        for (key, apply) in [("mark_populated", { (row: inout RangeRow, flag: Bool) in row.markPopulated = flag }), ("mark_utilized", { $0.markUtilized = $1 })] {
            guard let value = body[key] else { continue }
            if let flag = Self.boolean(value) { apply(&row, flag) } else { fail(key, "Must be a valid boolean.") }
        }
        if let value = body["description"] {
            switch Self.charField(value, maxLength: 200) {
            case .success(let text): row.description = text
            case .failure(let message): fail("description", message.text)
            }
        }
        guard errors.isEmpty, let start, let end else { return (nil, errors) }
        if start.ip.isIPv6 != end.ip.isIPv6 {
            return (nil, [("end_address", .array([.string("Starting and ending IP address versions must match")]))])
        }
        if start.length != end.length {
            return (nil, [("end_address", .array([.string("Starting and ending IP address masks must match")]))])
        }
        if end.ip <= start.ip {
            return (nil, [("end_address", .array([.string("Ending address must be greater than the starting address (\(start))")]))])
        }
        return (row, [])
    }
}
