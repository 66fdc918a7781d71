// End-to-end dual-stack tests of the agent on the real kernel: both families on the device, IPv6 routes, repair, refusals.
import Agent
import IPAddressing
import KubeClient
import Netlink
import OverlayAPI
import Testing
import TestSupport

@Suite("Agent on the real kernel, dual stack", .enabled("needs root to create network namespaces") { await TestNetworkNamespace.isAvailable })
struct AgentDualStackKernelTests {
    @Test("ipAddrs of both families → both on tmp0 (IPv6 without DAD, never tentative), reported in order; a deleted IPv6 address returns on the netlink event; deletion removes both")
    func bothAddresses() async throws {
        try await AgentHarness.with { harness in
            try await harness.createDualStackOverlay()
            let agent = harness.startAgent()
            defer { agent.cancel() }
            try await harness.waitUntil("configuredAddresses reported") {
                try await harness.overlay().status.configuredAddresses == ["192.168.100.50/24", "fd00:100::50/64"]
            }
            #expect(try await harness.overlay().status.configuredAddress == "192.168.100.50/24")
            let v4 = try await harness.netlink.addresses(on: .name("tmp0"), family: .v4)
            #expect(v4.map(\.cidr) == ["192.168.100.50/24"])
            let v6 = try await harness.netlink.addresses(on: .name("tmp0"), family: .v6).filter { $0.address.description.hasPrefix("fd00:") }
            #expect(v6.map(\.cidr) == ["fd00:100::50/64"])
            #expect(v6.first?.flags.contains(.noDuplicateAddressDetection) == true)
            #expect(v6.first?.flags.isUnusable == false, "usable at once: \(v6.first?.flags.description ?? "")")

            try await harness.namespace.ip("-6", "address", "del", "fd00:100::50/64", "dev", "tmp0")
            try await harness.waitUntil("the deleted IPv6 address to come back") {  // the resync period is 300 s: only the netlink event can repair it this soon
                try await harness.netlink.addresses(on: .name("tmp0"), family: .v6).contains { $0.cidr == "fd00:100::50/64" }
            }

            _ = try await harness.client.delete(NodeOverlayIp.self, name: harness.nodeName)
            try await harness.waitUntil("the device gone and both addresses unreported") {
                let status = try await harness.overlay().status
                return try await harness.netlink.link(named: "tmp0") == nil && status.configuredAddresses == nil
                    && status.configuredAddress == nil
            }
        }
    }

    @Test("ipAddrs dropping IPv6 removes the IPv6 address from the device and the report, IPv4 stays")
    func droppedFamilyIsRemoved() async throws {
        try await AgentHarness.with { harness in
            try await harness.createDualStackOverlay()
            let agent = harness.startAgent()
            defer { agent.cancel() }
            try await harness.waitUntil("both reported") { try await harness.overlay().status.configuredAddresses?.count == 2 }
            let single: JSONValue = .object([
                "status": .object(["ipAddrs": .array([.string("192.168.100.50/24")]), "gateways": .array([.string("192.168.100.1")])])
            ])
            _ = try await harness.client.patchStatus(NodeOverlayIp.self, name: harness.nodeName, patch: .merge(single))
            try await harness.waitUntil("only IPv4 reported") {
                try await harness.overlay().status.configuredAddresses == ["192.168.100.50/24"]
            }
            let held = try await harness.netlink.addresses(on: .name("tmp0")).map(\.cidr).filter { !$0.hasPrefix("fe80:") }
            #expect(held == ["192.168.100.50/24"])
        }
    }

