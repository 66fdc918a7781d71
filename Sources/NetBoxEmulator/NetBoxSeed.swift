// What a fresh emulated NetBox contains (also readable from a JSON file): objects, custom fields, users and tokens.

/// The NetBox release the emulator answers as; the differences are those of `netbox-api.md` §15.
public enum NetBoxVersion: String, Sendable, Codable, Equatable, CaseIterable {
    /// NetBox 4.4.10: v1 tokens only (any `Bearer` header is ignored), no Owner objects, `prefix_length` and
    /// unknown custom fields ignored by available-ips, an invalid address in a create is a 500.
    case v4_4 = "4.4"
    /// NetBox 4.6.8: v1 and v2 tokens, Owner objects, the recorded default.
    case v4_6 = "4.6"

    /// The `API-Version` header and the only version an `Accept: …; version=` may name.
    public var apiVersion: String { rawValue }
    /// `netbox-version` of `/api/status/`.
    var fullVersion: String { self == .v4_4 ? "4.4.10" : "4.6.8" }
    var hasOwners: Bool { self == .v4_6 }
    var hasV2Tokens: Bool { self == .v4_6 }
    /// 4.5+ refuses custom field names that are not defined; 4.4 drops them.
    var refusesUnknownCustomFields: Bool { self == .v4_6 }
    /// 4.6 gives an available-ips address the body's `prefix_length`; 4.4 ignores it.
    var honoursPrefixLength: Bool { self == .v4_6 }
}

/// The starting content of a ``NetBoxEmulator``: sites, tenants, owners, tags, VRFs, custom field definitions,
/// prefixes, IP ranges, IP addresses, users with their object permissions, and API tokens.
///
/// Decodable from JSON (`netbox-emulator --seed FILE`); every key may be left out except `prefixes`, and
/// nested keys default as the initialisers below do. ``example`` is the server `netbox-api.md` describes.
public struct NetBoxSeed: Sendable, Codable, Equatable {
    /// A site (`dcim.site`): a prefix's scope.
    public struct Site: Sendable, Codable, Equatable {
        public var id: Int
        public var name: String
        public var slug: String
        public var description: String
        public init(id: Int, name: String, slug: String? = nil, description: String = "") {
            self.id = id
            self.name = name
            self.slug = slug ?? name
            self.description = description
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try c.decode(Int.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                slug: try c.decodeIfPresent(String.self, forKey: .slug),
                description: try c.decodeIfPresent(String.self, forKey: .description) ?? "")
        }
    }

    /// A tenant (`tenancy.tenant`).
    public typealias Tenant = Site

    /// An Owner (`users.owner`, NetBox 4.5 and later); ignored in 4.4 mode.
    public struct Owner: Sendable, Codable, Equatable {
        public var id: Int
        public var name: String
        public var description: String
        public init(id: Int, name: String, description: String = "") {
            self.id = id
            self.name = name
            self.description = description
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try c.decode(Int.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                description: try c.decodeIfPresent(String.self, forKey: .description) ?? "")
        }
    }

    /// A tag (`extras.tag`).
    public struct Tag: Sendable, Codable, Equatable {
        public var id: Int
        public var name: String
        public var slug: String
        public var color: String
        public init(id: Int, name: String, slug: String? = nil, color: String = "9e9e9e") {
            self.id = id
            self.name = name
            self.slug = slug ?? name
            self.color = color
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try c.decode(Int.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                slug: try c.decodeIfPresent(String.self, forKey: .slug),
                color: try c.decodeIfPresent(String.self, forKey: .color) ?? "9e9e9e")
        }
    }

    /// A VRF (`ipam.vrf`). Addresses and prefixes without one live in the global table.
    public struct VRF: Sendable, Codable, Equatable {
        public var id: Int
        public var name: String
        public var rd: String?
        /// Whether duplicate addresses are refused inside this VRF (`enforce_unique`).
        public var enforceUnique: Bool
        public init(id: Int, name: String, rd: String? = nil, enforceUnique: Bool = true) {
            self.id = id
            self.name = name
            self.rd = rd
            self.enforceUnique = enforceUnique
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try c.decode(Int.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                rd: try c.decodeIfPresent(String.self, forKey: .rd),
                enforceUnique: try c.decodeIfPresent(Bool.self, forKey: .enforceUnique) ?? true)
        }
    }

