// Renders rows as NetBox's serializers do: field names and order, nested objects, choice objects, absolute URLs.
import EmulatorSupport
import FoundationEssentials

/// Labels of NetBox's choice values.
enum NetBoxChoices {
    static let addressStatuses: [(String, String)] = [
        ("active", "Active"), ("reserved", "Reserved"), ("deprecated", "Deprecated"), ("dhcp", "DHCP"), ("slaac", "SLAAC"),
    ]
    static let prefixStatuses: [(String, String)] = [
        ("container", "Container"), ("active", "Active"), ("reserved", "Reserved"), ("deprecated", "Deprecated"),
    ]
    static let rangeStatuses: [(String, String)] = [("active", "Active"), ("reserved", "Reserved"), ("deprecated", "Deprecated")]
    static let addressRoles: [(String, String)] = [
        ("loopback", "Loopback"), ("secondary", "Secondary"), ("anycast", "Anycast"), ("vip", "VIP"), ("vrrp", "VRRP"),
        ("hsrp", "HSRP"), ("glbp", "GLBP"), ("carp", "CARP"),
    ]
    /// Roles whose addresses may share an IP (`IPADDRESS_ROLES_NONUNIQUE`).
    static let nonUniqueRoles: Set<String> = ["anycast", "vip", "vrrp", "hsrp", "glbp", "carp"]

    /// `{"value":…,"label":…}`.
    static func object(_ value: String, in choices: [(String, String)]) -> NetBoxJSON {
        let label = choices.first { $0.0 == value }?.1 ?? value
        return .object([("value", .string(value)), ("label", .string(label))])
    }

    static func family(_ ip: NetBoxIP) -> NetBoxJSON {
        .object([("value", .int(ip.family)), ("label", .string(ip.isIPv6 ? "IPv6" : "IPv4"))])
    }
}

/// Turns rows into JSON for one request (links use the request's scheme and host).
struct NetBoxRenderer {
    let database: NetBoxDatabase
    /// `http://127.0.0.1:8000`, from the request.
    let origin: String

    private var hasOwners: Bool { database.version.hasOwners }

    func url(_ resource: NetBoxResource, _ id: Int) -> NetBoxJSON { .string("\(origin)/api/\(resource.path)/\(id)/") }
    func displayURL(_ resource: NetBoxResource, _ id: Int) -> NetBoxJSON { .string("\(origin)/\(resource.path)/\(id)/") }

    // MARK: - Nested objects

    func nestedTag(_ id: Int) -> NetBoxJSON {
        guard let tag = database.tags[id] else { return .null }
        return .object([
            ("id", .int(tag.id)), ("url", url(.tags, tag.id)), ("display_url", displayURL(.tags, tag.id)),
            ("display", .string(tag.name)), ("name", .string(tag.name)), ("slug", .string(tag.slug)), ("color", .string(tag.color)),
        ])
    }

    /// Tags ordered by name, as NetBox lists them.
    func tags(_ ids: [Int]) -> NetBoxJSON {
        .array(ids.compactMap { database.tags[$0] }.sorted { $0.name < $1.name }.map { nestedTag($0.id) })
    }

    func nestedTenant(_ id: Int?) -> NetBoxJSON {
        guard let id, let tenant = database.tenants[id] else { return .null }
        return .object([
            ("id", .int(id)), ("url", url(.tenants, id)), ("display", .string(tenant.name)), ("name", .string(tenant.name)),
            ("slug", .string(tenant.slug)), ("description", .string(tenant.description)),
        ])
    }

    func nestedSite(_ id: Int?) -> NetBoxJSON {
        guard let id, let site = database.sites[id] else { return .null }
        return .object([
            ("id", .int(id)), ("url", url(.sites, id)), ("display", .string(site.name)), ("name", .string(site.name)),
            ("slug", .string(site.slug)), ("description", .string(site.description)),
        ])
    }

    func nestedOwner(_ id: Int?) -> NetBoxJSON {
        guard let id, let owner = database.owners[id] else { return .null }
        return .object([
            ("id", .int(id)), ("url", url(.owners, id)), ("display", .string(owner.name)), ("name", .string(owner.name)),
            ("description", .string(owner.description)),
        ])
    }

