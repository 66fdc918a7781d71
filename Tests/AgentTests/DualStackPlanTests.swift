// Unit tests of the dual-stack agent core: both families read from the status, planned on the device, routed per family.
import Foundation
import IPAddressing
import KubeClient
import Netlink
import OverlayAPI
import Testing

@testable import Agent

/// A kernel with `lo`, `eth0` (10.0.0.5/24 and 2001:db8:5::5/64, up) and, when given, our macvlan `tmp0` (#7).
private func kernel(deviceAddresses: [String]? = nil, routes: [Route] = []) -> KernelSnapshot {
    var links = [Link(index: 1, name: "lo", flags: 1), Link(index: 2, name: "eth0", flags: 1)]
    var addresses = [
        assigned("127.0.0.1/8", on: 1), assigned("::1/128", on: 1), assigned("10.0.0.5/24", on: 2),
        assigned("2001:db8:5::5/64", on: 2), assigned("fe80::5/64", on: 2),
    ]
    if let deviceAddresses {
        links.append(Link(index: 7, name: "tmp0", flags: 1, kind: "macvlan", parentIndex: 2))
        addresses += deviceAddresses.map { assigned($0, on: 7) }
    }
    return KernelSnapshot(links: links, addresses: addresses, routes: routes)
}

private func assigned(_ cidr: String, on index: Int32) -> InterfaceAddress {
    let parsed = DesiredNode.parseCIDR(cidr)!
    return InterfaceAddress(address: parsed.address, prefixLength: parsed.prefixLength, interfaceIndex: index, flags: .permanent)
}

private func staticRoute(_ name: String, _ subnet: String, gateway: String? = nil) -> StaticRoute {
    StaticRoute(metadata: ObjectMeta(name: name), spec: StaticRouteSpec(subnet: subnet, gateway: gateway))
}

private let v4 = OverlayAssignment(address: OverlayAddress(cidr: "192.168.100.4/24")!, gateway: IPAddress("192.168.100.1"))
private let v6 = OverlayAssignment(address: OverlayAddress(cidr: "fd00:100::4/64")!, gateway: IPAddress("fd00:100::1"))

private func desired(_ overlays: [OverlayAssignment] = [v4, v6], routes: [StaticRoute] = []) -> DesiredNode {
    DesiredNode(deviceName: "tmp0", parent: .named("eth0"), overlays: overlays, routes: routes)
}

/// A route of ours through `tmp0` (#7).
private func ourRoute(_ destination: String, via gateway: String, metric: UInt32? = nil) -> Route {
    Route(destination: IPPrefix(destination)!, gateway: IPAddress(gateway), outputInterfaceIndex: 7, metric: metric)
}

private func overlayObject(_ status: NodeOverlayIpStatus) -> NodeOverlayIp {
    NodeOverlayIp(metadata: ObjectMeta(name: "node-1"), status: status)
}

private func read(_ status: NodeOverlayIpStatus) -> DesiredNode {
    DesiredNode(
        overlay: overlayObject(status), node: nil, staticRoutes: [], deviceName: "tmp0", explicitParent: "eth0", protectedCIDRs: [])
}

@Suite("Dual stack: DesiredNode")
struct DualStackDesiredNodeTests {
    @Test("ipAddrs and gateways give one overlay per family, in order, each with the gateway of its family")
    func readsBothFamilies() {
        let wanted = read(
            NodeOverlayIpStatus(
                ipAddr: "192.168.100.4/24", gateway: "192.168.100.1", ipAddrs: ["192.168.100.4/24", "fd00:100::4/64"],
                gateways: ["192.168.100.1", "fd00:100::1"], subnet: "192.168.100.0/24"))
        #expect(wanted.overlayAddresses.map(\.description) == ["192.168.100.4/24", "fd00:100::4/64"])
        #expect(wanted.overlay(for: .v4)?.gateway == IPAddress("192.168.100.1"))
        #expect(wanted.overlay(for: .v6)?.gateway == IPAddress("fd00:100::1"))
        #expect(wanted.overlay(for: .v6)?.subnet == IPPrefix("fd00:100::/64"))
        #expect(wanted.problems.isEmpty)
    }

    @Test("an IPv6-primary node keeps IPv6 first; status.subnet describes the primary address only")
    func ipv6Primary() {
        let wanted = read(
            NodeOverlayIpStatus(
                ipAddr: "fd00:100::4/64", ipAddrs: ["fd00:100::4/64", "192.168.100.4/24"], gateways: ["fd00:100::1", "192.168.100.1"],
                subnet: "fd00:100::/64"))
        #expect(wanted.overlayAddresses.map(\.description) == ["fd00:100::4/64", "192.168.100.4/24"])
        #expect(wanted.overlay(for: .v4)?.subnet == IPPrefix("192.168.100.0/24"))
    }