    /// A custom field definition (`extras.customfield`). Writes naming an undefined field fail as recorded.
    public struct CustomField: Sendable, Codable, Equatable {
        /// The data type; values are checked against it on write.
        public enum FieldType: String, Sendable, Codable, Equatable {
            case text, longtext, integer, boolean
        }
        /// How `?cf_NAME=value` matches: `exact` (case-sensitive equality), `loose` (case-insensitive
        /// substring, NetBox's default) or `disabled` (the filter is ignored).
        public enum FilterLogic: String, Sendable, Codable, Equatable {
            case exact, loose, disabled
        }
        public var id: Int
        public var name: String
        public var type: FieldType
        /// Object types the field applies to, e.g. `ipam.ipaddress`, `ipam.prefix`.
        public var objectTypes: [String]
        public var filterLogic: FilterLogic
        public var label: String
        public init(
            id: Int, name: String, type: FieldType = .text, objectTypes: [String] = ["ipam.ipaddress", "ipam.prefix"],
            filterLogic: FilterLogic = .loose, label: String = ""
        ) {
            self.id = id
            self.name = name
            self.type = type
            self.objectTypes = objectTypes
            self.filterLogic = filterLogic
            self.label = label
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try c.decode(Int.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                type: try c.decodeIfPresent(FieldType.self, forKey: .type) ?? .text,
                objectTypes: try c.decodeIfPresent([String].self, forKey: .objectTypes) ?? ["ipam.ipaddress", "ipam.prefix"],
                filterLogic: try c.decodeIfPresent(FilterLogic.self, forKey: .filterLogic) ?? .loose,
                label: try c.decodeIfPresent(String.self, forKey: .label) ?? "")
        }
    }

