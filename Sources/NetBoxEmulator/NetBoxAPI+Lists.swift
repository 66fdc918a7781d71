// Reading: list endpoints with their filters, single objects, and limit/offset pagination with absolute links.

extension NetBoxAPI {
    /// `GET /api/{app}/{collection}/`: filtered, ordered, paginated.
    func list(_ resource: NetBoxResource, _ context: NetBoxContext) throws(NetBoxFailure) -> NetBoxJSON {
        let render = renderer(context.request)
        let query = context.query
        let items: [NetBoxJSON]
        switch resource {
        case .ipAddresses: items = try filteredAddresses(query).map(render.address)
        case .prefixes: items = try filteredPrefixes(query).map(render.prefix)
        case .ipRanges: items = try filteredRanges(query).map(render.range)
        case .tags:
            var set = FilterSet(database.tags.values.sorted { $0.name < $1.name }, query: query)
            set.integer("id") { $0.id }
            set.text("name") { $0.name }
            set.text("slug") { $0.slug }
            items = try set.result().map(render.tag)
        case .customFields:
            var set = FilterSet(database.customFields, query: query)
            set.integer("id") { $0.id }
            set.text("name") { $0.name }
            set.text("object_type") { $0.objectTypes.joined(separator: ",") }
            items = try set.result().map(render.customField)
        case .sites, .tenants:
            let table = resource == .sites ? database.sites : database.tenants
            var set = FilterSet(table.values.sorted { $0.name < $1.name }, query: query)
            set.integer("id") { $0.id }
            set.text("name") { $0.name }
            set.text("slug") { $0.slug }
            items = try set.result().map { resource == .sites ? render.nestedSite($0.id) : render.nestedTenant($0.id) }
        case .owners:
            var set = FilterSet(database.owners.values.sorted { $0.name < $1.name }, query: query)
            set.integer("id") { $0.id }
            set.text("name") { $0.name }
            items = try set.result().map { render.nestedOwner($0.id) }
        case .vrfs:
            var set = FilterSet(database.vrfs.values.sorted { $0.name < $1.name }, query: query)
            set.integer("id") { $0.id }
            set.text("name") { $0.name }
            items = try set.result().map { render.nestedVRF($0.id) }
        case .devices, .roles, .aggregates, .rirs, .vlans:
            items = []
        }
        return paginate(items.map { shape($0, resource, query) }, context)
    }

    /// `GET /api/{app}/{collection}/{id}/`.
    func object(_ resource: NetBoxResource, id: Int, request: NetBoxRequest) throws(NetBoxFailure) -> NetBoxJSON {
        let render = renderer(request)
        let query = NetBoxRoute(target: request.target, version: version).query
        let item: NetBoxJSON?
        switch resource {
        case .ipAddresses: item = database.addresses[id].map(render.address)
        case .prefixes: item = database.prefixes[id].map(render.prefix)
        case .ipRanges: item = database.ranges[id].map(render.range)
        case .tags: item = database.tags[id].map(render.tag)
        case .customFields: item = database.customFields.first { $0.id == id }.map(render.customField)
        case .sites: item = database.sites[id] == nil ? nil : render.nestedSite(id)
        case .tenants: item = database.tenants[id] == nil ? nil : render.nestedTenant(id)
        case .owners: item = database.owners[id] == nil ? nil : render.nestedOwner(id)
        case .vrfs: item = database.vrfs[id] == nil ? nil : render.nestedVRF(id)
        case .devices, .roles, .aggregates, .rirs, .vlans: item = nil
        }
        guard let item else { throw .notFound(resource) }
        return shape(item, resource, query)
    }

    /// Applies `?brief=true` and `?fields=a,b` to one rendered object.
    func shape(_ item: NetBoxJSON, _ resource: NetBoxResource, _ query: QueryParameters) -> NetBoxJSON {
        if let fields = query["fields"], !fields.isEmpty {
            return item.keeping(fields.split(separator: ",").map(\.trimmingSpaces))
        }
        if let brief = query["brief"]?.lowercased(), ["true", "1", "yes", "on"].contains(brief) {
            return item.keeping(NetBoxRenderer.briefFields(resource))
        }
        return item
    }

    // MARK: - Pagination