    @Test("IPv6 and IPv4 StaticRoutes go via their family's gateway; a deleted IPv6 route returns on the netlink event")
    func ipv6RouteAndRepair() async throws {
        try await AgentHarness.with { harness in
            try await harness.createDualStackOverlay()
            try await harness.createRoute("v4", subnet: "10.7.0.0/16")
            try await harness.createRoute("v6", subnet: "fd01:7::/64")
            let agent = harness.startAgent()
            defer { agent.cancel() }
            try await harness.waitUntil("both routes Applied") {
                let reports = try await harness.overlay().status.routes ?? []
                return reports.map(\.state) == [.applied, .applied]
            }
            let routes = try await harness.ourRoutes()
            let device = try #require(try await harness.netlink.link(named: "tmp0"))
            let v6 = try #require(routes.first { $0.destination == IPPrefix("fd01:7::/64") })
            #expect(v6.gateway == IPAddress("fd00:100::1"))
            #expect(v6.outputInterfaceIndex == device.index)
            #expect(routes.first { $0.destination == IPPrefix("10.7.0.0/16") }?.gateway == IPAddress("192.168.100.1"))
            #expect(try await harness.namespace.ip("-6", "route", "show", "fd01:7::/64").contains("via fd00:100::1 dev tmp0 proto 197"))

            try await harness.namespace.ip("-6", "route", "del", "fd01:7::/64", "proto", "197")
            try await harness.waitUntil("the deleted IPv6 route to come back") {  // the resync period is 300 s: only the netlink event can repair it this soon
                try await harness.ourRoutes().contains { $0.destination == IPPrefix("fd01:7::/64") }
            }
        }
    }

    @Test("a StaticRoute via an IPv6 link-local gateway is installed through the overlay device once it exists")
    func linkLocalGateway() async throws {
        try await AgentHarness.with { harness in
            try await harness.createDualStackOverlay()
            try await harness.createRoute("via-link-local", subnet: "fd01:8::/64", gateway: "fe80::1")
            let agent = harness.startAgent()
            defer { agent.cancel() }
            try await harness.waitUntil("the route Applied") { try await harness.overlay().status.routes?.first?.state == .applied }
            #expect(try await harness.namespace.ip("-6", "route", "show", "fd01:8::/64").contains("via fe80::1 dev tmp0 proto 197"))
        }
    }

    @Test("an IPv6 default route is refused with the reason and never installed, as an IPv4 one")
    func ipv6DefaultRouteIsRefused() async throws {
        try await AgentHarness.with { harness in
            try await harness.createDualStackOverlay()
            try await harness.createRoute("default-v6", subnet: "::/0")
            try await harness.createRoute("default-v4", subnet: "0.0.0.0/0")
            try await harness.createRoute("fine", subnet: "fd01:7::/64")
            let agent = harness.startAgent()
            defer { agent.cancel() }
            try await harness.waitUntil("three reports") { try await (harness.overlay().status.routes ?? []).count == 3 }
            let reports = try await harness.overlay().status.routes ?? []
            #expect(reports.map(\.name) == ["default-v4", "default-v6", "fine"])
            #expect(reports.map(\.state) == [.refused, .refused, .applied])
            #expect(reports.first { $0.name == "default-v6" }?.message == "::/0 is a default route; the agent never replaces the node's default route")
            #expect(try await harness.ourRoutes().map(\.destination.description) == ["fd01:7::/64"])
        }
    }

    @Test("a node without IPv6 refuses an IPv6 StaticRoute with the reason and applies its IPv4 ones")
    func ipv4OnlyNodeRefusesIPv6Route() async throws {
        try await AgentHarness.with { harness in
            try await harness.createOverlay()
            try await harness.createRoute("v4", subnet: "10.7.0.0/16")
            try await harness.createRoute("v6", subnet: "fd01:7::/64")
            let agent = harness.startAgent()
            defer { agent.cancel() }
            try await harness.waitUntil("two reports") { try await (harness.overlay().status.routes ?? []).count == 2 }
            let reports = try await harness.overlay().status.routes ?? []
            #expect(reports.map(\.state) == [.applied, .refused])
            let message = try #require(reports.last?.message)
            #expect(message.hasPrefix("the node has no IPv6 overlay address (its NodeOverlayIp holds IPv4 only)"), "\(message)")
            #expect(try await harness.ourRoutes().map(\.destination.description) == ["10.7.0.0/16"])
            #expect(try await harness.overlay().status.configuredAddresses == ["192.168.100.50/24"])
        }
    }
}