    /// A prefix (`ipam.prefix`) that available-ips allocates from.
    public struct Prefix: Sendable, Codable, Equatable {
        public var id: Int
        /// CIDR, e.g. `192.168.110.0/24` or `fd00:110::/64`.
        public var prefix: String
        public var vrfID: Int?
        /// The site the prefix is scoped to (`scope_type` `dcim.site`).
        public var siteID: Int?
        public var tenantID: Int?
        public var ownerID: Int?
        /// `container`, `active`, `reserved` or `deprecated`.
        public var status: String
        /// A pool offers its network and broadcast addresses too.
        public var isPool: Bool
        public var markUtilized: Bool
        public var description: String
        /// Tag slugs.
        public var tags: [String]
        public var customFields: [String: String]
        public init(
            id: Int, prefix: String, vrfID: Int? = nil, siteID: Int? = nil, tenantID: Int? = nil, ownerID: Int? = nil,
            status: String = "active", isPool: Bool = false, markUtilized: Bool = false, description: String = "",
            tags: [String] = [], customFields: [String: String] = [:]
        ) {
            self.id = id
            self.prefix = prefix
            self.vrfID = vrfID
            self.siteID = siteID
            self.tenantID = tenantID
            self.ownerID = ownerID
            self.status = status
            self.isPool = isPool
            self.markUtilized = markUtilized
            self.description = description
            self.tags = tags
            self.customFields = customFields
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try c.decode(Int.self, forKey: .id), prefix: try c.decode(String.self, forKey: .prefix),
                vrfID: try c.decodeIfPresent(Int.self, forKey: .vrfID), siteID: try c.decodeIfPresent(Int.self, forKey: .siteID),
                tenantID: try c.decodeIfPresent(Int.self, forKey: .tenantID),
                ownerID: try c.decodeIfPresent(Int.self, forKey: .ownerID),
                status: try c.decodeIfPresent(String.self, forKey: .status) ?? "active",
                isPool: try c.decodeIfPresent(Bool.self, forKey: .isPool) ?? false,
                markUtilized: try c.decodeIfPresent(Bool.self, forKey: .markUtilized) ?? false,
                description: try c.decodeIfPresent(String.self, forKey: .description) ?? "",
                tags: try c.decodeIfPresent([String].self, forKey: .tags) ?? [],
                customFields: try c.decodeIfPresent([String: String].self, forKey: .customFields) ?? [:])
        }
    }

    /// An IP range (`ipam.iprange`); with `markPopulated` its addresses are never offered by available-ips.
    public struct IPRange: Sendable, Codable, Equatable {
        public var id: Int
        /// First address with mask, e.g. `192.168.112.2/29`.
        public var startAddress: String
        /// Last address with mask.
        public var endAddress: String
        public var vrfID: Int?
        /// `active`, `reserved` or `deprecated`.
        public var status: String
        public var markPopulated: Bool
        public var markUtilized: Bool
        public var description: String
        public init(
            id: Int, startAddress: String, endAddress: String, vrfID: Int? = nil, status: String = "active",
            markPopulated: Bool = false, markUtilized: Bool = false, description: String = ""
        ) {
            self.id = id
            self.startAddress = startAddress
            self.endAddress = endAddress
            self.vrfID = vrfID
            self.status = status
            self.markPopulated = markPopulated
            self.markUtilized = markUtilized
            self.description = description
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try c.decode(Int.self, forKey: .id), startAddress: try c.decode(String.self, forKey: .startAddress),
                endAddress: try c.decode(String.self, forKey: .endAddress), vrfID: try c.decodeIfPresent(Int.self, forKey: .vrfID),
                status: try c.decodeIfPresent(String.self, forKey: .status) ?? "active",
                markPopulated: try c.decodeIfPresent(Bool.self, forKey: .markPopulated) ?? false,
                markUtilized: try c.decodeIfPresent(Bool.self, forKey: .markUtilized) ?? false,
                description: try c.decodeIfPresent(String.self, forKey: .description) ?? "")
        }
    }

    /// An IP address object (`ipam.ipaddress`).
    public struct Address: Sendable, Codable, Equatable {
        public var id: Int
        /// Address with mask, e.g. `192.168.110.1/24`.
        public var address: String
        public var vrfID: Int?
        public var tenantID: Int?
        public var ownerID: Int?
        /// `active`, `reserved`, `deprecated`, `dhcp` or `slaac`.
        public var status: String
        /// nil, or `loopback`, `secondary`, `anycast`, `vip`, `vrrp`, `hsrp`, `glbp`, `carp`.
        public var role: String?
        public var dnsName: String
        public var description: String
        /// Tag slugs.
        public var tags: [String]
        public var customFields: [String: String]
        public init(
            id: Int, address: String, vrfID: Int? = nil, tenantID: Int? = nil, ownerID: Int? = nil, status: String = "active",
            role: String? = nil, dnsName: String = "", description: String = "", tags: [String] = [],
            customFields: [String: String] = [:]
        ) {
            self.id = id
            self.address = address
            self.vrfID = vrfID
            self.tenantID = tenantID
            self.ownerID = ownerID
            self.status = status
            self.role = role
            self.dnsName = dnsName
            self.description = description
            self.tags = tags
            self.customFields = customFields
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try c.decode(Int.self, forKey: .id), address: try c.decode(String.self, forKey: .address),
                vrfID: try c.decodeIfPresent(Int.self, forKey: .vrfID), tenantID: try c.decodeIfPresent(Int.self, forKey: .tenantID),
                ownerID: try c.decodeIfPresent(Int.self, forKey: .ownerID),
                status: try c.decodeIfPresent(String.self, forKey: .status) ?? "active",
                role: try c.decodeIfPresent(String.self, forKey: .role),
                dnsName: try c.decodeIfPresent(String.self, forKey: .dnsName) ?? "",
                description: try c.decodeIfPresent(String.self, forKey: .description) ?? "",
                tags: try c.decodeIfPresent([String].self, forKey: .tags) ?? [],
                customFields: try c.decodeIfPresent([String: String].self, forKey: .customFields) ?? [:])
        }
    }

    /// A user and its object permissions, in Django's `app.action_model` form (`ipam.add_ipaddress`).
    public struct User: Sendable, Codable, Equatable {
        public var username: String
        /// A superuser holds every permission.
        public var isSuperuser: Bool
        public var permissions: [String]
        public init(username: String, isSuperuser: Bool = false, permissions: [String] = []) {
            self.username = username
            self.isSuperuser = isSuperuser
            self.permissions = permissions
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                username: try c.decode(String.self, forKey: .username),
                isSuperuser: try c.decodeIfPresent(Bool.self, forKey: .isSuperuser) ?? false,
                permissions: try c.decodeIfPresent([String].self, forKey: .permissions) ?? [])
        }
    }

    /// An API token of a user.
    public struct Token: Sendable, Codable, Equatable {
        /// The token's format.
        public enum Version: Int, Sendable, Codable, Equatable {
            /// `Authorization: Token <40 chars>`.
            case v1 = 1
            /// `Authorization: Bearer nbt_<key>.<secret>` (NetBox 4.5 and later).
            case v2 = 2
        }
        public var version: Version
        /// The v2 key (12 characters); nil for v1.
        public var key: String?
        /// The v1 token, or the v2 secret (40 characters).
        public var secret: String
        public var username: String
        /// A read-only token (`write_enabled=false`) gets 403 on every write.
        public var writeEnabled: Bool
        public init(version: Version = .v1, key: String? = nil, secret: String, username: String, writeEnabled: Bool = true) {
            self.version = version
            self.key = key
            self.secret = secret
            self.username = username
            self.writeEnabled = writeEnabled
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                version: try c.decodeIfPresent(Version.self, forKey: .version) ?? .v1,
                key: try c.decodeIfPresent(String.self, forKey: .key), secret: try c.decode(String.self, forKey: .secret),
                username: try c.decode(String.self, forKey: .username),
                writeEnabled: try c.decodeIfPresent(Bool.self, forKey: .writeEnabled) ?? true)
        }

        /// The value of the `Authorization` header that presents this token: `Token …` or `Bearer nbt_….…`.
        public var authorization: String {
            version == .v1 ? "Token \(secret)" : "Bearer nbt_\(key ?? "").\(secret)"
        }
    }

    /// The release the server answers as (4.6 by default).
    public var version: NetBoxVersion
    /// Sites prefixes may be scoped to.
    public var sites: [Site]
    /// Tenants objects may name.
    public var tenants: [Tenant]
    /// Owners objects may name (4.6 only).
    public var owners: [Owner]
    /// Tags, referenced by slug from prefixes and addresses.
    public var tags: [Tag]
    /// VRFs; prefixes and addresses without one are in the global table.
    public var vrfs: [VRF]
    /// Custom field definitions; writes naming others fail as recorded.
    public var customFields: [CustomField]
    /// Prefixes with their ids.
    public var prefixes: [Prefix]
    /// IP ranges (those marked populated are never offered by available-ips).
    public var ipRanges: [IPRange]
    /// Existing IP-address objects (gateways, reserved addresses, others' addresses).
    public var addresses: [Address]
    /// Users and their object permissions.
    public var users: [User]
    /// API tokens of those users.
    public var tokens: [Token]

    public init(
        version: NetBoxVersion = .v4_6, sites: [Site] = [], tenants: [Tenant] = [], owners: [Owner] = [], tags: [Tag] = [],
        vrfs: [VRF] = [], customFields: [CustomField] = [], prefixes: [Prefix], ipRanges: [IPRange] = [],
        addresses: [Address] = [], users: [User] = [], tokens: [Token] = []
    ) {
        self.version = version
        self.sites = sites
        self.tenants = tenants
        self.owners = owners
        self.tags = tags
        self.vrfs = vrfs
        self.customFields = customFields
        self.prefixes = prefixes
        self.ipRanges = ipRanges
        self.addresses = addresses
        self.users = users
        self.tokens = tokens
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            version: try c.decodeIfPresent(NetBoxVersion.self, forKey: .version) ?? .v4_6,
            sites: try c.decodeIfPresent([Site].self, forKey: .sites) ?? [],
            tenants: try c.decodeIfPresent([Tenant].self, forKey: .tenants) ?? [],
            owners: try c.decodeIfPresent([Owner].self, forKey: .owners) ?? [],
            tags: try c.decodeIfPresent([Tag].self, forKey: .tags) ?? [],
            vrfs: try c.decodeIfPresent([VRF].self, forKey: .vrfs) ?? [],
            customFields: try c.decodeIfPresent([CustomField].self, forKey: .customFields) ?? [],
            prefixes: try c.decode([Prefix].self, forKey: .prefixes),
            ipRanges: try c.decodeIfPresent([IPRange].self, forKey: .ipRanges) ?? [],
            addresses: try c.decodeIfPresent([Address].self, forKey: .addresses) ?? [],
            users: try c.decodeIfPresent([User].self, forKey: .users) ?? [],
            tokens: try c.decodeIfPresent([Token].self, forKey: .tokens) ?? [])
    }
}

