// End-to-end tests of the agent on the real kernel (a network namespace) against the in-process API server.
import Agent
import IPAddressing
import KubeClient
import Netlink
import OverlayAPI
import Testing
import TestSupport

@Suite("Agent on the real kernel", .enabled("needs root to create network namespaces") { await TestNetworkNamespace.isAvailable })
struct AgentKernelTests {
    @Test("ipAddr in status → macvlan up with the address and status reported; NodeOverlayIp deleted → device gone, configuredAddress cleared")
    func addressLifecycle() async throws {
        try await AgentHarness.with { harness in
            try await harness.createOverlay()
            let agent = harness.startAgent()
            defer { agent.cancel() }
            try await harness.waitUntil("the address on tmp0") {
                guard let device = try await harness.netlink.link(named: "tmp0"), device.isUp, device.kind == "macvlan" else { return false }
                let addresses = try await harness.netlink.addresses(on: .name("tmp0"), family: .v4)
                return addresses.map(\.cidr) == ["192.168.100.50/24"]
            }
            try await harness.waitUntil("the status report") {
                let status = try await harness.overlay().status
                return status.configuredAddress == "192.168.100.50/24" && status.interface == "host0" && status.interfaceLabel == "tmp0"
            }
            #expect(try await harness.overlay().status.ipAddr == "192.168.100.50/24", "the operator's keys were left alone")

            _ = try await harness.client.delete(NodeOverlayIp.self, name: harness.nodeName)
            try await harness.waitUntil("the device to go and configuredAddress to clear") {
                let device = try await harness.netlink.link(named: "tmp0")
                let status = try await harness.overlay().status
                return device == nil && status.configuredAddress == nil
            }
            #expect(try await harness.netlink.link(named: "host0") != nil, "the host NIC is untouched")
        }
    }

    @Test("a new address the kernel refuses after the old one was really removed → configuredAddress cleared, as the device holds none")
    func refusedChangeAfterRealRemovalReportsNone() async throws {
        try await AgentHarness.with { harness in
            try await harness.createOverlay()
            let agent = harness.startAgent()
            defer { agent.cancel() }
            try await harness.waitUntil("the address reported") {
                try await harness.overlay().status.configuredAddress == "192.168.100.50/24"
            }
            // The kernel refuses any IPv6 address on tmp0; the operator's new address is IPv6.
            try await harness.namespace.exec(["sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/tmp0/disable_ipv6"])
            let moved: JSONValue = .object(["status": .object(["ipAddr": .string("fd00:100::50/64")])])
            _ = try await harness.client.patchStatus(NodeOverlayIp.self, name: harness.nodeName, patch: .merge(moved))
            try await harness.waitUntil("a pass whose new address was refused") {
                guard let outcome = harness.outcome else { return false }
                return !outcome.problems.isEmpty && outcome.report.configuredAddress == nil
            }
            #expect(try await harness.netlink.addresses(on: .name("tmp0"), family: .v4).isEmpty, "the old address was removed")
            #expect(try await harness.netlink.addresses(on: .name("tmp0"), family: .v6).isEmpty)
            try await harness.waitUntil("configuredAddress cleared") { try await harness.overlay().status.configuredAddress == nil }
        }
    }

    @Test("100 StaticRoutes → 100 routes via the gateway; a route deleted outside returns on the netlink event; a deleted StaticRoute's route goes")
    func routesAndRepair() async throws {
        try await AgentHarness.with { harness in
            try await harness.createOverlay()
            for index in 0..<100 {
                try await harness.createRoute("route-\(index)", subnet: "10.\(index).0.0/16", held: index == 0)
            }
            let agent = harness.startAgent()
            defer { agent.cancel() }
            try await harness.waitUntil("100 routes") { try await harness.ourRoutes().count == 100 }
            let routes = try await harness.ourRoutes()
            #expect(routes.allSatisfy { $0.gateway == IPAddress("192.168.100.1") })
            try await harness.waitUntil("100 Applied reports") {
                let reports = try await harness.overlay().status.routes ?? []
                return reports.count == 100 && reports.allSatisfy { $0.state == .applied }
            }

            try await harness.namespace.ip("route", "del", "10.42.0.0/16", "proto", "197")
            try await harness.waitUntil("the deleted route to come back") {  // the resync period is 300 s: only the netlink event can repair it this soon
                try await harness.ourRoutes().contains { $0.destination == IPPrefix("10.42.0.0/16") }
            }

            _ = try await harness.client.delete(StaticRoute.self, name: "route-0")  // held: deletionTimestamp set
            _ = try await harness.client.delete(StaticRoute.self, name: "route-1")  // gone at once
            try await harness.waitUntil("withdrawal and report update") {
                let destinations = Set(try await harness.ourRoutes().map(\.destination.description))
                let reports = try await harness.overlay().status.routes ?? []
                return !destinations.contains("10.0.0.0/16") && !destinations.contains("10.1.0.0/16") && destinations.count == 98
                    && reports.count == 98 && !reports.contains { $0.name == "route-0" || $0.name == "route-1" }
            }
        }
    }

