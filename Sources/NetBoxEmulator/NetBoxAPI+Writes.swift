// Writing: available-ips (GET and the all-or-nothing POST), and IP-address create, update and delete, single and bulk.

extension NetBoxAPI {
    // MARK: - Available IPs

    /// `GET /api/ipam/prefixes/{id}/available-ips/`: a bare array of `{family, address, vrf}`, lowest first, with
    /// the prefix's mask. No `?limit` gives 50, `limit=0` gives at most 1000, larger limits are capped at 1000,
    /// a non-numeric one is 50; a negative one never stops NetBox's loop, so it gives everything (capped here
    /// at 65,536 to stay finite). There is no offset and no next link.
    func listAvailable(prefixID: Int, _ context: NetBoxContext) throws(NetBoxFailure) -> NetBoxResponse {
        guard let prefix = database.prefixes[prefixID], Self.permits(context.user, "view", "ipam.prefix") else {
            throw .notFound(.prefixes)
        }
        var limit = NetBoxDatabase.paginateCount
        if let text = context.query["limit"], let value = Int(text) {
            limit = value == 0 ? NetBoxDatabase.maxPageSize : min(value, NetBoxDatabase.maxPageSize)
            if value < 0 { limit = 65_536 }
        }
        let vrf = renderer(context.request).nestedVRF(prefix.vrfID)
        let items = database.availableIPs(in: prefix, limit: limit).map { ip in
            NetBoxJSON.object([
                ("family", .int(ip.family)), ("address", .string("\(ip)/\(prefix.prefix.length)")), ("vrf", vrf),
            ])
        }
        return .json(200, .array(items))
    }

    /// `POST /api/ipam/prefixes/{id}/available-ips/` (the caller holds the global allocation lock).
    ///
    /// A single object gives `201` with one IP-address object, a list gives `201` with a list of consecutive free
    /// addresses in request order (`[]` gives `201 []`). When fewer addresses are free than requested the answer
    /// is `409` and nothing is created; the 409 check comes before the field checks. Validation errors are a 400
    /// (a list of per-object errors for a list body) and create nothing. The body's `address` is ignored and
    /// the VRF is the prefix's; NetBox 4.6 honours `prefix_length`, 4.4 ignores it.
    mutating func allocate(prefixID: Int, _ context: NetBoxContext) throws(NetBoxFailure) -> NetBoxResponse {
        guard let prefix = database.prefixes[prefixID], Self.permits(context.user, "view", "ipam.prefix") else {
            throw .notFound(.prefixes)
        }
        let requested = RequestedObjects(context.body)
        // The first, lax serializer (AvailableIPSerializer, many=True) only insists on dictionaries.
        let shapeErrors = requested.items.map { FieldReader.shapeError($0) ?? .object([]) }
        if shapeErrors.contains(where: { $0 != .object([]) }) { throw .invalid(.array(shapeErrors)) }
        let free = database.availableIPs(in: prefix, limit: requested.items.count)
        guard free.count == requested.items.count else {
            throw .detail(409, "Insufficient resources are available to satisfy the request")
        }
        var rows: [AddressRow] = []
        var errors: [NetBoxJSON] = []
        for (item, ip) in zip(requested.items, free) {
            var length = prefix.prefix.length
            if version.honoursPrefixLength, case .int(let wanted) = item["prefix_length"] ?? .null, (0...ip.bitCount).contains(wanted) {
                length = wanted
            }
            var members = (item.members ?? []).filter { $0.0 != "address" && $0.0 != "vrf" && $0.0 != "prefix_length" }
            members.append(("address", .string("\(ip)/\(length)")))
            members.append(("vrf", .optional(prefix.vrfID)))
            switch validateAddress(.object(members), existing: nil, partial: false, now: context.now) {
            case .valid(let row):
                rows.append(row)
                errors.append(.object([]))
            case .invalid(let body):
                errors.append(body)
            case .serverError(let response):
                throw NetBoxFailure(response: response)
            }
        }
        guard rows.count == requested.items.count else { throw requested.failure(errors) }
        return requested.created(store(rows, context))
    }

    // MARK: - IP addresses