// MARK: - The recorded server

extension NetBoxSeed {
    /// `NETBOX_TOKEN`: v1, user `iks`, write enabled.
    public static let exampleToken = Token(secret: "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567", username: "iks")
    /// `NETBOX_RO_TOKEN`: v1, user `iks`, `write_enabled=false`.
    public static let exampleReadOnlyToken = Token(
        secret: "f0e1d2c3b4a5968778695a4b3c2d1e0f76543210", username: "iks", writeEnabled: false)
    /// `NETBOX_ADMIN_TOKEN`: v1, superuser `admin`.
    public static let exampleAdminToken = Token(secret: "adadadadadadadadadadadadadadadadadadadad", username: "admin")
    /// `NETBOX_TOKEN_V2`: v2, user `iks`, write enabled.
    public static let exampleTokenV2 = Token(
        version: .v2, key: "ovlK3yIks001", secret: "S3cretOverlayIks0000000000000000000000001", username: "iks")
    /// `NETBOX_RO_TOKEN_V2`: v2, user `iks`, read-only.
    public static let exampleReadOnlyTokenV2 = Token(
        version: .v2, key: "ovlK3yIksR02", secret: "S3cretOverlayIksReadOnly0000000000000002", username: "iks",
        writeEnabled: false)

    /// User `iks`'s object permissions on the recorded server: view/add/change/delete on
    /// ipam.{prefix, ipaddress, iprange, vrf, role, aggregate, rir} and extras.tag; view on dcim.site,
    /// tenancy.tenant and users.owner.
    public static let exampleUserPermissions: [String] = {
        var permissions: [String] = []
        let writable = ["ipam.prefix", "ipam.ipaddress", "ipam.iprange", "ipam.vrf", "ipam.role", "ipam.aggregate", "ipam.rir", "extras.tag"]
        for model in writable {
            let (app, name) = NetBoxSeed.split(model)
            for action in ["view", "add", "change", "delete"] { permissions.append("\(app).\(action)_\(name)") }
        }
        permissions += ["dcim.view_site", "tenancy.view_tenant", "users.view_owner"]
        return permissions
    }()

