// The small description the emulator's database is seeded from (also readable from a JSON file).

/// What a fresh emulated phpIPAM contains: sections, subnets with their gateway and reserved rows, apps,
/// users and custom fields.
///
/// Decodable from JSON so `phpipam-emulator --seed FILE` can load one; every key but `subnets`, `apps` and
/// `users` may be left out.
public struct PhpIPAMSeed: Sendable, Codable, Equatable {
    /// A section: the container subnets live in.
    public struct Section: Sendable, Codable, Equatable {
        public var id: Int
        public var name: String
        public init(id: Int, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// A subnet and the rows it starts with.
    public struct Subnet: Sendable, Codable, Equatable {
        public var id: Int
        public var sectionID: Int
        /// The subnet in CIDR form, e.g. `192.168.100.0/24` or `fd00:100::/64`.
        public var cidr: String
        public var description: String
        /// The gateway, stored as an address row with `is_gateway=1`; nil leaves the subnet without one.
        public var gateway: String?
        /// Addresses stored as rows with tag 3 (Reserved).
        public var reserved: [String]
        /// Whether the subnet is flagged `isFull=1`.
        public var isFull: Bool

        public init(
            id: Int, sectionID: Int = 3, cidr: String, description: String = "", gateway: String?,
            reserved: [String] = [], isFull: Bool = false
        ) {
            self.id = id
            self.sectionID = sectionID
            self.cidr = cidr
            self.description = description
            self.gateway = gateway
            self.reserved = reserved
            self.isFull = isFull
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(Int.self, forKey: .id)
            sectionID = try container.decodeIfPresent(Int.self, forKey: .sectionID) ?? 3
            cidr = try container.decode(String.self, forKey: .cidr)
            description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
            gateway = try container.decodeIfPresent(String.self, forKey: .gateway)
            reserved = try container.decodeIfPresent([String].self, forKey: .reserved) ?? []
            isFull = try container.decodeIfPresent(Bool.self, forKey: .isFull) ?? false
        }
    }

    /// How an app authenticates, as in phpIPAM's API settings.
    public enum AppSecurity: String, Sendable, Codable, Equatable {
        /// User + password give a token; plain HTTP is refused (`503 SSL connection is required for API`).
        case sslToken = "ssl_token"
        /// Plain HTTP is allowed, but a token is still required.
        case none
    }

    /// What an app may do (phpIPAM `app_permissions`).
    public enum AppPermissions: Int, Sendable, Codable, Equatable {
        /// Every call gets `503 Application disabled`.
        case disabled = 0
        /// Writes get `401 invalid permissions`.
        case readOnly = 1
        case readWrite = 2
        case admin = 3
    }

    /// An API application.
    public struct App: Sendable, Codable, Equatable {
        public var id: String
        public var security: AppSecurity
        public var permissions: AppPermissions
        public init(id: String, security: AppSecurity, permissions: AppPermissions = .readWrite) {
            self.id = id
            self.security = security
            self.permissions = permissions
        }
    }

    /// A phpIPAM user.
    public struct User: Sendable, Codable, Equatable {
        public var username: String
        public var password: String
        public var disabled: Bool
        /// A token the user already holds at start (valid 6 h from the seed time): for `none` apps.
        public var token: String?

        public init(username: String, password: String, disabled: Bool = false, token: String? = nil) {
            self.username = username
            self.password = password
            self.disabled = disabled
            self.token = token
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            username = try container.decode(String.self, forKey: .username)
            password = try container.decode(String.self, forKey: .password)
            disabled = try container.decodeIfPresent(Bool.self, forKey: .disabled) ?? false
            token = try container.decodeIfPresent(String.self, forKey: .token)
        }
    }

    /// An address custom field (a non-standard column of `ipaddresses`).
    public struct CustomField: Sendable, Codable, Equatable {
        public var name: String
        public var type: String
        public var comment: String
        public init(name: String, type: String = "varchar(128)", comment: String = "") {
            self.name = name
            self.type = type
            self.comment = comment
        }
    }

    public var sections: [Section]
    public var subnets: [Subnet]
    public var apps: [App]
    public var users: [User]
    public var customFields: [CustomField]
    /// `settings.link_field`: the field `addresses/search_linked/` matches on.
    public var linkField: String?
    /// `trust_x_forwarded_headers`: whether `X-Forwarded-Proto: https` counts as HTTPS.
    public var trustXForwardedHeaders: Bool
    /// Whether the API is enabled in the settings (`503 API server disabled` when not).
    public var apiEnabled: Bool
    /// The id the first address row gets.
    public var firstAddressID: Int

    public init(
        sections: [Section] = [Section(id: 3, name: "iks")], subnets: [Subnet], apps: [App], users: [User],
        customFields: [CustomField] = [], linkField: String? = nil, trustXForwardedHeaders: Bool = false,
        apiEnabled: Bool = true, firstAddressID: Int = 11
    ) {
        self.sections = sections
        self.subnets = subnets
        self.apps = apps
        self.users = users
        self.customFields = customFields
        self.linkField = linkField
        self.trustXForwardedHeaders = trustXForwardedHeaders
        self.apiEnabled = apiEnabled
        self.firstAddressID = firstAddressID
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sections = try container.decodeIfPresent([Section].self, forKey: .sections) ?? [Section(id: 3, name: "iks")]
        subnets = try container.decode([Subnet].self, forKey: .subnets)
        apps = try container.decode([App].self, forKey: .apps)
        users = try container.decode([User].self, forKey: .users)
        customFields = try container.decodeIfPresent([CustomField].self, forKey: .customFields) ?? []
        linkField = try container.decodeIfPresent(String.self, forKey: .linkField)
        trustXForwardedHeaders = try container.decodeIfPresent(Bool.self, forKey: .trustXForwardedHeaders) ?? false
        apiEnabled = try container.decodeIfPresent(Bool.self, forKey: .apiEnabled) ?? true
        firstAddressID = try container.decodeIfPresent(Int.self, forKey: .firstAddressID) ?? 11
    }

    /// The example server of `phpipam-api.md`: apps `iks` (ssl_token, read/write), `iksnone` (none,
    /// read/write) and `iksro` (ssl_token, read-only); user `iks` (password `iks-password`, static token
    /// `iksnonestatictoken000000`); subnet 7 = 192.168.100.0/24 (gateway .1, reserved .10) and subnet 8 =
    /// 192.168.101.0/28 (gateway .1, reserved .5) in section 3; custom field `custom_cluster` as link field.
    public static let example = PhpIPAMSeed(
        subnets: [
            Subnet(id: 7, cidr: "192.168.100.0/24", description: "iks zone A", gateway: "192.168.100.1", reserved: ["192.168.100.10"]),
            Subnet(id: 8, cidr: "192.168.101.0/28", description: "iks zone B", gateway: "192.168.101.1", reserved: ["192.168.101.5"]),
        ],
        apps: [
            App(id: "iks", security: .sslToken),
            App(id: "iksnone", security: .none),
            App(id: "iksro", security: .sslToken, permissions: .readOnly),
        ],
        users: [User(username: "iks", password: "iks-password", token: "iksnonestatictoken000000")],
        customFields: [CustomField(name: "custom_cluster", comment: "owning cluster id")],
        linkField: "custom_cluster"
    )
}
