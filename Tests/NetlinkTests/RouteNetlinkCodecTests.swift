// Byte-level tests of the rtnetlink encoder and decoder; no kernel needed.
import IPAddressing
import Testing
@testable import Netlink

@Suite("rtnetlink encoding")
struct RouteNetlinkCodecTests {
    /// Decodes what the builder produced, as the kernel would see it.
    private func decoded(_ builder: NetlinkMessageBuilder) throws -> NetlinkMessage {
        let messages = NetlinkMessage.split(builder.finish(sequence: 42))
        try #require(messages.count == 1)
        return messages[0]
    }

    @Test("a finished message carries its total length and sequence in the header")
    func headerFields() throws {
        let bytes = RouteNetlinkCodec.setLink(.index(7), up: true).finish(sequence: 0x0102_0304)
        #expect(bytes.readInteger(at: 0, as: UInt32.self) == UInt32(bytes.count))
        #expect(bytes.readInteger(at: 4, as: UInt16.self) == RTNL.setLink)
        #expect(bytes.readInteger(at: 8, as: UInt32.self) == 0x0102_0304)
        // ifinfomsg: index 7, flags IFF_UP, change mask IFF_UP.
        #expect(bytes.readInteger(at: 20, as: Int32.self) == 7)
        #expect(bytes.readInteger(at: 24, as: UInt32.self) == 1)
        #expect(bytes.readInteger(at: 28, as: UInt32.self) == 1)
        #expect(bytes.count == 32)
    }

    @Test("attributes are padded to four bytes and nested attributes carry their full length")
    func attributePadding() {
        var builder = NetlinkMessageBuilder(type: 1, flags: 0)
        builder.addAttribute(3, string: "tmp0")  // 4 + 5 bytes -> padded to 12
        builder.addNestedAttribute(18) { $0.addAttribute(1, uint32: 9) }
        let bytes = builder.bytes
        #expect(bytes.count == 16 + 12 + 4 + 8)
        #expect(bytes.readInteger(at: 16, as: UInt16.self) == 9)
        #expect(bytes.readInteger(at: 28, as: UInt16.self) == 12)
        let attributes = NetlinkAttributes(bytes, from: 16)
        #expect(attributes.string(3) == "tmp0")
        #expect(attributes.nested(18)?.uint32(1) == 9)
    }

    @Test("a route request decodes back to the same route, table above 255 in RTA_TABLE")
    func routeRoundTrip() throws {
        let route = Route(
            destination: try prefix("10.1.0.0/16"), gateway: try address("192.168.100.1"), outputInterfaceIndex: 3,
            table: RoutingTable(1000), metric: 50)
        let message = try decoded(RouteNetlinkCodec.newRoute(route, replace: true))
        #expect(message.type == RTNL.newRoute)
        #expect(message.flags & RTNL.replace != 0)
        #expect(message.flags & RTNL.exclusive == 0)
        #expect(message.payload[4] == RTNL.tableCompatibility)
        let back = try #require(RouteNetlinkCodec.route(from: message))
        #expect(back.destination == route.destination)
        #expect(back.gateway == route.gateway)
        #expect(back.outputInterfaceIndex == 3)
        #expect(back.table == RoutingTable(1000))
        #expect(back.protocol == .overlayAgent)
        #expect(back.scope == .universe)
        #expect(back.type == .unicast)
        #expect(back.metric == 50)
    }

    @Test("a route without a gateway gets link scope, and add requests are exclusive")
    func deviceRouteScope() throws {
        let route = Route(destination: try prefix("10.2.0.0/24"), outputInterfaceIndex: 4)
        let message = try decoded(RouteNetlinkCodec.newRoute(route, replace: false))
        #expect(message.flags & RTNL.exclusive != 0)
        #expect(RouteNetlinkCodec.route(from: message)?.scope == .link)
    }

