// Creating prefixes and IP ranges through the API (the record's probes made scratch prefixes and ranges this way).
import FoundationEssentials

extension NetBoxAPI {
    /// `POST /api/ipam/prefixes/` or `/api/ipam/ip-ranges/`: one object or a list, all validated before any is stored.
    mutating func createNetworks(_ resource: NetBoxResource, _ context: NetBoxContext) throws(NetBoxFailure) -> NetBoxResponse {
        let requested = RequestedObjects(context.body)
        var prefixes: [PrefixRow] = []
        var ranges: [RangeRow] = []
        var errors: [NetBoxJSON] = []
        for item in requested.items {
            if resource == .prefixes {
                let (row, problems) = validatePrefix(item, now: context.now)
                prefixes += row.map { [$0] } ?? []
                errors.append(problems)
            } else {
                let (row, problems) = validateRange(item, now: context.now)
                ranges += row.map { [$0] } ?? []
                errors.append(problems)
            }
        }
        guard prefixes.count + ranges.count == requested.items.count else { throw requested.failure(errors) }
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
            created.append(renderer(context.request).range(row))
        }
        return requested.created(created)
    }

    /// A prefix body: `prefix` (required), status, is_pool, mark_utilized, description, vrf, tenant, owner,
    /// `scope_type: dcim.site` with `scope_id`, tags, custom_fields; duplicates are refused in the global table.
    /// Returns the row or `{field: [messages]}`.
    private func validatePrefix(_ body: NetBoxJSON, now: Date) -> (PrefixRow?, NetBoxJSON) {
        if let error = FieldReader.shapeError(body) { return (nil, error) }
        var row = PrefixRow(
            id: 0, prefix: NetBoxPrefix(network: NetBoxIP(isIPv6: false, value: 0), length: 0), vrfID: nil, siteID: nil,
            tenantID: nil, ownerID: nil, status: "active", isPool: false, markUtilized: false, description: "", tagIDs: [],
            customFields: database.seededCustomFields([:], objectType: "ipam.prefix"), created: now, lastUpdated: now)
        var reader = FieldReader(body, database: database)
        if let value = body["prefix"] {
            if let text = FieldReader.text(value), let prefix = NetBoxPrefix(cidr: text) {
                row.prefix = prefix
            } else {
                reader.fail("prefix", "Invalid IP prefix format: \(FieldReader.shown(value))")
            }
        } else {
            reader.fail("prefix", "This field is required.")
        }
        reader.related("vrf", .vrfs) { row.vrfID = $0 }
        if let scope = body["scope_type"], scope != .null, scope != .string("dcim.site") {
            reader.fail("scope_type", "The emulator scopes prefixes to dcim.site only.")
        }
        reader.related("scope_id", .sites) { row.siteID = $0 }
        reader.related("tenant", .tenants) { row.tenantID = $0 }
        reader.choice("status", in: NetBoxChoices.prefixStatuses) { row.status = $0 ?? row.status }
        reader.flag("is_pool") { row.isPool = $0 }
        reader.flag("mark_utilized") { row.markUtilized = $0 }
        reader.string("description", maxLength: 200) { row.description = $0 }
        if version.hasOwners { reader.related("owner", .owners) { row.ownerID = $0 } }
        reader.string("comments", maxLength: nil) { row.comments = $0 }
        reader.tags { row.tagIDs = $0 }
        reader.customFields(objectType: "ipam.prefix", current: row.customFields) { row.customFields = $0 }
        guard reader.errors.isEmpty else { return (nil, .object(reader.errors)) }
        func invalid(_ message: String) -> (PrefixRow?, NetBoxJSON) { (nil, .object([("prefix", .array([.string(message)]))])) }
        if row.prefix.length == 0 { return invalid("Cannot create prefix with /0 mask.") }
        let vrf = row.vrfID.flatMap { database.vrfs[$0] }
        if vrf?.enforceUnique ?? true, database.prefixes.values.contains(where: { $0.prefix == row.prefix && $0.vrfID == row.vrfID }) {
            return invalid("Duplicate prefix found in \(vrf.map { "VRF \($0.name)" } ?? "global table"): \(row.prefix)")
        }
        return (row, .object([]))
    }

    /// An IP range body: `start_address` and `end_address` (same family and mask, start below end), status,
    /// mark_populated, mark_utilized, description, vrf. Returns the row or `{field: [messages]}`.
    private func validateRange(_ body: NetBoxJSON, now: Date) -> (RangeRow?, NetBoxJSON) {
        if let error = FieldReader.shapeError(body) { return (nil, error) }
        let placeholder = NetBoxInterface(ip: NetBoxIP(isIPv6: false, value: 0), length: 32)
        var row = RangeRow(
            id: 0, start: placeholder, end: placeholder, vrfID: nil, status: "active", markPopulated: false, markUtilized: false,
            description: "", created: now, lastUpdated: now)
        var reader = FieldReader(body, database: database)
        for key in ["start_address", "end_address"] {
            guard let value = body[key] else {
                reader.fail(key, "This field is required.")
                continue
            }
            guard let text = FieldReader.text(value), let interface = NetBoxInterface(text) else {
                reader.fail(key, "Invalid IP address format: \(FieldReader.shown(value))")
                continue
            }
            if key == "start_address" { row.start = interface } else { row.end = interface }
        }
        reader.related("vrf", .vrfs) { row.vrfID = $0 }
        reader.choice("status", in: NetBoxChoices.rangeStatuses) { row.status = $0 ?? row.status }
        reader.string("description", maxLength: 200) { row.description = $0 }
        reader.flag("mark_populated") { row.markPopulated = $0 }
        reader.flag("mark_utilized") { row.markUtilized = $0 }
        guard reader.errors.isEmpty else { return (nil, .object(reader.errors)) }
        func invalid(_ message: String) -> (RangeRow?, NetBoxJSON) { (nil, .object([("end_address", .array([.string(message)]))])) }
        if row.start.ip.isIPv6 != row.end.ip.isIPv6 { return invalid("Starting and ending IP address versions must match") }
        if row.start.length != row.end.length { return invalid("Starting and ending IP address masks must match") }
        if row.end.ip <= row.start.ip { return invalid("Ending address must be greater than the starting address (\(row.start))") }
        return (row, .object([]))
    }
}