    static func split(_ model: String) -> (String, String) {
        let parts = model.split(separator: ".", maxSplits: 1).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }

    /// The seeded server of `netbox-api.md`: tag `overlay` (1), tenant `iks` (1), owner `iks-overlay` (1), sites
    /// `dal10` (1) and `dal12` (2); custom field `owner_cluster` (text, exact); prefixes 1 = 192.168.110.0/24
    /// (dal10), 2 = 192.168.111.0/28 (dal12), 3 = fd00:110::/64 (dal10), all active, tagged, tenant `iks`,
    /// owner `iks-overlay`; addresses 1 = 192.168.110.1/24 (gateway), 2 = 192.168.110.10/24 (reserved),
    /// 3 = 192.168.111.1/28 (gateway), 4 = fd00:110::1/64 (gateway); users `iks` and `admin` with the five
    /// example tokens.
    public static let example = NetBoxSeed(
        sites: [
            Site(id: 1, name: "dal10", description: "test site dal10"),
            Site(id: 2, name: "dal12", description: "test site dal12"),
        ],
        tenants: [Tenant(id: 1, name: "iks", description: "test tenant: IKS overlay")],
        owners: [Owner(id: 1, name: "iks-overlay", description: "test owner: IKS overlay IP allocator")],
        tags: [Tag(id: 1, name: "overlay", color: "2196f3")],
        customFields: [CustomField(id: 1, name: "owner_cluster", filterLogic: .exact)],
        prefixes: [
            Prefix(
                id: 1, prefix: "192.168.110.0/24", siteID: 1, tenantID: 1, ownerID: 1,
                description: "netbox-real prefix A (dal10)", tags: ["overlay"]),
            Prefix(
                id: 2, prefix: "192.168.111.0/28", siteID: 2, tenantID: 1, ownerID: 1,
                description: "netbox-real prefix B (dal12)", tags: ["overlay"]),
            Prefix(
                id: 3, prefix: "fd00:110::/64", siteID: 1, tenantID: 1, ownerID: 1,
                description: "netbox-real prefix C (dal10, IPv6)", tags: ["overlay"]),
        ],
        addresses: [
            Address(id: 1, address: "192.168.110.1/24", dnsName: "gw-110.iks.test", description: "gateway"),
            Address(id: 2, address: "192.168.110.10/24", status: "reserved", description: "reserved"),
            Address(id: 3, address: "192.168.111.1/28", description: "gateway"),
            Address(id: 4, address: "fd00:110::1/64", description: "gateway"),
        ],
        users: [
            User(username: "iks", permissions: exampleUserPermissions),
            User(username: "admin", isSuperuser: true),
        ],
        tokens: [exampleToken, exampleReadOnlyToken, exampleAdminToken, exampleTokenV2, exampleReadOnlyTokenV2])
}