    @Test("a delete request names our protocol so the kernel only deletes our route")
    func deleteCarriesProtocol() throws {
        let route = Route(destination: try prefix("10.3.0.0/16"), gateway: try address("192.168.100.1"))
        let message = try decoded(RouteNetlinkCodec.deleteRoute(route))
        #expect(message.type == RTNL.deleteRoute)
        #expect(message.payload[5] == RouteProtocol.overlayAgent.rawValue)
        #expect(message.payload[6] == RouteScope.nowhere.rawValue)
        #expect(message.payload[7] == RouteType.unspecified.rawValue)
    }

    @Test("a default route has no destination attribute and decodes as 0.0.0.0/0")
    func defaultRoute() throws {
        let route = Route(destination: try prefix("0.0.0.0/0"), gateway: try address("192.168.100.1"))
        let message = try decoded(RouteNetlinkCodec.newRoute(route, replace: false))
        #expect(NetlinkAttributes(message.payload, from: 12)[RTNL.routeDestination] == nil)
        #expect(RouteNetlinkCodec.route(from: message)?.destination == (try prefix("0.0.0.0/0")))
    }

    @Test("an IPv6 route round-trips its 16-byte addresses")
    func ipv6Route() throws {
        let route = Route(destination: try prefix("fd01:2::/64"), gateway: try address("fd00::1"), table: RoutingTable(7))
        let back = try #require(RouteNetlinkCodec.route(from: try decoded(RouteNetlinkCodec.newRoute(route, replace: false))))
        #expect(back.destination == route.destination)
        #expect(back.gateway == route.gateway)
        #expect(back.table == RoutingTable(7))
    }

    @Test("an address request decodes back to the same address and interface")
    func addressRoundTrip() throws {
        let entry = InterfaceAddress(address: try address("192.168.100.4"), prefixLength: 24, interfaceIndex: 9)
        let back = try #require(RouteNetlinkCodec.address(from: try decoded(RouteNetlinkCodec.newAddress(entry, replace: false))))
        #expect(back.address == entry.address)
        #expect(back.prefixLength == 24)
        #expect(back.interfaceIndex == 9)
        #expect(back.cidr == "192.168.100.4/24")
    }

    @Test("an IPv6 address request without DAD carries IFA_F_NODAD in ifa_flags and IFA_FLAGS; state flags are not sent")
    func addressFlagsRequest() throws {
        let entry = InterfaceAddress(
            address: try address("fd00:100::4"), prefixLength: 64, interfaceIndex: 9, flags: [.noDuplicateAddressDetection, .tentative])
        let message = try decoded(RouteNetlinkCodec.newAddress(entry, replace: false))
        #expect(message.payload[0] == RTNL.familyIPv6)
        #expect(message.payload[2] == 0x02, "ifa_flags holds IFA_F_NODAD only")
        #expect(NetlinkAttributes(message.payload, from: 8).uint32(RTNL.addressFlags) == 0x02)
        let back = try #require(RouteNetlinkCodec.address(from: message))
        #expect(back.cidr == "fd00:100::4/64")
        #expect(back.flags == [.noDuplicateAddressDetection])
        let deletion = try decoded(RouteNetlinkCodec.deleteAddress(entry))
        #expect(deletion.payload[2] == 0)
        #expect(NetlinkAttributes(deletion.payload, from: 8).uint32(RTNL.addressFlags) == nil)
    }

    @Test("a listed address takes its flags from IFA_FLAGS, which extends the 8-bit ifa_flags")
    func addressFlagsDecoded() throws {
        var notification = NetlinkMessageBuilder(type: RTNL.newAddress, flags: 0)
        notification.append(RTNL.familyIPv6)
        notification.append(UInt8(64))
        notification.append(UInt8(0x80))  // ifa_flags: permanent (the low byte only)
        notification.append(UInt8(0))
        notification.append(UInt32(3))
        notification.addAttribute(RTNL.addressLocal, try address("fd00:100::4").networkBytes)
        notification.addAttribute(RTNL.addressFlags, uint32: 0x80 | 0x40 | 0x200)
        let listed = try #require(RouteNetlinkCodec.address(from: try decoded(notification)))
        #expect(listed.flags == [.permanent, .tentative, .noPrefixRoute])
        #expect(listed.flags.isUnusable)
        #expect(listed.description == "fd00:100::4/64 dev #3 tentative permanent noprefixroute")
    }