    @Test("without the lists (the original controller's objects) ipAddr and gateway are used")
    func fallsBackToSingleKeys() {
        let wanted = read(NodeOverlayIpStatus(ipAddr: "192.168.100.4/24", gateway: "192.168.100.1", subnet: "192.168.100.0/24"))
        #expect(wanted.overlays == [OverlayAssignment(address: OverlayAddress(cidr: "192.168.100.4/24")!, gateway: IPAddress("192.168.100.1"))])
    }

    @Test("a bad entry or a second address of one family is a reported problem; the good entries are still configured")
    func badEntries() {
        let wanted = read(
            NodeOverlayIpStatus(ipAddrs: ["192.168.100.4/24", "fd00:100::4", "192.168.100.9/24"], gateways: ["192.168.100.1", "nope"]))
        #expect(wanted.overlayAddresses.map(\.description) == ["192.168.100.4/24"])
        #expect(wanted.problems.count == 3)
        #expect(wanted.problems.contains { $0.contains("status.ipAddrs \"fd00:100::4\" is not an address in CIDR form") })
        #expect(wanted.problems.contains { $0.contains("second IPv4 address 192.168.100.9/24") })
        #expect(wanted.problems.contains { $0.contains("status.gateways \"nope\"") })
    }

    @Test("an IPv6 address goes on the device without duplicate address detection; an IPv4 one without flags")
    func noDuplicateAddressDetection() {
        #expect(v6.address.interfaceAddress(onInterface: 7).flags == [.noDuplicateAddressDetection])
        #expect(v4.address.interfaceAddress(onInterface: 7).flags == [])
    }
}

@Suite("Dual stack: NodePlan")
struct DualStackPlanTests {
    @Test("a new device gets both addresses, in the order of ipAddrs")
    func createsBothAddresses() {
        let plan = NodePlan.compute(desired: desired(), kernel: kernel())
        #expect(plan.addressActions == [.add(v4.address), .add(v6.address)])
        #expect(plan.configuredAddresses == [v4.address, v6.address])
    }

    @Test("a device holding the IPv4 address only gets the IPv6 one added, nothing else")
    func addsMissingFamily() {
        let plan = NodePlan.compute(desired: desired(), kernel: kernel(deviceAddresses: ["192.168.100.4/24", "fe80::7/64"]))
        #expect(plan.deviceActions.isEmpty)
        #expect(plan.addressActions == [.add(v6.address)])
    }

    @Test("ipAddrs losing its IPv6 entry removes the IPv6 address and keeps IPv4 and link-local")
    func removesDroppedFamily() {
        let plan = NodePlan.compute(
            desired: desired([v4]), kernel: kernel(deviceAddresses: ["192.168.100.4/24", "fd00:100::4/64", "fe80::7/64"]))
        #expect(plan.addressActions == [.remove(assigned("fd00:100::4/64", on: 7))])
    }

