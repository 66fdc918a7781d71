// The configuration of the NetBox backend: server, token, TLS, ownership marks and the zone → prefix map.
import IPAMCore
import IPAddressing

/// The `ipam.netbox` section.
public struct NetBoxConfiguration: Hashable, Sendable {
    /// The default ``requestTimeout``: NetBox's first request after a restart can take several seconds.
    public static let defaultRequestTimeout: Duration = .seconds(15)
    /// The default ``releaseCooldown``, as for the local backend.
    public static let defaultReleaseCooldown: Duration = .seconds(5 * 60)
    /// The default ``tag``: the slug of the tag every address of the operator carries.
    public static let defaultTag = "overlay-ip-controller"
    /// The default ``clusterField``: the custom field that holds the cluster id.
    public static let defaultClusterField = "overlay_cluster"

    /// Base URL of NetBox without `/api` (e.g. `https://netbox.example.com`), no trailing `/`.
    public var url: String
    /// Where the API token comes from.
    public var credentials: NetBoxCredentials
    /// A PEM file with the certificate authority that signed the server's certificate, if not a public one.
    public var caFile: String?
    /// Whether to skip TLS certificate verification (for tests and labs only).
    public var insecureSkipTLSVerify: Bool
    /// The name to verify the server certificate against instead of the URL's host.
    public var serverName: String?
    /// Each zone's NetBox prefixes, in configuration order; a full prefix spills over to the next.
    public var prefixMap: [NetBoxZonePrefixes]
    /// The slug of the tag that marks the operator's addresses (it must exist in NetBox).
    public var tag: String
    /// The name of the text custom field on IP addresses that holds the cluster id (it must exist in NetBox,
    /// ideally with filter logic `exact`).
    public var clusterField: String
    /// How long a released address stays in NetBox (status `deprecated`) before it is deleted and can be
    /// handed out again, unless its zone has no other free address.
    public var releaseCooldown: Duration
    /// How long one API request may take before it counts as failed.
    public var requestTimeout: Duration

    /// Creates the section. No validation happens here; the configuration parser validates.
    public init(
        url: String, credentials: NetBoxCredentials = .environment, caFile: String? = nil, insecureSkipTLSVerify: Bool = false,
        serverName: String? = nil, prefixMap: [NetBoxZonePrefixes], tag: String = Self.defaultTag,
        clusterField: String = Self.defaultClusterField, releaseCooldown: Duration = Self.defaultReleaseCooldown,
        requestTimeout: Duration = Self.defaultRequestTimeout
    ) {
        self.url = url
        self.credentials = credentials
        self.caFile = caFile
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.serverName = serverName
        self.prefixMap = prefixMap
        self.tag = tag
        self.clusterField = clusterField
        self.releaseCooldown = releaseCooldown
        self.requestTimeout = requestTimeout
    }

    /// The zone policy: each zone's prefixes, in the order they are tried.
    public var zonePolicy: ZonePolicy<NetBoxPrefixReference> {
        ZonePolicy(zones: prefixMap.map { ZonePolicy.Zone(name: $0.zone, subnets: $0.prefixes) })
    }
}

/// One entry of `prefixMap`: a zone and its NetBox prefixes, in order.
public struct NetBoxZonePrefixes: Hashable, Sendable {
    /// The zone name, matched against the node label `topology.kubernetes.io/zone`.
    public var zone: String
    /// The prefixes, in the order they are tried.
    public var prefixes: [NetBoxPrefixReference]

    /// Creates an entry.
    public init(zone: String, prefixes: [NetBoxPrefixReference]) {
        self.zone = zone
        self.prefixes = prefixes
    }
}

/// A prefix as the configuration names it: a NetBox id or a CIDR, with an optional gateway.
public struct NetBoxPrefixReference: Hashable, Sendable, CustomStringConvertible {
    /// How the prefix is found in NetBox.
    public enum Selector: Hashable, Sendable, CustomStringConvertible {
        /// The prefix object's id (the number in its NetBox URL).
        case id(Int)
        /// The prefix itself, looked up with `?prefix=`.
        case cidr(IPPrefix)

        public var description: String {
            switch self {
            case .id(let id): "prefix id \(id)"
            case .cidr(let prefix): "prefix \(prefix)"
            }
        }
    }

    /// How the prefix is found.
    public var selector: Selector
    /// The gateway; when `nil` it is the address in the prefix whose description is `gateway` or whose role
    /// is a first-hop role (VRRP, HSRP, GLBP, CARP, anycast).
    public var gateway: IPAddress?

    /// Creates a reference.
    public init(_ selector: Selector, gateway: IPAddress? = nil) {
        self.selector = selector
        self.gateway = gateway
    }

    public var description: String { selector.description }
}

/// Where the NetBox backend finds its API token. The token never appears in the configuration itself.
public enum NetBoxCredentials: Hashable, Sendable {
    /// The token from the environment variable ``tokenVariable`` (the default).
    case environment
    /// The token read from a file (e.g. a mounted Secret); re-read when NetBox refuses it.
    case tokenFile(String)

    /// The environment variable holding the token for ``environment``.
    public static let tokenVariable = "NETBOX_TOKEN"
}
