// The change notifications the monitor streams: links, addresses and routes appearing, changing or going.

/// One change the kernel announced on an rtnetlink multicast group.
public enum NetlinkEvent: Sendable, Hashable {
    /// A link appeared or changed (flags, name, carrier, …): `RTM_NEWLINK`.
    case linkChanged(Link)
    /// A link was deleted: `RTM_DELLINK`.
    case linkRemoved(Link)
    /// An address was added or updated: `RTM_NEWADDR`.
    case addressAdded(InterfaceAddress)
    /// An address was removed: `RTM_DELADDR`.
    case addressRemoved(InterfaceAddress)
    /// A route was added or replaced: `RTM_NEWROUTE`.
    case routeAdded(Route)
    /// A route was removed: `RTM_DELROUTE` (also sent for routes that go with a removed address or link).
    case routeRemoved(Route)
    /// The kernel dropped notifications because the reader fell behind (`ENOBUFS`): state may have
    /// changed without an event, so resynchronise everything.
    case eventsLost

    /// Decodes a notification; `nil` for message types and families the monitor does not report.
    static func decode(_ message: NetlinkMessage) -> NetlinkEvent? {
        switch message.type {
        case RTNL.newLink: RouteNetlinkCodec.link(from: message).map(NetlinkEvent.linkChanged)
        case RTNL.deleteLink: RouteNetlinkCodec.link(from: message).map(NetlinkEvent.linkRemoved)
        case RTNL.newAddress: RouteNetlinkCodec.address(from: message).map(NetlinkEvent.addressAdded)
        case RTNL.deleteAddress: RouteNetlinkCodec.address(from: message).map(NetlinkEvent.addressRemoved)
        case RTNL.newRoute: RouteNetlinkCodec.route(from: message).map(NetlinkEvent.routeAdded)
        case RTNL.deleteRoute: RouteNetlinkCodec.route(from: message).map(NetlinkEvent.routeRemoved)
        default: nil
        }
    }
}

/// Which notifications a monitor subscribes to.
public struct NetlinkEventGroups: OptionSet, Sendable, Hashable {
    /// The bit set.
    public var rawValue: UInt8
    /// Creates a set from its bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Link changes (`RTNLGRP_LINK`).
    public static let links = NetlinkEventGroups(rawValue: 1 << 0)
    /// IPv4 address changes (`RTNLGRP_IPV4_IFADDR`).
    public static let ipv4Addresses = NetlinkEventGroups(rawValue: 1 << 1)
    /// IPv4 route changes (`RTNLGRP_IPV4_ROUTE`).
    public static let ipv4Routes = NetlinkEventGroups(rawValue: 1 << 2)
    /// IPv6 address changes (`RTNLGRP_IPV6_IFADDR`).
    public static let ipv6Addresses = NetlinkEventGroups(rawValue: 1 << 3)
    /// IPv6 route changes (`RTNLGRP_IPV6_ROUTE`).
    public static let ipv6Routes = NetlinkEventGroups(rawValue: 1 << 4)
    /// Everything the agent needs for drift repair.
    public static let all: NetlinkEventGroups = [.links, .ipv4Addresses, .ipv4Routes, .ipv6Addresses, .ipv6Routes]

    /// The `RTNLGRP_*` numbers to join.
    var multicastGroups: [UInt32] {
        let table: [(NetlinkEventGroups, UInt32)] = [
            (.links, RTNL.groupLink), (.ipv4Addresses, RTNL.groupIPv4Address), (.ipv4Routes, RTNL.groupIPv4Route),
            (.ipv6Addresses, RTNL.groupIPv6Address), (.ipv6Routes, RTNL.groupIPv6Route),
        ]
        return table.filter { contains($0.0) }.map(\.1)
    }
}
