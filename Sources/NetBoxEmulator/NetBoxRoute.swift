// Splits a request target into an API endpoint (resource, object id, action) and its query parameters.
import EmulatorSupport

/// A kind of object the emulated API serves under `/api/{app}/{collection}/`.
enum NetBoxResource: String, Sendable, CaseIterable {
    case prefixes, ipAddresses, ipRanges, vrfs, tags, customFields, sites, tenants, owners
    /// Endpoints that exist on a real NetBox but hold nothing here: they only answer permission checks and
    /// empty lists.
    case devices, roles, aggregates, rirs, vlans

    /// `app/collection` in the URL.
    var path: String {
        switch self {
        case .prefixes: "ipam/prefixes"
        case .ipAddresses: "ipam/ip-addresses"
        case .ipRanges: "ipam/ip-ranges"
        case .vrfs: "ipam/vrfs"
        case .tags: "extras/tags"
        case .customFields: "extras/custom-fields"
        case .sites: "dcim/sites"
        case .tenants: "tenancy/tenants"
        case .owners: "users/owners"
        case .devices: "dcim/devices"
        case .roles: "ipam/roles"
        case .aggregates: "ipam/aggregates"
        case .rirs: "ipam/rirs"
        case .vlans: "ipam/vlans"
        }
    }

    /// The Django model (`app.model`) permissions are checked on.
    var model: String {
        switch self {
        case .prefixes: "ipam.prefix"
        case .ipAddresses: "ipam.ipaddress"
        case .ipRanges: "ipam.iprange"
        case .vrfs: "ipam.vrf"
        case .tags: "extras.tag"
        case .customFields: "extras.customfield"
        case .sites: "dcim.site"
        case .tenants: "tenancy.tenant"
        case .owners: "users.owner"
        case .devices: "dcim.device"
        case .roles: "ipam.role"
        case .aggregates: "ipam.aggregate"
        case .rirs: "ipam.rir"
        case .vlans: "ipam.vlan"
        }
    }

    /// The model's class name in `No {Name} matches the given query.`
    var className: String {
        switch self {
        case .prefixes: "Prefix"
        case .ipAddresses: "IPAddress"
        case .ipRanges: "IPRange"
        case .vrfs: "VRF"
        case .tags: "Tag"
        case .customFields: "CustomField"
        case .sites: "Site"
        case .tenants: "Tenant"
        case .owners: "Owner"
        case .devices: "Device"
        case .roles: "Role"
        case .aggregates: "Aggregate"
        case .rirs: "RIR"
        case .vlans: "VLAN"
        }
    }
}

/// Which API endpoint a request targets.
enum NetBoxEndpoint: Sendable, Equatable {
    case status
    case list(NetBoxResource)
    case object(NetBoxResource, Int)
    case availableIPs(prefixID: Int)

    /// The methods the endpoint allows, as its `Allow` header lists them.
    var allow: String {
        switch self {
        case .status: "GET, HEAD, OPTIONS"
        case .list: "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"
        case .object: "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
        case .availableIPs: "GET, POST, HEAD, OPTIONS"
        }
    }

    func allows(_ method: String) -> Bool {
        allow.split(separator: ",").contains { $0.trimmingSpaces == method }
    }
}

/// A parsed request target: the endpoint (nil for a path NetBox does not serve), whether the path ended in `/`,
/// and the query parameters in order, percent-decoded.
struct NetBoxRoute: Sendable {
    var path: String
    var endpoint: NetBoxEndpoint?
    var hasTrailingSlash: Bool
    var query: QueryParameters

    init(target: String, version: NetBoxVersion) {
        let pathPart: Substring
        if let mark = target.firstIndex(of: "?") {
            pathPart = target[..<mark]
            query = QueryParameters(String(target[target.index(after: mark)...]))
        } else {
            pathPart = target[...]
            query = QueryParameters("")
        }
        path = String(pathPart)
        hasTrailingSlash = pathPart.hasSuffix("/")
        let segments = pathPart.split(separator: "/").map { PercentDecoding.decode(String($0), plusAsSpace: false) }
        endpoint = Self.endpoint(segments, version: version)
    }