    @Test("an agent that was down while its StaticRoute was deleted withdraws the route it left when it returns")
    func routeLeftWhileDownIsWithdrawnOnReturn() async throws {
        try await AgentHarness.with { harness in
            try await harness.createOverlay()
            try await harness.createRoute("kept", subnet: "10.7.0.0/16")
            try await harness.createRoute("deleted-while-down", subnet: "10.8.0.0/16")
            let first = harness.startAgent()
            try await harness.waitUntil("both routes") { try await harness.ourRoutes().count == 2 }
            first.cancel()
            _ = await first.result

            // The operator finished the deletion without this agent (its wait timed out).
            _ = try await harness.client.delete(StaticRoute.self, name: "deleted-while-down")
            #expect(try await harness.ourRoutes().count == 2)

            let second = harness.startAgent()
            defer { second.cancel() }
            try await harness.waitUntil("the left-over route withdrawn") {
                try await harness.ourRoutes().map(\.destination.description) == ["10.7.0.0/16"]
            }
            try await harness.waitUntil("the report no longer names it") {
                try await harness.overlay().status.routes?.map(\.name) == ["kept"]
            }
        }
    }

    @Test("a StaticRoute over a protected range is reported Refused with the reason and never installed")
    func protectedRangeIsRefused() async throws {
        try await AgentHarness.with { harness in
            try await harness.createOverlay()
            try await harness.createRoute("loopback", subnet: "127.0.0.0/16")
            try await harness.createRoute("own-subnet", subnet: "192.168.0.0/16")
            try await harness.createRoute("fine", subnet: "10.7.0.0/16")
            let agent = harness.startAgent()
            defer { agent.cancel() }
            try await harness.waitUntil("three reports") { try await (harness.overlay().status.routes ?? []).count == 3 }
            let reports = try await harness.overlay().status.routes ?? []
            #expect(reports.map(\.state) == [.applied, .refused, .refused])
            #expect(reports.first { $0.name == "loopback" }?.message?.contains("loopback") == true)
            #expect(reports.first { $0.name == "own-subnet" }?.message?.contains("own subnet 192.168.100.0/24 on host0") == true)
            #expect(try await harness.ourRoutes().map(\.destination.description) == ["10.7.0.0/16"])
        }
    }

    @Test("an agent restarted on a configured node makes zero netlink writes and no status patch")
    func restartMakesNoWrites() async throws {
        try await AgentHarness.with { harness in
            try await harness.createOverlay()
            for index in 0..<10 { try await harness.createRoute("route-\(index)", subnet: "10.\(index).0.0/16") }
            let first = harness.startAgent()
            try await harness.waitUntil("a converged pass: 10 Applied reports and no write") {
                guard let outcome = harness.outcome else { return false }
                return outcome.writes == 0 && outcome.problems.isEmpty
                    && outcome.report.routes.filter { $0.state == .applied }.count == 10
            }
            first.cancel()
            _ = await first.result

            let writes = NetlinkWriteCounter()
            let second = harness.startAgent(writes: writes)
            defer { second.cancel() }
            try await harness.waitUntil("the restarted agent's first pass") {
                harness.outcome.map { $0.report.routes.count == 10 && $0.problems.isEmpty } ?? false
            }
            #expect(writes.value == 0)
            #expect(harness.outcome?.patchedStatus == false)
            #expect(harness.outcome?.writes == 0)
        }
    }

    @Test("with the API server failing every request the node stays configured and drift is still repaired")
    func apiOutageKeepsConfiguration() async throws {
        try await AgentHarness.with { harness in
            try await harness.createOverlay()
            for index in 0..<5 { try await harness.createRoute("route-\(index)", subnet: "10.\(index).0.0/16") }
            let agent = harness.startAgent()
            defer { agent.cancel() }
            try await harness.waitUntil("5 Applied reports") {
                try await (harness.overlay().status.routes ?? []).filter { $0.state == .applied }.count == 5
            }
            harness.emulator.failNextRequests(1_000_000, status: 503)
            harness.emulator.closeAllWatches()
            try await harness.namespace.ip("route", "del", "10.2.0.0/16", "proto", "197")
            try await harness.waitUntil("the route to come back during the outage") {  // the resync period is 300 s: only the netlink event can repair it this soon
                try await harness.ourRoutes().count == 5
            }
            let addresses = try await harness.netlink.addresses(on: .name("tmp0"), family: .v4)
            #expect(addresses.map(\.cidr) == ["192.168.100.50/24"])
            harness.emulator.clearInjectedFailures()
        }
    }
}
