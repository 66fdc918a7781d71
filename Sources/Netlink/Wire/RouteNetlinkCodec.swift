// Pure encoding of rtnetlink requests and decoding of replies and notifications into the model types.
import IPAddressing

/// Builds the request for each operation and decodes `RTM_NEW*`/`RTM_DEL*` messages.
/// No I/O: ``NetlinkSocket`` sends what this builds; unit tests check the bytes.
enum RouteNetlinkCodec {
    // MARK: - Links

    /// `RTM_GETLINK` for one link, by name or index (answered with one `RTM_NEWLINK` or `ENODEV`).
    static func getLink(_ link: LinkReference) -> NetlinkMessageBuilder {
        var message = NetlinkMessageBuilder(type: RTNL.getLink, flags: RTNL.request | RTNL.acknowledge)
        appendLinkHeader(&message, link: link, flags: 0, change: 0)
        return message
    }

    /// `RTM_GETLINK` dump of every link.
    static func dumpLinks() -> NetlinkMessageBuilder {
        var message = NetlinkMessageBuilder(type: RTNL.getLink, flags: RTNL.request | RTNL.dump)
        appendLinkHeader(&message, link: .index(0), flags: 0, change: 0)
        return message
    }

    /// `RTM_NEWLINK` creating macvlan `name` on the link with index `parentIndex`, in bridge mode
    /// (macvlans on one parent talk to each other directly), failing if `name` exists.
    static func createMacvlan(name: String, parentIndex: Int32) -> NetlinkMessageBuilder {
        var message = NetlinkMessageBuilder(
            type: RTNL.newLink, flags: RTNL.request | RTNL.acknowledge | RTNL.create | RTNL.exclusive)
        appendLinkHeader(&message, link: .index(0), flags: 0, change: 0)
        message.addAttribute(RTNL.linkName, string: name)
        message.addAttribute(RTNL.linkParent, uint32: UInt32(bitPattern: parentIndex))
        message.addNestedAttribute(RTNL.linkInfo) { info in
            info.addAttribute(RTNL.linkInfoKind, string: "macvlan")
            info.addNestedAttribute(RTNL.linkInfoData) { data in
                data.addAttribute(RTNL.macvlanMode, uint32: RTNL.macvlanModeBridge)
            }
        }
        return message
    }

    /// `RTM_NEWLINK` creating the veth pair `name` ↔ `peerName`, failing if either name exists.
    static func createVethPair(name: String, peerName: String) -> NetlinkMessageBuilder {
        var message = NetlinkMessageBuilder(
            type: RTNL.newLink, flags: RTNL.request | RTNL.acknowledge | RTNL.create | RTNL.exclusive)
        appendLinkHeader(&message, link: .index(0), flags: 0, change: 0)
        message.addAttribute(RTNL.linkName, string: name)
        message.addNestedAttribute(RTNL.linkInfo) { info in
            info.addAttribute(RTNL.linkInfoKind, string: "veth")
            info.addNestedAttribute(RTNL.linkInfoData) { data in
                // VETH_INFO_PEER holds a whole ifinfomsg followed by the peer's own attributes.
                data.addNestedAttribute(RTNL.vethPeer) { peer in
                    appendLinkHeader(&peer, link: .index(0), flags: 0, change: 0)
                    peer.addAttribute(RTNL.linkName, string: peerName)
                }
            }
        }
        return message
    }

    /// `RTM_SETLINK` changing only `IFF_UP` of `link`.
    static func setLink(_ link: LinkReference, up: Bool) -> NetlinkMessageBuilder {
        var message = NetlinkMessageBuilder(type: RTNL.setLink, flags: RTNL.request | RTNL.acknowledge)
        appendLinkHeader(&message, link: link, flags: up ? RTNL.interfaceUp : 0, change: RTNL.interfaceUp)
        return message
    }

    /// `RTM_DELLINK` of `link`.
    static func deleteLink(_ link: LinkReference) -> NetlinkMessageBuilder {
        var message = NetlinkMessageBuilder(type: RTNL.deleteLink, flags: RTNL.request | RTNL.acknowledge)
        appendLinkHeader(&message, link: link, flags: 0, change: 0)
        return message
    }

    /// `struct ifinfomsg` (16 bytes), plus `IFLA_IFNAME` when the link is named rather than indexed.
    private static func appendLinkHeader(
        _ message: inout NetlinkMessageBuilder, link: LinkReference, flags: UInt32, change: UInt32
    ) {
        message.append(RTNL.familyUnspecified)
        message.append(UInt8(0))  // padding
        message.append(UInt16(0))  // ifi_type
        switch link {
        case .index(let index): message.append(index)
        case .name: message.append(Int32(0))
        }
        message.append(flags)
        message.append(change)
        if case .name(let name) = link { message.addAttribute(RTNL.linkName, string: name) }
    }