    private static func endpoint(_ segments: [String], version: NetBoxVersion) -> NetBoxEndpoint? {
        guard segments.first == "api", segments.count >= 2 else { return nil }
        if segments.count == 2 { return segments[1] == "status" ? .status : nil }
        let collection = segments[1] + "/" + segments[2]
        guard let resource = NetBoxResource.allCases.first(where: { $0.path == collection }) else { return nil }
        if resource == .owners && !version.hasOwners { return nil }
        switch segments.count {
        case 3: return .list(resource)
        case 4:
            guard let id = Int(segments[3]), id >= 0 else { return nil }
            return .object(resource, id)
        case 5:
            guard resource == .prefixes, segments[4] == "available-ips", let id = Int(segments[3]), id >= 0 else { return nil }
            return .availableIPs(prefixID: id)
        default: return nil
        }
    }

    /// The request-count label: the path with object ids as `{id}`, e.g. `POST /api/ipam/prefixes/{id}/available-ips/`.
    func label(method: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) == nil ? String($0) : "{id}" }
        return "\(method) \(parts.joined(separator: "/"))"
    }

    /// What kind of work the request is, for counts and per-operation latency.
    func operation(method: String) -> NetBoxOperation {
        switch (endpoint, method) {
        case (.availableIPs, "POST"): .allocate
        case (.availableIPs, "GET"), (.availableIPs, "HEAD"): .listAvailable
        case (.list, "GET"), (.list, "HEAD"): .list
        case (.object, "GET"), (.object, "HEAD"): .read
        case (.list, "POST"): .create
        case (.list, "PATCH"), (.list, "PUT"), (.object, "PATCH"), (.object, "PUT"): .update
        case (.list, "DELETE"), (.object, "DELETE"): .delete
        default: .other
        }
    }
}

/// Query parameters in their order, with repeated names kept (Django's `QueryDict`).
struct QueryParameters: Sendable {
    var pairs: [(name: String, value: String)]

    init(_ query: String) {
        pairs = query.split(separator: "&").map { pair in
            let text = String(pair)
            guard let equals = text.firstIndex(of: "=") else { return (PercentDecoding.decode(text, plusAsSpace: true), "") }
            return (
                PercentDecoding.decode(String(text[..<equals]), plusAsSpace: true),
                PercentDecoding.decode(String(text[text.index(after: equals)...]), plusAsSpace: true)
            )
        }
    }

    init(pairs: [(name: String, value: String)]) {
        self.pairs = pairs
    }

    /// Every value given for `name`.
    func values(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// The last value given for `name` (Django's `QueryDict.get`).
    subscript(name: String) -> String? { pairs.last { $0.name == name }?.value }

    /// The distinct names in order of first appearance.
    var names: [String] {
        var seen: Set<String> = []
        return pairs.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }

    /// The query with `name` set to `value` (or removed when nil), sorted by name and encoded like Python's
    /// `urlencode(sorted(...), doseq=True)`, as DRF's `replace_query_param` builds pagination links.
    func replacing(_ changes: [String: String?]) -> String {
        var grouped: [String: [String]] = [:]
        for (name, value) in pairs { grouped[name, default: []].append(value) }
        for (name, value) in changes { grouped[name] = value.map { [$0] } }
        return grouped.keys.sorted().flatMap { name in
            (grouped[name] ?? []).map { "\(Self.quotePlus(name))=\(Self.quotePlus($0))" }
        }.joined(separator: "&")
    }

    /// Python's `quote_plus`: letters, digits and `_.-~` stay, a space becomes `+`, the rest `%XX`.
    static func quotePlus(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: " "): out.append("+")
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