    @Test("a macvlan request names the kind, the parent and bridge mode")
    func macvlanRequest() throws {
        let message = try decoded(RouteNetlinkCodec.createMacvlan(name: "tmp0", parentIndex: 5))
        #expect(message.flags & RTNL.create != 0 && message.flags & RTNL.exclusive != 0)
        let attributes = NetlinkAttributes(message.payload, from: 16)
        #expect(attributes.nested(RTNL.linkInfo)?.nested(RTNL.linkInfoData)?.uint32(RTNL.macvlanMode) == RTNL.macvlanModeBridge)
        let link = try #require(RouteNetlinkCodec.link(from: message))
        #expect(link.name == "tmp0")
        #expect(link.kind == "macvlan")
        #expect(link.parentIndex == 5)
    }

    @Test("a veth request nests the peer's own ifinfomsg and name inside VETH_INFO_PEER")
    func vethRequest() throws {
        let message = try decoded(RouteNetlinkCodec.createVethPair(name: "host0", peerName: "peer0"))
        let link = try #require(RouteNetlinkCodec.link(from: message))
        #expect(link.name == "host0")
        #expect(link.kind == "veth")
        let data = try #require(NetlinkAttributes(message.payload, from: 16).nested(RTNL.linkInfo)?.nested(RTNL.linkInfoData))
        let peer = try #require(data[RTNL.vethPeer])
        #expect(NetlinkAttributes(peer, from: 16).string(RTNL.linkName) == "peer0")
    }

    @Test("an error acknowledgement becomes a NetlinkError with the errno and the kernel's message")
    func errorAcknowledgement() throws {
        // NLMSG_ERROR with -ENETUNREACH, the echoed 16-byte header (NETLINK_CAP_ACK), then NLMSGERR_ATTR_MSG.
        var ack = NetlinkMessageBuilder(type: RTNL.error, flags: RTNL.acknowledgementTLVs)
        ack.append(Int32(-101))
        ack.append(UInt32(36))  // echoed nlmsg_len: only its header is echoed
        for _ in 0..<3 { ack.append(UInt32(0)) }
        ack.addAttribute(RTNL.acknowledgementMessage, string: "Nexthop has invalid gateway")
        let message = try decoded(ack)
        let socket = try NetlinkSocket()
        let error = try #require(socket.failure(in: message) { "adding route 10.1.0.0/16 via 192.168.100.1 dev tmp0" })
        #expect(error.errno == 101)
        #expect(error.kernelMessage == "Nexthop has invalid gateway")
        #expect(error.description.hasPrefix(
            "adding route 10.1.0.0/16 via 192.168.100.1 dev tmp0: gateway unreachable (ENETUNREACH)"))
    }

    @Test("a zero errno acknowledgement is success")
    func successAcknowledgement() throws {
        var ack = NetlinkMessageBuilder(type: RTNL.error, flags: 0)
        ack.append(Int32(0))
        for _ in 0..<4 { ack.append(UInt32(0)) }
        #expect(try NetlinkSocket().failure(in: try decoded(ack)) { "x" } == nil)
    }

    @Test("split stops at a truncated message instead of reading past the buffer")
    func truncatedDatagram() {
        var bytes = RouteNetlinkCodec.dumpLinks().finish(sequence: 1)
        bytes += [60, 0, 0, 0, 16, 0]  // claims 60 bytes, has 6
        #expect(NetlinkMessage.split(bytes).count == 1)
    }
}