    /// Decodes an `RTM_NEWLINK`/`RTM_DELLINK` message.
    static func link(from message: NetlinkMessage) -> Link? {
        let payload = message.payload
        guard payload.count >= 16 else { return nil }
        let attributes = NetlinkAttributes(payload, from: 16)
        guard let name = attributes.string(RTNL.linkName) else { return nil }
        let parent = attributes.uint32(RTNL.linkParent).map { Int32(bitPattern: $0) }
        return Link(
            index: payload.readInteger(at: 4, as: Int32.self),
            name: name,
            flags: payload.readInteger(at: 8, as: UInt32.self),
            kind: attributes.nested(RTNL.linkInfo)?.string(RTNL.linkInfoKind),
            parentIndex: parent == 0 ? nil : parent,
            mtu: attributes.uint32(RTNL.linkMTU),
            hardwareAddress: attributes[RTNL.linkAddress] ?? [])
    }

    // MARK: - Addresses

    /// `RTM_GETADDR` dump of every address of `family` (`AF_UNSPEC` for both).
    static func dumpAddresses(family: UInt8) -> NetlinkMessageBuilder {
        var message = NetlinkMessageBuilder(type: RTNL.getAddress, flags: RTNL.request | RTNL.dump)
        appendAddressHeader(&message, family: family, prefixLength: 0, interfaceIndex: 0)
        return message
    }

    /// `RTM_NEWADDR` adding `address` (failing if present) or replacing it (updating it in place).
    /// The address's requestable flags (e.g. `IFA_F_NODAD`) go in `ifa_flags` and, whole, in `IFA_FLAGS`.
    static func newAddress(_ address: InterfaceAddress, replace: Bool) -> NetlinkMessageBuilder {
        let mode = replace ? RTNL.replace : RTNL.exclusive
        var message = NetlinkMessageBuilder(
            type: RTNL.newAddress, flags: RTNL.request | RTNL.acknowledge | RTNL.create | mode)
        appendAddress(&message, address, flags: address.flags.intersection(.requestable))
        return message
    }

    /// `RTM_DELADDR` removing `address` from its interface.
    static func deleteAddress(_ address: InterfaceAddress) -> NetlinkMessageBuilder {
        var message = NetlinkMessageBuilder(type: RTNL.deleteAddress, flags: RTNL.request | RTNL.acknowledge)
        appendAddress(&message, address, flags: [])
        return message
    }

    private static func appendAddress(
        _ message: inout NetlinkMessageBuilder, _ address: InterfaceAddress, flags: InterfaceAddressFlags
    ) {
        appendAddressHeader(
            &message, family: address.address.netlinkFamily, prefixLength: UInt8(clamping: address.prefixLength),
            interfaceIndex: address.interfaceIndex, flags: flags)
        message.addAttribute(RTNL.addressLocal, address.address.networkBytes)
        message.addAttribute(RTNL.addressAddress, address.address.networkBytes)
        if !flags.isEmpty { message.addAttribute(RTNL.addressFlags, uint32: flags.rawValue) }
    }

    /// `struct ifaddrmsg` (8 bytes); scope universe. `ifa_flags` holds the low 8 bits of `flags`.
    private static func appendAddressHeader(
        _ message: inout NetlinkMessageBuilder, family: UInt8, prefixLength: UInt8, interfaceIndex: Int32,
        flags: InterfaceAddressFlags = []
    ) {
        message.append(family)
        message.append(prefixLength)
        message.append(UInt8(truncatingIfNeeded: flags.rawValue))  // ifa_flags
        message.append(UInt8(0))  // ifa_scope
        message.append(UInt32(bitPattern: interfaceIndex))
    }

    /// Decodes an `RTM_NEWADDR`/`RTM_DELADDR` message.
    static func address(from message: NetlinkMessage) -> InterfaceAddress? {
        let payload = message.payload
        guard payload.count >= 8 else { return nil }
        let attributes = NetlinkAttributes(payload, from: 8)
        // IFA_LOCAL is the local address; IFA_ADDRESS is the peer on point-to-point links.
        guard let bytes = attributes[RTNL.addressLocal] ?? attributes[RTNL.addressAddress],
            let address = IPAddress(networkBytes: bytes)
        else { return nil }
        // IFA_FLAGS (u32) supersedes the 8-bit ifa_flags when present.
        let flags = attributes.uint32(RTNL.addressFlags) ?? UInt32(payload[2])
        return InterfaceAddress(
            address: address, prefixLength: Int(payload[1]),
            interfaceIndex: Int32(bitPattern: payload.readInteger(at: 4, as: UInt32.self)),
            flags: InterfaceAddressFlags(rawValue: flags))
    }

    // MARK: - Routes

