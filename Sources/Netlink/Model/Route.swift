// A route in a routing table, plus the small value types that qualify it (table, protocol, scope, type).
import IPAddressing

/// A unicast route such as `10.1.0.0/16 via 192.168.100.1 dev tmp0 table 100 proto 197`.
public struct Route: Sendable, Hashable, CustomStringConvertible {
    /// The destination prefix (`0.0.0.0/0` for a default route).
    public var destination: IPPrefix
    /// The next hop, `nil` for a directly connected route.
    public var gateway: IPAddress?
    /// The output interface index, `nil` to let the kernel pick it from the gateway.
    public var outputInterfaceIndex: Int32?
    /// The routing table; ``RoutingTable/main`` by default.
    public var table: RoutingTable
    /// Who owns the route; requests default to ``RouteProtocol/overlayAgent``.
    public var `protocol`: RouteProtocol
    /// The scope; `nil` lets the request pick: link scope without a gateway, universe with one.
    public var scope: RouteScope?
    /// The route type; only ``RouteType/unicast`` routes are created by this module.
    public var type: RouteType
    /// The metric (`RTA_PRIORITY`), `nil` for the kernel default (0).
    public var metric: UInt32?
    /// The preferred source address (`RTA_PREFSRC`).
    public var preferredSource: IPAddress?

    /// Creates a route. At least one of `gateway` or `outputInterfaceIndex` is needed to add it.
    public init(
        destination: IPPrefix, gateway: IPAddress? = nil, outputInterfaceIndex: Int32? = nil,
        table: RoutingTable = .main, protocol: RouteProtocol = .overlayAgent, scope: RouteScope? = nil,
        type: RouteType = .unicast, metric: UInt32? = nil, preferredSource: IPAddress? = nil
    ) {
        self.destination = destination
        self.gateway = gateway
        self.outputInterfaceIndex = outputInterfaceIndex
        self.table = table
        self.protocol = `protocol`
        self.scope = scope
        self.type = type
        self.metric = metric
        self.preferredSource = preferredSource
    }

    /// Whether `installed` (as listed by ``NetlinkContext/routes(in:protocol:family:)``) already is this
    /// route: same destination, table, protocol and gateway, plus the same device, scope and metric
    /// where this route names them (the kernel fills those in when a request leaves them out).
    /// A reconciler uses it to make no write when nothing changed.
    public func isSatisfied(by installed: Route) -> Bool {
        destination == installed.destination && table == installed.table && `protocol` == installed.protocol
            && gateway == installed.gateway && type == installed.type
            && (outputInterfaceIndex == nil || outputInterfaceIndex == installed.outputInterfaceIndex)
            && (scope == nil || scope == installed.scope)
            && (metric == nil || metric == installed.metric)
            && (preferredSource == nil || preferredSource == installed.preferredSource)
    }

    /// `10.1.0.0/16 via 192.168.100.1 dev #3 table 100 proto 197`, in `ip route` order.
    public var description: String { describe(deviceName: nil) }

    /// The description with `deviceName` in place of the interface index (used in error messages).
    func describe(deviceName: String?) -> String {
        var text = destination.description
        if let gateway { text += " via \(gateway)" }
        if let deviceName {
            text += " dev \(deviceName)"
        } else if let outputInterfaceIndex {
            text += " dev #\(outputInterfaceIndex)"
        }
        if table != .main { text += " table \(table.rawValue)" }
        return text
    }
}

/// A routing table id (`RTA_TABLE`), 1–2³²-1.
public struct RoutingTable: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The numeric table id.
    public var rawValue: UInt32
    /// Creates a table reference from its id.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Creates a table reference from its id.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// The main table (254), where `ip route` works by default.
    public static let main = RoutingTable(254)
    /// The local table (255): local and broadcast routes the kernel manages.
    public static let local = RoutingTable(255)
    /// The default table (253).
    public static let `default` = RoutingTable(253)

    /// Orders tables by id.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    /// `main`, `local`, `default` or the number.
    public var description: String {
        switch self {
        case .main: "main"
        case .local: "local"
        case .default: "default"
        default: String(rawValue)
        }
    }
}

/// The routing protocol id (`rtm_protocol`): who installed a route.
///
/// The kernel never interprets values above 4 (see `<linux/rtnetlink.h>`); routing daemons use them to
/// recognise their own routes. ``overlayAgent`` (197) is ours: unassigned in the kernel header and in
/// iproute2's `/etc/iproute2/rt_protos` (zebra 11, bird 12, bgp 186 … eigrp 192 are taken). Operators can
/// add `197 overlay-agent` to `/etc/iproute2/rt_protos.d/` to make `ip route` print the name.
public struct RouteProtocol: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The numeric protocol id.
    public var rawValue: UInt8
    /// Creates a protocol id.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Not specified; as a delete filter it matches routes of every protocol.
    public static let unspecified = RouteProtocol(rawValue: 0)
    /// Installed by the kernel (connected subnets of addresses).
    public static let kernel = RouteProtocol(rawValue: 2)
    /// Installed at boot or by `ip route add` without `proto` (iproute2's default).
    public static let boot = RouteProtocol(rawValue: 3)
    /// Installed by an administrator as static.
    public static let `static` = RouteProtocol(rawValue: 4)
    /// Installed by a DHCP client.
    public static let dhcp = RouteProtocol(rawValue: 16)
    /// Installed by the overlay network agent: 197 (0xC5), the id that marks routes as ours.
    public static let overlayAgent = RouteProtocol(rawValue: 197)

    /// The iproute2 name where one exists, otherwise the number.
    public var description: String {
        switch rawValue {
        case 0: "unspec"
        case 2: "kernel"
        case 3: "boot"
        case 4: "static"
        case 16: "dhcp"
        case 197: "overlay-agent"
        default: String(rawValue)
        }
    }
}

/// The scope of a route (`rtm_scope`): how far away its destination is.
public struct RouteScope: RawRepresentable, Sendable, Hashable {
    /// The numeric scope.
    public var rawValue: UInt8
    /// Creates a scope.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// A destination reached through a gateway.
    public static let universe = RouteScope(rawValue: 0)
    /// A destination directly on the link.
    public static let link = RouteScope(rawValue: 253)
    /// A destination on this host.
    public static let host = RouteScope(rawValue: 254)
    /// As a delete filter: any scope.
    public static let nowhere = RouteScope(rawValue: 255)
}

/// The type of a route (`rtm_type`).
public struct RouteType: RawRepresentable, Sendable, Hashable {
    /// The numeric type.
    public var rawValue: UInt8
    /// Creates a route type.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Not specified (a wildcard in delete requests).
    public static let unspecified = RouteType(rawValue: 0)
    /// A normal route to a gateway or a link.
    public static let unicast = RouteType(rawValue: 1)
    /// A local address of this host (in the local table).
    public static let local = RouteType(rawValue: 2)
    /// A broadcast address (in the local table).
    public static let broadcast = RouteType(rawValue: 3)
    /// A destination that drops packets silently.
    public static let blackhole = RouteType(rawValue: 6)
    /// A destination that answers with "host unreachable".
    public static let unreachable = RouteType(rawValue: 7)
}
