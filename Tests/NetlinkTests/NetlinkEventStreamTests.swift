// The monitor on the real kernel: changes made from outside the process arrive as events.
import Glibc
import IPAddressing
@testable import Netlink
import Testing
import TestSupport

@Suite("Netlink event monitor", .enabled(namespaceRequirement) { await TestNetworkNamespace.isAvailable })
struct NetlinkEventStreamTests {
    @Test("a route deleted from outside with ip route del arrives as routeRemoved")
    func externalRouteDeletion() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let route = Route(destination: try prefix("10.1.0.0/16"), gateway: try address("192.168.100.1"), table: RoutingTable(100))
            try await netlink.addRoute(route)
            let events = try await netlink.events()
            try await namespace.exec(["ip", "route", "del", "10.1.0.0/16", "table", "100"])
            let event = try await firstEvent(in: events) {
                if case .routeRemoved(let removed) = $0 { return removed.destination == route.destination }
                return false
            }
            guard case .routeRemoved(let removed) = event else {
                Issue.record("no routeRemoved event for 10.1.0.0/16, got \(String(describing: event))")
                return
            }
            #expect(removed.table == RoutingTable(100))
            #expect(removed.protocol == .overlayAgent)
            #expect(removed.gateway == route.gateway)
        }
    }

    @Test("links, addresses and routes made by another process each produce their event")
    func externalChanges() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let events = try await netlink.events()
            try await namespace.ip("link", "add", "tmp0", "link", namespace.hostInterface, "type", "macvlan", "mode", "bridge")
            let linkEvent = try await firstEvent(in: events) {
                if case .linkChanged(let link) = $0 { return link.name == "tmp0" }
                return false
            }
            #expect(linkEvent != nil)

            try await namespace.ip("address", "add", "192.168.100.20/24", "dev", namespace.hostInterface)
            let addressEvent = try await firstEvent(in: events) {
                if case .addressAdded(let added) = $0 { return added.cidr == "192.168.100.20/24" }
                return false
            }
            #expect(addressEvent != nil)

            try await namespace.ip("route", "add", "10.9.0.0/16", "via", "192.168.100.1", "proto", "static")
            let routeEvent = try await firstEvent(in: events) {
                if case .routeAdded(let added) = $0 { return added.destination.description == "10.9.0.0/16" }
                return false
            }
            guard case .routeAdded(let added) = routeEvent else {
                Issue.record("no routeAdded event for 10.9.0.0/16")
                return
            }
            #expect(added.protocol == .static)

            try await namespace.ip("link", "del", "tmp0")
            let removal = try await firstEvent(in: events) {
                if case .linkRemoved(let link) = $0 { return link.name == "tmp0" }
                return false
            }
            #expect(removal != nil)
        }
    }

    @Test("IPv6 addresses and routes changed from outside arrive on the IPv6 groups")
    func externalIPv6Changes() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            try await namespace.enableIPv6()
            let events = try await netlink.events([.ipv6Addresses, .ipv6Routes])
            try await namespace.ip("address", "add", "fd00:100::2/64", "dev", namespace.hostInterface, "nodad")
            let addressEvent = try await firstEvent(in: events) {
                if case .addressAdded(let added) = $0 { return added.cidr == "fd00:100::2/64" }
                return false
            }
            guard case .addressAdded(let added) = addressEvent else {
                Issue.record("no addressAdded event for fd00:100::2/64")
                return
            }
            #expect(added.flags.contains(.noDuplicateAddressDetection))

            try await namespace.ip("route", "add", "fd01::/64", "via", "fd00:100::1", "proto", "197")
            try await namespace.ip("route", "del", "fd01::/64", "proto", "197")
            let removal = try await firstEvent(in: events) {
                if case .routeRemoved(let removed) = $0 { return removed.destination.description == "fd01::/64" }
                return false
            }
            guard case .routeRemoved(let removed) = removal else {
                Issue.record("no routeRemoved event for fd01::/64")
                return
            }
            #expect(removed.protocol == .overlayAgent)
            #expect(removed.gateway == (try address("fd00:100::1")))
        }
    }

    @Test("only the subscribed groups are reported")
    func subscribedGroupsOnly() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let events = try await netlink.events(.ipv4Routes)
            // A link change first, then a route: the first event seen must be the route.
            try await namespace.ip("link", "set", namespace.peerInterface, "mtu", "1400")
            try await namespace.ip("route", "add", "10.10.0.0/16", "via", "192.168.100.1")
            let first = try await firstEvent(in: events) { _ in true }
            guard case .routeAdded(let route) = first else {
                Issue.record("expected the route event first, got \(String(describing: first))")
                return
            }
            #expect(route.destination.description == "10.10.0.0/16")
        }
    }

    @Test("the kernel drops notifications for a socket nobody drains and says ENOBUFS")
    func overflowIsReported() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            // A monitor socket with a tiny buffer that nobody reads while 300 routes are added.
            let monitor = try await NetworkNamespaceExecutor<NetlinkSocket>(namespace: namespace.name) {
                () throws(NetlinkError) in try NetlinkSocket(groups: [RTNL.groupIPv4Route], receiveBufferBytes: 4096)
            }
            let gateway = try address("192.168.100.1")
            let changes = try (0..<300).map { third in
                RouteChange.add(Route(destination: try prefix("10.\(50 + third / 256).\(third % 256).0/24"), gateway: gateway))
            }
            #expect(await netlink.applyRouteChanges(changes).allSatisfy { $0 == nil })
            let outcome = try await monitor.run { socket in
                Result { () throws(NetlinkError) in try socket.receive(operation: { "receiving" }) }
            }
            guard case .failure(let error) = outcome else {
                Issue.record("expected ENOBUFS from an overflowing monitor socket")
                return
            }
            #expect(error.errno == ENOBUFS)
            #expect(NetlinkEventStream.ReaderStep(after: outcome) == .deliver([.eventsLost]))
        }
    }
}