    /// `{"count","next","previous","results"}` with NetBox's limit rules: default 50, `limit=0` means
    /// MAX_PAGE_SIZE (1000), larger limits are capped at 1000, a negative or non-numeric limit is the default;
    /// links are absolute with the query sorted by name, as DRF's `replace_query_param` writes them.
    func paginate(_ items: [NetBoxJSON], _ context: NetBoxContext) -> NetBoxJSON {
        let query = context.query
        var limit = NetBoxDatabase.paginateCount
        if let text = query["limit"], let value = Int(text), value >= 0 {
            limit = value == 0 ? NetBoxDatabase.maxPageSize : min(value, NetBoxDatabase.maxPageSize)
        }
        var offset = 0
        if let text = query["offset"], let value = Int(text), value >= 0 { offset = value }
        let count = items.count
        let page = offset < count ? Array(items[offset..<min(count, offset + limit)]) : []
        let base = context.request.origin + context.route.path + "?"
        var next = NetBoxJSON.null
        if offset + limit < count {
            next = .string(base + query.replacing(["limit": String(limit), "offset": String(offset + limit)]))
        }
        var previous = NetBoxJSON.null
        if offset > 0 {
            let changes: [String: String?] = offset - limit <= 0 ? ["limit": String(limit), "offset": nil] : ["limit": String(limit), "offset": String(offset - limit)]
            previous = .string(base + query.replacing(changes))
        }
        return .object([("count", .int(count)), ("next", next), ("previous", previous), ("results", .array(page))])
    }

    // MARK: - Filters per resource

    /// Resolvers from a filter value to an object id.
    private func tagBySlug(_ slug: String) -> Int? { database.tags.values.first { $0.slug == slug }?.id }
    private func tenantBySlug(_ slug: String) -> Int? { database.tenants.values.first { $0.slug == slug }?.id }
    private func siteBySlug(_ slug: String) -> Int? { database.sites.values.first { $0.slug == slug }?.id }
    private func ownerByName(_ name: String) -> Int? { database.owners.values.first { $0.name == name }?.id }
    private func existing<V>(_ table: [Int: V]) -> (String) -> Int? {
        { text in Int(text).flatMap { table[$0] == nil ? nil : $0 } }
    }

    /// The filters prefixes and addresses share: `tag`/`tag_id` (every value required), `tenant`/`tenant_id`,
    /// `owner`/`owner_id` (4.6 only; 4.4 ignores them) and `vrf_id` (`null` for the global table).
    private func markFilters<Row>(
        _ set: inout FilterSet<Row>, tags: (Row) -> [Int], tenant: (Row) -> Int?, owner: (Row) -> Int?, vrf: (Row) -> Int?
    ) {
        set.related("tag", conjoined: true, resolve: tagBySlug, tags)
        set.related("tag_id", conjoined: true, resolve: existing(database.tags), tags)
        set.related("tenant", resolve: tenantBySlug) { tenant($0).map { [$0] } ?? [] }
        set.related("tenant_id", resolve: existing(database.tenants)) { tenant($0).map { [$0] } ?? [] }
        if version.hasOwners {
            set.related("owner", resolve: ownerByName) { owner($0).map { [$0] } ?? [] }
            set.related("owner_id", resolve: existing(database.owners)) { owner($0).map { [$0] } ?? [] }
        }
        set.related("vrf_id", resolve: existing(database.vrfs)) { vrf($0).map { [$0] } ?? [] }
    }

    /// The filters NetBox's IPAddressFilterSet has that the emulator knows (netbox-api.md §10), in inet order.
    func filteredAddresses(_ query: QueryParameters) throws(NetBoxFailure) -> [AddressRow] {
        var set = FilterSet(database.orderedAddresses(), query: query)
        set.integer("id") { $0.id }
        if let q = query["q"]?.trimmingSpaces, !q.isEmpty {
            let needle = q.lowercased()
            set.rows = set.rows.filter {
                $0.dnsName.lowercased().contains(needle) || $0.description.lowercased().contains(needle)
                    || $0.address.description.lowercased().hasPrefix(needle)
            }
        }
        let parents = query.values("parent").filter { !$0.isEmpty }
        if !parents.isEmpty {
            let networks = parents.map { NetBoxPrefix(cidr: $0.contains("/") ? $0 : $0 + "/\($0.contains(":") ? 128 : 32)") }
            if networks.contains(where: { $0 == nil }) {
                set.rows = []
            } else {
                let valid = networks.compactMap { $0 }
                set.rows = set.rows.filter { row in valid.contains { $0.contains(row.address.ip) } }
            }
        }
        let addresses = query.values("address").filter { !$0.isEmpty }
        if !addresses.isEmpty {
            // With a mask the whole interface must match; without one, the host (any mask). Invalid: nothing.
            var matchers: [(AddressRow) -> Bool] = []
            var invalid = false
            for text in addresses {
                if text.contains("/") {
                    if let interface = NetBoxInterface(text) { matchers.append { $0.address == interface } } else { invalid = true }
                } else if let ip = NetBoxIP(text) {
                    matchers.append { $0.address.ip == ip }
                } else {
                    invalid = true
                }
            }
            set.rows = invalid ? [] : set.rows.filter { row in matchers.contains { $0(row) } }
        }
        set.integer("family") { $0.address.ip.family }
        set.integer("mask_length") { $0.address.length }
        set.choice("status", choices: NetBoxChoices.addressStatuses) { $0.status }
        set.choice("role", choices: NetBoxChoices.addressRoles) { $0.role }
        set.text("dns_name") { $0.dnsName }
        set.text("description") { $0.description }
        markFilters(&set, tags: \.tagIDs, tenant: \.tenantID, owner: \.ownerID, vrf: \.vrfID)
        if let present = query["present_in_vrf_id"], !present.isEmpty {
            if let id = Int(present), database.vrfs[id] != nil {
                set.rows = set.rows.filter { $0.vrfID == id }
            } else {
                set.fail("present_in_vrf_id", "Select a valid choice. That choice is not one of the available choices.")
            }
        }
        set.customFields(database.fields(for: "ipam.ipaddress")) { $0.customFields }
        return try set.result()
    }

