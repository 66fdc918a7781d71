// Routes on the real kernel, inside throwaway namespaces: tables, protocol marks, errors and bulk changes.
import Glibc
import IPAddressing
import Netlink
import Testing
import TestSupport

@Suite("Netlink routes", .enabled(namespaceRequirement) { await TestNetworkNamespace.isAvailable })
struct NetlinkRouteTests {
    @Test("a route via a gateway lands in a custom table, marked with our protocol")
    func routeInCustomTable() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let host = try #require(try await netlink.link(named: namespace.hostInterface))
            let route = Route(destination: try prefix("10.1.0.0/16"), gateway: try address("192.168.100.1"), table: RoutingTable(100))
            try await netlink.addRoute(route)

            let listed = try await netlink.routes(in: RoutingTable(100))
            #expect(listed.count == 1)
            let installed = try #require(listed.first)
            #expect(route.isSatisfied(by: installed))
            var moved = route
            moved.gateway = try address("192.168.100.3")
            #expect(!moved.isSatisfied(by: installed))
            #expect(installed.destination == route.destination)
            #expect(installed.gateway == route.gateway)
            #expect(installed.outputInterfaceIndex == host.index)
            #expect(installed.protocol == .overlayAgent)
            #expect(try await netlink.routes(in: .main).contains { $0.destination == route.destination } == false)
            let shown = try await namespace.ip("route", "show", "table", "100")
            #expect(shown.contains("10.1.0.0/16 via 192.168.100.1 dev host0 proto 197"))
        }
    }

    @Test("routes of other protocols are distinguishable and our protocol-marked delete cannot remove them")
    func protocolsAreDistinguishable() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            try await namespace.ip("route", "add", "10.2.0.0/16", "via", "192.168.100.1", "proto", "static")
            try await namespace.ip("route", "add", "10.3.0.0/16", "via", "192.168.100.1")
            try await netlink.addRoute(Route(destination: try prefix("10.4.0.0/16"), gateway: try address("192.168.100.1")))

            let ours = try await netlink.routes(in: .main, protocol: .overlayAgent)
            #expect(ours.map(\.destination) == [try prefix("10.4.0.0/16")])
            let all = try await netlink.routes(in: .main, family: .v4)
            #expect(all.first { $0.destination == (try? prefix("10.2.0.0/16")) }?.protocol == .static)
            #expect(all.first { $0.destination == (try? prefix("10.3.0.0/16")) }?.protocol == .boot)
            #expect(all.first { $0.destination == (try? prefix("192.168.100.0/24")) }?.protocol == .kernel)

            let foreign = Route(destination: try prefix("10.2.0.0/16"), gateway: try address("192.168.100.1"))
            let refused = await #expect(throws: NetlinkError.self) { try await netlink.deleteRoute(foreign) }
            #expect(refused?.errno == ESRCH)
            #expect(try await namespace.ip("route", "show", "10.2.0.0/16").contains("proto static"))
        }
    }

    @Test("replace changes the gateway of an existing route and add refuses a duplicate")
    func replaceRoute() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            var route = Route(destination: try prefix("10.5.0.0/16"), gateway: try address("192.168.100.1"), table: RoutingTable(200))
            try await netlink.addRoute(route)
            let duplicate = await #expect(throws: NetlinkError.self) { try await netlink.addRoute(route) }
            #expect(duplicate?.isAlreadyExists == true)

            route.gateway = try address("192.168.100.3")
            try await netlink.replaceRoute(route)
            let listed = try await netlink.routes(in: RoutingTable(200))
            #expect(listed.map(\.gateway) == [try address("192.168.100.3")])

            try await netlink.deleteRoute(route)
            #expect(try await netlink.routes(in: RoutingTable(200)).isEmpty)
            let missing = await #expect(throws: NetlinkError.self) { try await netlink.deleteRoute(route) }
            #expect(missing?.isNotFound == true)
        }
    }

    @Test("a route via an unreachable gateway fails with ENETUNREACH naming route, gateway and device")
    func unreachableGateway() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let host = try #require(try await netlink.link(named: namespace.hostInterface))
            let route = Route(
                destination: try prefix("10.6.0.0/16"), gateway: try address("10.99.0.1"), outputInterfaceIndex: host.index)
            let error = await #expect(throws: NetlinkError.self) { try await netlink.addRoute(route) }
            #expect(error?.errno == ENETUNREACH)
            #expect(error?.description.hasPrefix("adding route 10.6.0.0/16 via 10.99.0.1 dev host0: gateway unreachable (ENETUNREACH)") == true)
        }
    }

    @Test("a device route on a missing device fails with ENODEV")
    func missingDevice() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let route = Route(destination: try prefix("10.7.0.0/16"), outputInterfaceIndex: 9999)
            let error = await #expect(throws: NetlinkError.self) { try await netlink.addRoute(route) }
            #expect(error?.errno == ENODEV)
            #expect(error?.description.hasPrefix("adding route 10.7.0.0/16 dev #9999: no such device (ENODEV)") == true)
        }
    }

    @Test("a gateway route on a missing device fails with ENODEV, not the kernel's misleading ENETUNREACH")
    func missingDeviceWithGateway() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let route = Route(destination: try prefix("10.7.0.0/16"), gateway: try address("192.168.100.1"), outputInterfaceIndex: 9999)
            let error = await #expect(throws: NetlinkError.self) { try await netlink.addRoute(route) }
            #expect(error?.errno == ENODEV)
            #expect(error?.description.hasPrefix("adding route 10.7.0.0/16 via 192.168.100.1 dev #9999: no such device (ENODEV)") == true)
        }
    }

    @Test("a device route without a gateway gets link scope")
    func deviceRoute() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let host = try #require(try await netlink.link(named: namespace.hostInterface))
            try await netlink.addRoute(Route(destination: try prefix("10.8.0.0/24"), outputInterfaceIndex: host.index))
            let installed = try await netlink.routes(in: .main, protocol: .overlayAgent)
            #expect(installed.count == 1)
            #expect(installed.first?.scope == .link)
            #expect(installed.first?.gateway == nil)
        }
    }

    @Test("a batch of route changes applies every change and reports each failure in place")
    func bulkChanges() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let gateway = try address("192.168.100.1")
            var changes: [RouteChange] = []
            for third in 0..<300 {
                let destination = try prefix("10.\(100 + third / 256).\(third % 256).0/24")
                changes.append(.add(Route(destination: destination, gateway: gateway, table: RoutingTable(300))))
            }
            // One bad change in the middle: its gateway is not on any connected subnet.
            changes[150] = .add(Route(destination: try prefix("10.250.0.0/24"), gateway: try address("10.99.0.1"), table: RoutingTable(300)))
            let results = await netlink.applyRouteChanges(changes)
            #expect(results.count == 300)
            #expect(results.enumerated().filter { $0.element != nil }.map(\.offset) == [150])
            #expect(results[150]?.errno == ENETUNREACH)
            #expect(try await netlink.routes(in: RoutingTable(300)).count == 299)

            let removals = changes.enumerated().filter { $0.offset != 150 }.map { RouteChange.delete($0.element.route) }
            #expect(await netlink.applyRouteChanges(removals).allSatisfy { $0 == nil })
            #expect(try await netlink.routes(in: RoutingTable(300)).isEmpty)
        }
    }

    @Test("IPv6 routes via a gateway are added and listed with our protocol")
    func ipv6Route() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let host = try #require(try await netlink.link(named: namespace.hostInterface))
            try await netlink.addAddress(InterfaceAddress(address: try address("fd00:100::2"), prefixLength: 64, interfaceIndex: host.index))
            let route = Route(destination: try prefix("fd01::/64"), gateway: try address("fd00:100::1"), table: RoutingTable(100))
            try await netlink.addRoute(route)
            let listed = try await netlink.routes(in: RoutingTable(100), protocol: .overlayAgent, family: .v6)
            #expect(listed.map(\.destination) == [route.destination])
            #expect(listed.first?.gateway == route.gateway)
            try await netlink.deleteRoute(route)
            #expect(try await netlink.routes(in: RoutingTable(100), family: .v6).isEmpty)
        }
    }

    @Test("route dumps filtered by family hold only that family; an IPv6 route lists the kernel's default metric 1024")
    func routeDumpPerFamily() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let host = try await hostNICWithIPv6(netlink, in: namespace)
            try await netlink.addRoute(Route(destination: try prefix("fd01::/64"), gateway: try address("fd00:100::1")))
            try await netlink.addRoute(Route(destination: try prefix("10.1.0.0/16"), gateway: try address("192.168.100.1")))
            let v4 = try await netlink.routes(in: .main, protocol: .overlayAgent, family: .v4)
            let v6 = try await netlink.routes(in: .main, protocol: .overlayAgent, family: .v6)
            #expect(v4.map(\.destination.description) == ["10.1.0.0/16"])
            #expect(v6.map(\.destination.description) == ["fd01::/64"])
            #expect(v6.first?.outputInterfaceIndex == host.index, "the kernel found the on-link gateway's device")
            #expect(v6.first?.metric == 1024)
            #expect(try await netlink.routes(in: .main, protocol: .overlayAgent).count == 2)
        }
    }
}