    func nestedVRF(_ id: Int?) -> NetBoxJSON {
        guard let id, let vrf = database.vrfs[id] else { return .null }
        return .object([
            ("id", .int(id)), ("url", url(.vrfs, id)), ("display", .string(vrf.name)), ("name", .string(vrf.name)),
            ("rd", .optional(vrf.rd)), ("description", .string("")),
        ])
    }

    /// Every custom field defined for `objectType`, by name, `null` where unset.
    func customFields(_ values: [String: NetBoxJSON], objectType: String) -> NetBoxJSON {
        .object(database.fields(for: objectType).map { ($0.name, values[$0.name] ?? .null) })
    }

    // MARK: - Objects

    func address(_ row: AddressRow) -> NetBoxJSON {
        var members: [(String, NetBoxJSON)] = [
            ("id", .int(row.id)), ("url", url(.ipAddresses, row.id)), ("display_url", displayURL(.ipAddresses, row.id)),
            ("display", .string(row.address.description)), ("family", NetBoxChoices.family(row.address.ip)),
            ("address", .string(row.address.description)), ("vrf", nestedVRF(row.vrfID)), ("tenant", nestedTenant(row.tenantID)),
            ("status", NetBoxChoices.object(row.status, in: NetBoxChoices.addressStatuses)),
            ("role", row.role.map { NetBoxChoices.object($0, in: NetBoxChoices.addressRoles) } ?? .null),
            ("assigned_object_type", .null), ("assigned_object_id", .null), ("assigned_object", .null),
            ("nat_inside", .null), ("nat_outside", .array([])),
            ("dns_name", .string(row.dnsName)), ("description", .string(row.description)),
        ]
        if hasOwners { members.append(("owner", nestedOwner(row.ownerID))) }
        members += [
            ("comments", .string(row.comments)), ("tags", tags(row.tagIDs)),
            ("custom_fields", customFields(row.customFields, objectType: "ipam.ipaddress")),
            ("created", .string(Self.timestamp(row.created))), ("last_updated", .string(Self.timestamp(row.lastUpdated))),
        ]
        return .object(members)
    }

    func prefix(_ row: PrefixRow) -> NetBoxJSON {
        let children = database.prefixes.values.filter {
            $0.id != row.id && $0.vrfID == row.vrfID && row.prefix.contains($0.prefix) && $0.prefix != row.prefix
        }.count
        let depth = database.prefixes.values.filter {
            $0.id != row.id && $0.vrfID == row.vrfID && $0.prefix.contains(row.prefix) && $0.prefix != row.prefix
        }.count
        var members: [(String, NetBoxJSON)] = [
            ("id", .int(row.id)), ("url", url(.prefixes, row.id)), ("display_url", displayURL(.prefixes, row.id)),
            ("display", .string(row.prefix.description)), ("family", NetBoxChoices.family(row.prefix.network)),
            ("prefix", .string(row.prefix.description)), ("vrf", nestedVRF(row.vrfID)),
            ("scope_type", row.siteID == nil ? .null : .string("dcim.site")), ("scope_id", .optional(row.siteID)),
            ("scope", nestedSite(row.siteID)), ("tenant", nestedTenant(row.tenantID)), ("vlan", .null),
            ("status", NetBoxChoices.object(row.status, in: NetBoxChoices.prefixStatuses)), ("role", .null),
            ("is_pool", .bool(row.isPool)), ("mark_utilized", .bool(row.markUtilized)), ("description", .string(row.description)),
        ]
        if hasOwners { members.append(("owner", nestedOwner(row.ownerID))) }
        members += [
            ("comments", .string(row.comments)), ("tags", tags(row.tagIDs)),
            ("custom_fields", customFields(row.customFields, objectType: "ipam.prefix")),
            ("created", .string(Self.timestamp(row.created))), ("last_updated", .string(Self.timestamp(row.lastUpdated))),
            ("children", .int(children)), ("_depth", .int(depth)),
        ]
        return .object(members)
    }