    /// The prefix filters of netbox-api.md §4, ordered by VRF (global first), prefix and id.
    func filteredPrefixes(_ query: QueryParameters) throws(NetBoxFailure) -> [PrefixRow] {
        let ordered = database.prefixes.values.sorted { lhs, rhs in
            if lhs.vrfID != rhs.vrfID { return (lhs.vrfID ?? -1) < (rhs.vrfID ?? -1) }
            let (left, right) = (NetBoxInterface(ip: lhs.prefix.network, length: lhs.prefix.length), NetBoxInterface(ip: rhs.prefix.network, length: rhs.prefix.length))
            if left == right { return lhs.id < rhs.id }
            return NetBoxInterface.postgresOrder(left, right)
        }
        var set = FilterSet(ordered, query: query)
        set.integer("id") { $0.id }
        if let q = query["q"]?.trimmingSpaces, !q.isEmpty {
            let needle = q.lowercased()
            let network = NetBoxPrefix(cidr: q.contains("/") ? q : q + "/\(q.contains(":") ? 128 : 32)")
            set.rows = set.rows.filter { row in
                row.description.lowercased().contains(needle) || row.prefix.description.contains(q)
                    || network.map { row.prefix.contains($0) } ?? false
            }
        }
        let prefixes = query.values("prefix").filter { !$0.isEmpty }
        if !prefixes.isEmpty {
            let wanted = prefixes.compactMap { NetBoxPrefix(cidr: $0) }
            set.rows = set.rows.filter { wanted.contains($0.prefix) }
        }
        for (name, orEqual) in [("within", false), ("within_include", true)] {
            guard let text = query[name], !text.isEmpty else { continue }
            guard let outer = NetBoxPrefix(cidr: text) else {
                set.rows = []
                continue
            }
            set.rows = set.rows.filter { outer.contains($0.prefix) && (orEqual || outer != $0.prefix) }
        }
        if let text = query["contains"], !text.isEmpty {
            if let inner = text.contains("/") ? NetBoxPrefix(cidr: text) : NetBoxIP(text).map({ NetBoxPrefix(network: $0, length: $0.bitCount) }) {
                set.rows = set.rows.filter { $0.prefix.contains(inner) }
            } else {
                set.rows = []
            }
        }
        set.integer("family") { $0.prefix.network.family }
        set.integer("mask_length") { $0.prefix.length }
        set.choice("status", choices: NetBoxChoices.prefixStatuses) { $0.status }
        set.boolean("is_pool") { $0.isPool }
        set.boolean("mark_utilized") { $0.markUtilized }
        set.text("description") { $0.description }
        set.related("site", resolve: siteBySlug) { $0.siteID.map { [$0] } ?? [] }
        set.related("site_id", resolve: existing(database.sites)) { $0.siteID.map { [$0] } ?? [] }
        markFilters(&set, tags: \.tagIDs, tenant: \.tenantID, owner: \.ownerID, vrf: \.vrfID)
        set.customFields(database.fields(for: "ipam.prefix")) { $0.customFields }
        return try set.result()
    }

    /// IP range filters: id, status, VRF, family, `parent` (ranges inside a prefix), description, flags.
    func filteredRanges(_ query: QueryParameters) throws(NetBoxFailure) -> [RangeRow] {
        var set = FilterSet(database.ranges.values.sorted { ($0.start.ip, $0.id) < ($1.start.ip, $1.id) }, query: query)
        set.integer("id") { $0.id }
        set.integer("family") { $0.start.ip.family }
        set.choice("status", choices: NetBoxChoices.rangeStatuses) { $0.status }
        set.boolean("mark_populated") { $0.markPopulated }
        set.boolean("mark_utilized") { $0.markUtilized }
        set.text("description") { $0.description }
        set.related("vrf_id", resolve: existing(database.vrfs)) { $0.vrfID.map { [$0] } ?? [] }
        let parents = query.values("parent").compactMap { NetBoxPrefix(cidr: $0) }
        if !parents.isEmpty {
            set.rows = set.rows.filter { row in parents.contains { $0.contains(row.start.ip) && $0.contains(row.end.ip) } }
        }
        return try set.result()
    }
}
