// The configuration of the phpIPAM backend: server, app, credentials, TLS and the zone → subnet-id map.
import IPAMCore

/// The `ipam.phpipam` section (or the original project's top-level `phpIPAM` section).
public struct PhpIPAMConfiguration: Hashable, Sendable {
    /// The default ``requestTimeout``.
    public static let defaultRequestTimeout: Duration = .seconds(10)
    /// The default ``ownerField``: phpIPAM's built-in `owner` address field.
    public static let defaultOwnerField = "owner"
    /// The default ``releaseCooldown``, as the local backend's.
    public static let defaultReleaseCooldown: Duration = .seconds(5 * 60)

    /// Base URL of the phpIPAM installation without `/api` (e.g. `https://phpipam.example.com`), no trailing `/`.
    public var url: String
    /// The API application id configured in phpIPAM (Administration → API); requests go to `<url>/api/<appID>/`.
    public var appID: String
    /// Where the API credentials come from.
    public var credentials: PhpIPAMCredentials
    /// A PEM file with the certificate authority that signed the server's certificate, if not a public one.
    public var caFile: String?
    /// Whether to skip TLS certificate verification (for tests and labs only).
    public var insecureSkipTLSVerify: Bool
    /// Each zone's phpIPAM subnet ids, in configuration order; a full subnet spills over to the next. One
    /// subnet may serve several zones (one pool shared by them).
    public var subnetMap: [PhpIPAMZoneSubnets]
    /// How long one API request may take before it counts as failed (default 10 s).
    public var requestTimeout: Duration
    /// The address field that records the owner: `owner` (default) or a custom field such as `custom_cluster`.
    public var ownerField: String
    /// How long a released address stays held back (its row kept, marked as cooling down) before phpIPAM
    /// may hand it out again (`ipam.phpipam.releaseCooldown`, default 5 minutes; `0s` deletes rows at once).
    public var releaseCooldown: Duration

    /// Creates the section. No validation happens here; ``OverlayConfiguration/parse(yaml:)`` validates.
    public init(
        url: String, appID: String, credentials: PhpIPAMCredentials, caFile: String? = nil,
        insecureSkipTLSVerify: Bool = false, subnetMap: [PhpIPAMZoneSubnets],
        requestTimeout: Duration = Self.defaultRequestTimeout, ownerField: String = Self.defaultOwnerField,
        releaseCooldown: Duration = Self.defaultReleaseCooldown
    ) {
        self.url = url
        self.appID = appID
        self.credentials = credentials
        self.caFile = caFile
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.subnetMap = subnetMap
        self.requestTimeout = requestTimeout
        self.ownerField = ownerField
        self.releaseCooldown = releaseCooldown
    }

    /// The zone policy: each zone's phpIPAM subnet ids, in the order they are tried.
    public var zonePolicy: ZonePolicy<Int> {
        ZonePolicy(zones: subnetMap.map { ZonePolicy.Zone(name: $0.zone, subnets: $0.subnetIDs) })
    }

    /// The phpIPAM subnet ids of `zone`, in the order they are tried.
    /// - Throws: ``IPAMError/unknownZone(_:known:)`` when the zone is not in `subnetMap`.
    public func subnetIDs(inZone zone: String) throws(IPAMError) -> [Int] {
        try zonePolicy.subnets(inZone: zone)
    }
}

/// One entry of `subnetMap`: a zone and its phpIPAM subnet ids, in order.
public struct PhpIPAMZoneSubnets: Hashable, Sendable {
    /// The zone name, matched against the node label `topology.kubernetes.io/zone`.
    public var zone: String
    /// The phpIPAM subnet ids (the numbers in the phpIPAM UI's subnet URLs), IPv4 or IPv6. Each family's
    /// subnets are tried in this order; a zone listing both families is dual-stack (one address of each per node).
    public var subnetIDs: [Int]

    /// Creates an entry.
    public init(zone: String, subnetIDs: [Int]) {
        self.zone = zone
        self.subnetIDs = subnetIDs
    }
}

/// Where the phpIPAM backend finds its credentials. Secrets never appear in the configuration itself.
public enum PhpIPAMCredentials: Hashable, Sendable {
    /// Username and password read from two files (e.g. a mounted Secret):
    /// `credentials: {usernameFile: ..., passwordFile: ...}`.
    case files(usernameFile: String, passwordFile: String)
    /// Username and password from the environment variables ``usernameVariable`` and ``passwordVariable``,
    /// as the original project did: `credentials: {fromEnvironment: true}`, and always for the original
    /// `phpIPAM:` configuration shape.
    case environment
    /// A static app token read from a file, for phpIPAM apps with security `none`/token:
    /// `credentials: {tokenFile: ...}`.
    case token(file: String)

    /// The environment variable holding the username for ``environment``.
    public static let usernameVariable = "PHPIPAM_USERNAME"
    /// The environment variable holding the password for ``environment``.
    public static let passwordVariable = "PHPIPAM_PASSWORD"
}