    @Test("an IPv6 address the kernel learnt from a router advertisement (not permanent) is neither removed nor reported")
    func slaacAddressIsLeftAlone() {
        var kernelState = kernel(deviceAddresses: ["192.168.100.4/24", "fd00:100::4/64"])
        let learnt = InterfaceAddress(address: IPAddress("2001:db8:9::7")!, prefixLength: 64, interfaceIndex: 7)
        kernelState.addresses.append(learnt)
        let plan = NodePlan.compute(desired: desired([v4]), kernel: kernelState)
        #expect(plan.addressActions == [.remove(assigned("fd00:100::4/64", on: 7))])
        #expect(kernelState.overlayAddresses(onDevice: "tmp0", published: [v4.address.address]).map(\.description) == [
            "192.168.100.4/24", "fd00:100::4/64",
        ])
        let onlyLearnt = KernelSnapshot(links: kernelState.links, addresses: [learnt])
        #expect(onlyLearnt.overlayAddresses(onDevice: "tmp0", published: []).isEmpty)
        #expect(onlyLearnt.overlayAddresses(onDevice: "tmp0", published: [learnt.address]).map(\.description) == ["2001:db8:9::7/64"])
    }

    @Test("a configured dual-stack node makes no write")
    func configuredIsEmpty() {
        let routes = [staticRoute("a", "10.20.0.0/16"), staticRoute("b", "fd01::/64")]
        let installed = [ourRoute("10.20.0.0/16", via: "192.168.100.1"), ourRoute("fd01::/64", via: "fd00:100::1", metric: 1024)]
        let plan = NodePlan.compute(
            desired: desired(routes: routes),
            kernel: kernel(deviceAddresses: ["192.168.100.4/24", "fd00:100::4/64", "fe80::7/64"], routes: installed))
        #expect(plan.isEmpty)
        #expect(plan.reports().map(\.state) == [.applied, .applied])
    }

    @Test("each route goes via the overlay gateway of its family, through the overlay device")
    func routesPerFamily() {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("a", "10.20.0.0/16"), staticRoute("b", "fd01::/64")]),
            kernel: kernel(deviceAddresses: ["192.168.100.4/24", "fd00:100::4/64"]))
        #expect(plan.routeChanges == [.add(ourRoute("10.20.0.0/16", via: "192.168.100.1")), .add(ourRoute("fd01::/64", via: "fd00:100::1"))])
        #expect(plan.reports().map(\.gateway) == ["192.168.100.1", "fd00:100::1"])
        #expect(plan.reports().map(\.device) == ["tmp0", "tmp0"])
    }

    @Test("a route's own IPv6 gateway on the overlay subnet is used and pinned to the device")
    func ownIPv6Gateway() {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("b", "fd01::/64", gateway: "fd00:100::9")]),
            kernel: kernel(deviceAddresses: ["192.168.100.4/24", "fd00:100::4/64"]))
        #expect(plan.routeChanges == [.add(ourRoute("fd01::/64", via: "fd00:100::9"))])
    }

    @Test("a link-local IPv6 gateway is reached through the overlay device, once it exists")
    func linkLocalGateway() {
        let route = staticRoute("b", "fd01::/64", gateway: "fe80::1")
        let existing = NodePlan.compute(desired: desired(routes: [route]), kernel: kernel(deviceAddresses: ["192.168.100.4/24", "fd00:100::4/64"]))
        #expect(existing.routeChanges == [.add(ourRoute("fd01::/64", via: "fe80::1"))])
        #expect(existing.reports().first?.device == "tmp0")
        let creating = NodePlan.compute(desired: desired(routes: [route]), kernel: kernel())
        #expect(creating.routeChanges.isEmpty)
        #expect(creating.reports().first?.state == .failed)
        #expect(creating.reports().first?.message?.contains("does not exist yet") == true)
    }

    @Test("a node without IPv6 refuses an IPv6 route naming the missing family, and an IPv4-less node an IPv4 one")
    func missingFamilyIsRefused() {
        let onlyV4 = NodePlan.compute(
            desired: desired([v4], routes: [staticRoute("b", "fd01::/64"), staticRoute("c", "fd02::/64", gateway: "fd00:100::9")]),
            kernel: kernel(deviceAddresses: ["192.168.100.4/24"]))
        #expect(onlyV4.routeChanges.isEmpty)
        for report in onlyV4.reports() {
            #expect(report.state == .refused)
            #expect(report.message?.hasPrefix("the node has no IPv6 overlay address (its NodeOverlayIp holds IPv4 only)") == true, "\(report.message ?? "")")
        }
        let onlyV6 = NodePlan.compute(desired: desired([v6], routes: [staticRoute("a", "10.20.0.0/16")]), kernel: kernel(deviceAddresses: []))
        #expect(onlyV6.reports().first?.message?.hasPrefix("the node has no IPv4 overlay address (its NodeOverlayIp holds IPv6 only)") == true)
    }

    @Test("a route whose gateway is of the other family is refused")
    func mixedFamilyIsRefused() {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("b", "fd01::/64", gateway: "192.168.100.9")]), kernel: kernel(deviceAddresses: []))
        #expect(plan.reports().first?.state == .refused)
        #expect(plan.reports().first?.message == "gateway 192.168.100.9 is IPv4 but the subnet fd01::/64 is IPv6")
    }

    @Test("an IPv6 overlay without a gateway of its family fails its routes with what is missing")
    func missingIPv6Gateway() {
        let gatewayless = OverlayAssignment(address: v6.address)
        let plan = NodePlan.compute(desired: desired([v4, gatewayless], routes: [staticRoute("b", "fd01::/64")]), kernel: kernel(deviceAddresses: []))
        #expect(plan.reports().first?.state == .failed)
        #expect(plan.reports().first?.message?.hasPrefix("no IPv6 gateway") == true)
    }

    @Test("IPv6 routes over protected ranges are refused with the reason", arguments: [
        ("::/0", "default route"), ("::1/128", "loopback"), ("fe80::/64", "link-local"), ("ff02::/16", "multicast"),
        ("2001:db8::/32", "the node's own subnet 2001:db8:5::/64 on eth0"), ("fd00:100::/80", "the overlay subnet fd00:100::/64"),
        ("fd00::/8", "the overlay subnet fd00:100::/64"),
    ])
    func refusesProtectedIPv6(subnet: String, reason: String) {
        let plan = NodePlan.compute(desired: desired(routes: [staticRoute("a", subnet)]), kernel: kernel(deviceAddresses: []))
        #expect(plan.routeChanges.isEmpty)
        #expect(plan.reports().first?.state == .refused)
        #expect(plan.reports().first?.message?.contains(reason) == true, "\(plan.reports().first?.message ?? "")")
    }

    @Test("the IPv4 overlay subnet stays protected on a dual-stack node")
    func ipv4OverlayStillProtected() {
        let plan = NodePlan.compute(desired: desired(routes: [staticRoute("a", "192.168.100.0/25")]), kernel: kernel(deviceAddresses: []))
        #expect(plan.reports().first?.message?.contains("the overlay subnet 192.168.100.0/24") == true)
    }

    @Test("another owner's IPv6 route (kernel default metric 1024) is refused, not replaced")
    func foreignIPv6RouteIsRefused() {
        let foreign = Route(destination: IPPrefix("fd01::/64")!, gateway: IPAddress("2001:db8:5::1"), protocol: .static, metric: 1024)
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("b", "fd01::/64")]), kernel: kernel(deviceAddresses: [], routes: [foreign]))
        #expect(plan.routeChanges.isEmpty)
        #expect(plan.reports().first?.message?.contains("another owner") == true)
    }

    @Test("our IPv6 route with an old gateway is replaced in place, not deleted and re-added")
    func ipv6GatewayChangeIsReplace() {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("b", "fd01::/64")]),
            kernel: kernel(deviceAddresses: [], routes: [ourRoute("fd01::/64", via: "fd00:100::9", metric: 1024)]))
        #expect(plan.routeChanges == [.replace(ourRoute("fd01::/64", via: "fd00:100::1"))])
    }
}

