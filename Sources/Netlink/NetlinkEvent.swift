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