    func range(_ row: RangeRow) -> NetBoxJSON {
        .object([
            ("id", .int(row.id)), ("url", url(.ipRanges, row.id)), ("display_url", displayURL(.ipRanges, row.id)),
            ("display", .string("\(row.start.ip)-\(row.end.ip)/\(row.start.length)")),
            ("family", NetBoxChoices.family(row.start.ip)), ("start_address", .string(row.start.description)),
            ("end_address", .string(row.end.description)), ("size", .int(Int(clamping: row.size))), ("vrf", nestedVRF(row.vrfID)),
            ("tenant", .null), ("status", NetBoxChoices.object(row.status, in: NetBoxChoices.rangeStatuses)), ("role", .null),
            ("description", .string(row.description)), ("comments", .string("")), ("tags", .array([])),
            ("custom_fields", customFields([:], objectType: "ipam.iprange")),
            ("created", .string(Self.timestamp(row.created))), ("last_updated", .string(Self.timestamp(row.lastUpdated))),
            ("mark_populated", .bool(row.markPopulated)), ("mark_utilized", .bool(row.markUtilized)),
        ])
    }

    func tag(_ tag: NetBoxSeed.Tag) -> NetBoxJSON {
        let tagged = database.addresses.values.filter { $0.tagIDs.contains(tag.id) }.count
            + database.prefixes.values.filter { $0.tagIDs.contains(tag.id) }.count
        return .object([
            ("id", .int(tag.id)), ("url", url(.tags, tag.id)), ("display_url", displayURL(.tags, tag.id)),
            ("display", .string(tag.name)), ("name", .string(tag.name)), ("slug", .string(tag.slug)), ("color", .string(tag.color)),
            ("description", .string("")), ("object_types", .array([])), ("tagged_items", .int(tagged)),
        ])
    }

    func customField(_ field: NetBoxSeed.CustomField) -> NetBoxJSON {
        let typeLabel = ["text": "Text", "longtext": "Text (long)", "integer": "Integer", "boolean": "Boolean (true/false)"]
        let dataType = ["text": "string", "longtext": "string", "integer": "integer", "boolean": "boolean"]
        return .object([
            ("id", .int(field.id)), ("url", url(.customFields, field.id)), ("display_url", displayURL(.customFields, field.id)),
            ("display", .string(field.label.isEmpty ? field.name : field.label)),
            ("object_types", .array(field.objectTypes.map(NetBoxJSON.string))),
            ("type", .object([("value", .string(field.type.rawValue)), ("label", .string(typeLabel[field.type.rawValue] ?? ""))])),
            ("data_type", .string(dataType[field.type.rawValue] ?? "string")), ("name", .string(field.name)),
            ("label", .string(field.label)), ("description", .string("")), ("required", .bool(false)), ("unique", .bool(false)),
            ("filter_logic", .object([("value", .string(field.filterLogic.rawValue)), ("label", .string(["exact": "Exact", "loose": "Loose", "disabled": "Disabled"][field.filterLogic.rawValue] ?? ""))])),
        ])
    }

    /// The fields `?brief=true` keeps for each resource.
    static func briefFields(_ resource: NetBoxResource) -> [String] {
        switch resource {
        case .ipAddresses: ["id", "url", "display", "family", "address", "description"]
        case .prefixes: ["id", "url", "display", "family", "prefix", "description", "_depth"]
        case .ipRanges: ["id", "url", "display", "family", "start_address", "end_address", "description"]
        case .tags: ["id", "url", "display", "name", "slug", "color", "description"]
        case .vrfs: ["id", "url", "display", "name", "rd", "description"]
        case .owners, .customFields: ["id", "url", "display", "name", "description"]
        default: ["id", "url", "display", "name", "slug", "description"]
        }
    }

    /// `2026-12-04T23:00:01.061599Z`: UTC with microseconds, as DRF renders `DateTimeField`s.
    static func timestamp(_ date: Date) -> String {
        let micros = Int((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        return CivilDateTime(secondsSinceEpoch: seconds).formatted(separator: "T") + ".\(CivilDateTime.pad(fraction, 6))Z"
    }
}

extension NetBoxJSON {
    /// An object with only the members named in `names`, in the object's own order.
    func keeping(_ names: [String]) -> NetBoxJSON {
        guard case .object(let members) = self else { return self }
        let wanted = Set(names)
        return .object(members.filter { wanted.contains($0.0) })
    }
}