@Suite("Dual stack: AgentReport")
struct DualStackReportTests {
    @Test("the report patches configuredAddresses and configuredAddress, its first element")
    func patchesBothKeys() throws {
        let report = AgentReport(
            interface: "eth0", interfaceLabel: "tmp0", configuredAddresses: ["192.168.100.4/24", "fd00:100::4/64"], routes: [])
        #expect(report.configuredAddress == "192.168.100.4/24")
        var status = NodeOverlayIpStatus(interface: "eth0", interfaceLabel: "tmp0", configuredAddress: "192.168.100.4/24")
        #expect(!report.isReported(in: status))
        status.configuredAddresses = ["192.168.100.4/24", "fd00:100::4/64"]
        #expect(report.isReported(in: status))
        let patch = try report.mergePatch()
        guard case .object(let root) = patch, case .object(let keys)? = root["status"] else {
            Issue.record("not a status patch: \(patch)")
            return
        }
        #expect(keys["configuredAddress"] == .string("192.168.100.4/24"))
        #expect(keys["configuredAddresses"] == .array([.string("192.168.100.4/24"), .string("fd00:100::4/64")]))
        let empty = try AgentReport(interface: "eth0", interfaceLabel: "tmp0", configuredAddresses: [], routes: []).mergePatch()
        guard case .object(let emptyRoot) = empty, case .object(let emptyKeys)? = emptyRoot["status"] else { return }
        #expect(emptyKeys["configuredAddresses"] == .null, "no address: the key is deleted, as configuredAddress is")
    }

    @Test("the published addresses are ipAddrs, else ipAddr")
    func publishedAddresses() {
        let dual = NodeOverlayIpStatus(ipAddr: "192.168.100.4/24", ipAddrs: ["192.168.100.4/24", "fd00:100::4/64"])
        #expect(NodeAgent.publishedAddresses(in: dual) == [IPAddress("192.168.100.4")!, IPAddress("fd00:100::4")!])
        #expect(NodeAgent.publishedAddresses(in: NodeOverlayIpStatus(ipAddr: "192.168.100.4/24")) == [IPAddress("192.168.100.4")!])
    }
}