    /// `POST /api/ipam/ip-addresses/`: one object or a list (all validated before any is stored).
    mutating func createAddresses(_ context: NetBoxContext) throws(NetBoxFailure) -> NetBoxResponse {
        let requested = RequestedObjects(context.body)
        var rows: [AddressRow] = []
        var errors: [NetBoxJSON] = []
        for item in requested.items {
            switch validateAddress(item, existing: nil, partial: false, now: context.now) {
            case .valid(let row):
                rows.append(row)
                errors.append(.object([]))
            case .invalid(let body): errors.append(body)
            case .serverError(let response): throw NetBoxFailure(response: response)
            }
        }
        guard rows.count == requested.items.count else { throw requested.failure(errors) }
        return requested.created(store(rows, context))
    }

    /// Stores new address rows under fresh ids and renders them.
    private mutating func store(_ rows: [AddressRow], _ context: NetBoxContext) -> [NetBoxJSON] {
        let render = renderer(context.request)
        return rows.map { row in
            let id = database.insert(row)
            return database.addresses[id].map(render.address) ?? .null
        }
    }

    /// `PATCH`/`PUT /api/ipam/ip-addresses/{id}/`: PATCH leaves absent fields alone, `tags` replaces the list,
    /// `custom_fields` merges (a `null` value clears one); PUT also requires `address`.
    mutating func updateAddress(id: Int, _ context: NetBoxContext) throws(NetBoxFailure) -> NetBoxResponse {
        guard let existing = database.addresses[id] else { throw .notFound(.ipAddresses) }
        switch validateAddress(context.body, existing: existing, partial: context.method == "PATCH", now: context.now) {
        case .valid(var row):
            row.lastUpdated = context.now
            database.addresses[id] = row
            return .json(200, renderer(context.request).address(row))
        case .invalid(let body): throw .invalid(body)
        case .serverError(let response): throw NetBoxFailure(response: response)
        }
    }

    /// The ids of a bulk body `[{"id":…}, …]`, or the 400 DRF's BulkOperationSerializer gives.
    private func bulkIDs(_ body: NetBoxJSON) throws(NetBoxFailure) -> [Int] {
        guard case .array(let items) = body else {
            throw .invalid(.object([("non_field_errors", .array([.string("Expected a list of items but got type \"\(body.pythonTypeName)\".")]))]))
        }
        var ids: [Int] = []
        var errors: [NetBoxJSON] = []
        for item in items {
            if case .int(let id) = item["id"] ?? .null {
                ids.append(id)
                errors.append(.object([]))
            } else if item["id"] == nil || item["id"] == .null {
                errors.append(.object([("id", .array([.string("This field is required.")]))]))
            } else {
                errors.append(.object([("id", .array([.string("A valid integer is required.")]))]))
            }
        }
        guard ids.count == items.count else { throw .invalid(.array(errors)) }
        return ids
    }

    /// `PATCH`/`PUT /api/ipam/ip-addresses/` with `[{"id":…, fields…}]`: all or nothing; unknown ids are skipped.
    mutating func bulkUpdateAddresses(_ context: NetBoxContext) throws(NetBoxFailure) -> NetBoxResponse {
        let ids = try bulkIDs(context.body)
        guard case .array(let items) = context.body else { return .json(200, .array([])) }
        var changes: [Int: NetBoxJSON] = [:]
        for (id, item) in zip(ids, items) {
            changes[id] = .object((item.members ?? []).filter { $0.0 != "id" })
        }
        var updated: [AddressRow] = []
        for existing in database.orderedAddresses() {
            guard let change = changes[existing.id] else { continue }
            switch validateAddress(change, existing: existing, partial: context.method == "PATCH", now: context.now) {
            case .valid(var row):
                row.lastUpdated = context.now
                updated.append(row)
            case .invalid(let body): throw .invalid(body)
            case .serverError(let response): throw NetBoxFailure(response: response)
            }
        }
        for row in updated { database.addresses[row.id] = row }
        let render = renderer(context.request)
        return .json(200, .array(updated.map(render.address)))
    }

    /// `DELETE /api/ipam/ip-addresses/` with `[{"id":…}]`: `204`, unknown ids skipped.
    mutating func bulkDeleteAddresses(_ context: NetBoxContext) throws(NetBoxFailure) -> NetBoxResponse {
        for id in try bulkIDs(context.body) { database.addresses[id] = nil }
        return NetBoxResponse(status: 204, headers: [], body: [])
    }
}