    /// `RTM_GETROUTE` dump of every route of `family` (`AF_UNSPEC` for both), every table.
    static func dumpRoutes(family: UInt8) -> NetlinkMessageBuilder {
        var message = NetlinkMessageBuilder(type: RTNL.getRoute, flags: RTNL.request | RTNL.dump)
        message.append(family)
        for _ in 0..<7 { message.append(UInt8(0)) }
        message.append(UInt32(0))
        return message
    }

    /// `RTM_NEWROUTE` adding `route` (failing if it exists) or replacing the route with the same
    /// destination, table and metric. Scope defaults to link without a gateway, universe with one.
    static func newRoute(_ route: Route, replace: Bool) -> NetlinkMessageBuilder {
        let mode = replace ? RTNL.replace : RTNL.exclusive
        var message = NetlinkMessageBuilder(
            type: RTNL.newRoute, flags: RTNL.request | RTNL.acknowledge | RTNL.create | mode)
        let scope = route.scope ?? (route.gateway == nil ? .link : .universe)
        appendRoute(&message, route, protocol: route.protocol, scope: scope, type: route.type)
        return message
    }

    /// `RTM_DELROUTE` removing the route matching `route`'s destination, table and protocol (and its
    /// gateway, device and metric when set): the kernel only deletes a route whose protocol matches, so
    /// deleting with ``RouteProtocol/overlayAgent`` never removes anybody else's route.
    static func deleteRoute(_ route: Route) -> NetlinkMessageBuilder {
        var message = NetlinkMessageBuilder(type: RTNL.deleteRoute, flags: RTNL.request | RTNL.acknowledge)
        appendRoute(&message, route, protocol: route.protocol, scope: route.scope ?? .nowhere, type: .unspecified)
        return message
    }

    /// `struct rtmsg` (12 bytes) and the attributes of `route`.
    private static func appendRoute(
        _ message: inout NetlinkMessageBuilder, _ route: Route, protocol: RouteProtocol, scope: RouteScope,
        type: RouteType
    ) {
        let table = route.table.rawValue
        message.append(route.destination.network.netlinkFamily)
        message.append(UInt8(clamping: route.destination.length))
        message.append(UInt8(0))  // rtm_src_len
        message.append(UInt8(0))  // rtm_tos
        message.append(table < 256 ? UInt8(table) : RTNL.tableCompatibility)
        message.append(`protocol`.rawValue)
        message.append(scope.rawValue)
        message.append(type.rawValue)
        message.append(UInt32(0))  // rtm_flags
        message.addAttribute(RTNL.routeTable, uint32: table)
        if route.destination.length > 0 {
            message.addAttribute(RTNL.routeDestination, route.destination.network.networkBytes)
        }
        if let gateway = route.gateway { message.addAttribute(RTNL.routeGateway, gateway.networkBytes) }
        if let index = route.outputInterfaceIndex {
            message.addAttribute(RTNL.routeOutputInterface, uint32: UInt32(bitPattern: index))
        }
        if let metric = route.metric { message.addAttribute(RTNL.routePriority, uint32: metric) }
        if let source = route.preferredSource {
            message.addAttribute(RTNL.routePreferredSource, source.networkBytes)
        }
    }

    /// Decodes an `RTM_NEWROUTE`/`RTM_DELROUTE` message; `nil` for cached (cloned) routes and for
    /// families other than IPv4/IPv6. Multipath routes decode without gateway and device.
    static func route(from message: NetlinkMessage) -> Route? {
        let payload = message.payload
        guard payload.count >= 12 else { return nil }
        let family = payload[0]
        let flags = payload.readInteger(at: 8, as: UInt32.self)
        guard flags & RTNL.routeCloned == 0 else { return nil }
        let attributes = NetlinkAttributes(payload, from: 12)
        let network: IPAddress?
        if let bytes = attributes[RTNL.routeDestination] {
            network = IPAddress(networkBytes: bytes)
        } else {
            network = IPAddress.unspecified(family: family)
        }
        guard let network, let destination = IPPrefix(containing: network, length: Int(payload[1])) else {
            return nil
        }
        return Route(
            destination: destination,
            gateway: attributes[RTNL.routeGateway].flatMap { IPAddress(networkBytes: $0) },
            outputInterfaceIndex: attributes.uint32(RTNL.routeOutputInterface).map { Int32(bitPattern: $0) },
            table: RoutingTable(attributes.uint32(RTNL.routeTable) ?? UInt32(payload[4])),
            protocol: RouteProtocol(rawValue: payload[5]),
            scope: RouteScope(rawValue: payload[6]),
            type: RouteType(rawValue: payload[7]),
            metric: attributes.uint32(RTNL.routePriority),
            preferredSource: attributes[RTNL.routePreferredSource].flatMap { IPAddress(networkBytes: $0) })
    }
}
