// Unit tests of the pure NodePlan: device, address and route changes and the reports, without root.
import Foundation
import IPAddressing
import KubeClient
import Netlink
import OverlayAPI
import Testing

@testable import Agent

/// A kernel with `lo` (127.0.0.1/8) and `eth0` (10.0.0.5/24, up), optionally our macvlan `tmp0`.
private func kernel(device: Link? = nil, deviceAddresses: [String] = [], routes: [Route] = []) -> KernelSnapshot {
    var links = [
        Link(index: 1, name: "lo", flags: 1), Link(index: 2, name: "eth0", flags: 1),
    ]
    var addresses = [address("127.0.0.1/8", on: 1), address("10.0.0.5/24", on: 2)]
    if let device {
        links.append(device)
        addresses += deviceAddresses.map { address($0, on: device.index) }
    }
    return KernelSnapshot(links: links, addresses: addresses, routes: routes)
}

private func address(_ cidr: String, on index: Int32) -> InterfaceAddress {
    let parsed = DesiredNode.parseCIDR(cidr)!
    return InterfaceAddress(address: parsed.address, prefixLength: parsed.prefixLength, interfaceIndex: index, flags: .permanent)
}

private let upMacvlan = Link(index: 7, name: "tmp0", flags: 1, kind: "macvlan", parentIndex: 2)

private func staticRoute(_ name: String, _ subnet: String, gateway: String? = nil, table: Int? = nil, zone: String? = nil) -> StaticRoute {
    var metadata = ObjectMeta(name: name)
    if let zone { metadata.labels["zone"] = zone }
    return StaticRoute(metadata: metadata, spec: StaticRouteSpec(subnet: subnet, gateway: gateway, table: table))
}

private func desired(routes: [StaticRoute] = [], address: String? = "192.168.100.4/24", protected: [String] = []) -> DesiredNode {
    DesiredNode(
        deviceName: "tmp0", parent: .named("eth0"), overlayAddress: address.flatMap(DesiredNode.parseCIDR),
        overlaySubnet: IPPrefix("192.168.100.0/24"), overlayGateway: IPAddress("192.168.100.1"), routes: routes,
        protectedCIDRs: protected.compactMap { IPPrefix($0) })
}

/// A route of ours, through `tmp0` (index 7) unless `device` says otherwise.
private func ourRoute(_ destination: String, via gateway: String = "192.168.100.1", table: UInt32 = 254, device: Int32? = 7) -> Route {
    Route(
        destination: IPPrefix(destination)!, gateway: IPAddress(gateway), outputInterfaceIndex: device, table: RoutingTable(table),
        protocol: .overlayAgent)
}

@Suite("NodePlan")
struct NodePlanTests {
    @Test("a node without the device gets a macvlan on the parent, set up, holding the overlay address")
    func createsDeviceAndAddress() {
        let plan = NodePlan.compute(desired: desired(), kernel: kernel())
        #expect(plan.deviceActions == [.createMacvlan(name: "tmp0", parent: "eth0"), .setUp(name: "tmp0")])
        #expect(plan.addressActions == [.add(OverlayAddress(address: IPAddress("192.168.100.4")!, prefixLength: 24))])
        #expect(plan.configuredAddress?.description == "192.168.100.4/24")
        #expect(plan.parentName == "eth0")
    }

    @Test("a node already configured makes no netlink write")
    func configuredNodeIsEmpty() {
        let routes = [staticRoute("a", "10.20.0.0/16"), staticRoute("b", "172.16.0.0/12", gateway: "192.168.100.9", table: 100)]
        let installed = [ourRoute("10.20.0.0/16"), ourRoute("172.16.0.0/12", via: "192.168.100.9", table: 100)]
        let plan = NodePlan.compute(
            desired: desired(routes: routes),
            kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24", "fe80::1/64"], routes: installed))
        #expect(plan.isEmpty)
        #expect(plan.reports().map(\.state) == [.applied, .applied])
    }

    @Test("a device that is down is set up without being recreated")
    func setsDownDeviceUp() {
        var down = upMacvlan
        down.flags = 0
        let plan = NodePlan.compute(desired: desired(), kernel: kernel(device: down, deviceAddresses: ["192.168.100.4/24"]))
        #expect(plan.deviceActions == [.setUp(name: "tmp0")])
        #expect(plan.addressActions.isEmpty)
    }

    @Test("stale addresses on the device are removed, its IPv6 link-local address is kept")
    func removesStaleAddresses() {
        let plan = NodePlan.compute(
            desired: desired(), kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.9/24", "fe80::1/64", "2001:db8::1/64"]))
        #expect(
            plan.addressActions == [
                .remove(address("192.168.100.9/24", on: 7)), .remove(address("2001:db8::1/64", on: 7)),
                .add(OverlayAddress(address: IPAddress("192.168.100.4")!, prefixLength: 24)),
            ])
    }

    @Test("the same address with another prefix length is replaced")
    func replacesWrongPrefixLength() {
        let plan = NodePlan.compute(desired: desired(), kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/16"]))
        #expect(plan.addressActions.count == 2)
        #expect(plan.addressActions.first == .remove(address("192.168.100.4/16", on: 7)))
    }

    @Test("an interface with the device's name that is not a macvlan is left alone and reported")
    func foreignInterfaceIsNotTouched() {
        let veth = Link(index: 7, name: "tmp0", flags: 1, kind: "veth", parentIndex: 2)
        let plan = NodePlan.compute(desired: desired(routes: [staticRoute("a", "10.20.0.0/16")]), kernel: kernel(device: veth))
        #expect(plan.isEmpty)
        #expect(plan.problems.contains { $0.contains("not a macvlan") && $0.contains("INTERFACE_LABEL") })
        #expect(plan.reports().first?.state == .failed)
    }

    @Test("a macvlan on the wrong parent is recreated on the right one")
    func recreatesOnNewParent() {
        let elsewhere = Link(index: 7, name: "tmp0", flags: 1, kind: "macvlan", parentIndex: 9)
        let plan = NodePlan.compute(desired: desired(), kernel: kernel(device: elsewhere, deviceAddresses: ["192.168.100.4/24"]))
        #expect(plan.deviceActions == [.delete(name: "tmp0"), .createMacvlan(name: "tmp0", parent: "eth0"), .setUp(name: "tmp0")])
    }

    @Test("a missing parent interface blocks the device and says how to fix it")
    func missingParent() {
        var wanted = desired(routes: [staticRoute("a", "10.20.0.0/16")])
        wanted.parent = .named("bond0")
        let plan = NodePlan.compute(desired: wanted, kernel: kernel())
        #expect(plan.isEmpty)
        #expect(plan.problems.first?.contains("bond0 does not exist") == true)
        #expect(plan.reports().first?.state == .failed)
    }

    @Test("the parent is found as the interface holding the node's InternalIP")
    func autodetectsParent() {
        var wanted = desired()
        wanted.parent = .holding([IPAddress("10.0.0.5")!])
        let plan = NodePlan.compute(desired: wanted, kernel: kernel())
        #expect(plan.deviceActions.first == .createMacvlan(name: "tmp0", parent: "eth0"))
    }

    @Test("no overlay address removes our device and all our routes, and nothing else")
    func teardown() {
        let foreign = Route(destination: IPPrefix("10.99.0.0/16")!, gateway: IPAddress("10.0.0.1"), protocol: .static)
        let plan = NodePlan.compute(
            desired: desired(address: nil),
            kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24"], routes: [ourRoute("10.20.0.0/16"), foreign]))
        #expect(plan.deviceActions == [.delete(name: "tmp0")])
        #expect(plan.routeChanges == [.delete(ourRoute("10.20.0.0/16"))])
        #expect(plan.configuredAddress == nil)
        #expect(plan.routeIntents.isEmpty)
    }

    @Test("a missing route is added via the overlay gateway in the main table")
    func addsRouteViaOverlayGateway() {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("a", "10.20.0.0/16")]),
            kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24"]))
        #expect(plan.routeChanges == [.add(ourRoute("10.20.0.0/16"))])
        let report = plan.reports().first
        #expect(report == RouteReport(name: "a", subnet: "10.20.0.0/16", gateway: "192.168.100.1", device: "tmp0", table: 254, state: .applied))
    }

    @Test("a route of ours with another gateway is replaced, and ours that no StaticRoute wants are deleted")
    func replacesAndDeletes() {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("a", "10.20.0.0/16", gateway: "192.168.100.7")]),
            kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24"], routes: [ourRoute("10.20.0.0/16"), ourRoute("10.30.0.0/16")]))
        #expect(plan.routeChanges == [.delete(ourRoute("10.30.0.0/16")), .replace(ourRoute("10.20.0.0/16", via: "192.168.100.7"))])
    }

    @Test("a route of ours the kernel put on another device is pinned to the overlay device by a replace")
    func pinsRouteToDevice() {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("a", "10.20.0.0/16")]),
            kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24"], routes: [ourRoute("10.20.0.0/16", device: 2)]))
        #expect(plan.routeChanges == [.replace(ourRoute("10.20.0.0/16"))])
    }

    @Test("a gateway outside the overlay subnet leaves the device to the kernel and is reported without one")
    func foreignGatewayHasNoDevice() {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("a", "10.20.0.0/16", gateway: "10.0.0.1")]),
            kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24"]))
        #expect(plan.routeChanges == [.add(ourRoute("10.20.0.0/16", via: "10.0.0.1", device: nil))])
        #expect(plan.reports().first?.device == nil)
    }

    @Test("routes over protected ranges are refused with the reason and never installed", arguments: [
        ("0.0.0.0/0", "default route"), ("127.0.0.0/16", "loopback"), ("169.254.10.0/24", "link-local"),
        ("10.0.0.0/8", "the node's own subnet 10.0.0.0/24 on eth0"), ("192.168.100.128/25", "the overlay subnet"),
        ("172.30.0.0/16", "--protected-cidrs"),
    ])
    func refusesProtectedRanges(subnet: String, reason: String) {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("a", subnet)], protected: ["172.28.0.0/14"]),
            kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24"]))
        #expect(plan.routeChanges.isEmpty)
        let report = plan.reports().first
        #expect(report?.state == .refused)
        #expect(report?.message?.contains(reason) == true, "\(report?.message ?? "")")
    }

    @Test("a refused route that we had installed earlier is withdrawn")
    func withdrawsNewlyProtectedRoute() {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("a", "172.30.0.0/16")], protected: ["172.30.0.0/16"]),
            kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24"], routes: [ourRoute("172.30.0.0/16")]))
        #expect(plan.routeChanges == [.delete(ourRoute("172.30.0.0/16"))])
    }

    @Test("a route to a destination another owner already routes is refused, not replaced")
    func refusesForeignDestination() {
        let foreign = Route(destination: IPPrefix("10.20.0.0/16")!, gateway: IPAddress("10.0.0.1"), protocol: .static)
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("a", "10.20.0.0/16")]),
            kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24"], routes: [foreign]))
        #expect(plan.routeChanges.isEmpty)
        #expect(plan.reports().first?.message?.contains("another owner") == true)
    }

    @Test("two StaticRoutes for one destination with different gateways: the first by name wins")
    func conflictingStaticRoutes() {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("b", "10.20.0.0/16", gateway: "192.168.100.8"), staticRoute("a", "10.20.0.0/16")]),
            kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24"]))
        #expect(plan.routeChanges == [.add(ourRoute("10.20.0.0/16"))])
        #expect(plan.reports().map(\.state) == [.applied, .refused])
        #expect(plan.reports().last?.message?.contains("StaticRoute a") == true)
    }

    @Test("invalid specs are refused with what is wrong", arguments: [
        (staticRoute("a", "10.20.0.1/16"), "host bits"), (staticRoute("a", "10.20.0.0/16", gateway: "nope"), "not an IP address"),
        (staticRoute("a", "10.20.0.0/16", table: 255), "not a usable routing table"),
        (staticRoute("a", "10.20.0.0/16", gateway: "fd00::1"), "IPv6"),
    ])
    func refusesInvalidSpecs(route: StaticRoute, message: String) {
        let plan = NodePlan.compute(desired: desired(routes: [route]), kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24"]))
        #expect(plan.reports().first?.state == .refused)
        #expect(plan.reports().first?.message?.contains(message) == true, "\(plan.reports().first?.message ?? "")")
    }

    @Test("a route whose kernel change failed is reported Failed with the kernel's reason")
    func failedChangeIsReported() {
        let plan = NodePlan.compute(
            desired: desired(routes: [staticRoute("a", "10.20.0.0/16")]), kernel: kernel(device: upMacvlan, deviceAddresses: ["192.168.100.4/24"]))
        let failure = NetlinkError(operation: "adding route", errno: 101, message: "gateway unreachable")
        let report = plan.reports(failures: [ourRoute("10.20.0.0/16"): failure]).first
        #expect(report?.state == .failed)
        #expect(report?.message == failure.description)
    }
}

@Suite("DesiredNode")
struct DesiredNodeTests {
    private func overlay(ipAddr: String?, deleting: Bool = false) -> NodeOverlayIp {
        var metadata = ObjectMeta(name: "node-1")
        if deleting { metadata.deletionTimestamp = KubeTime(Date(timeIntervalSince1970: 1_700_000_000)) }
        return NodeOverlayIp(metadata: metadata, status: NodeOverlayIpStatus(ipAddr: ipAddr, gateway: "192.168.100.1", subnet: "192.168.100.0/24"))
    }

    private func node(zone: String) -> Node {
        var metadata = ObjectMeta(name: "node-1")
        metadata.labels = ["topology.kubernetes.io/zone": zone]
        return Node(metadata: metadata, status: NodeStatus(addresses: [NodeAddress(type: "InternalIP", address: "10.0.0.5")]))
    }

    @Test("status.ipAddr gives the address, subnet and gateway; the zone label on a StaticRoute limits it")
    func readsObjects() {
        var deleting = staticRoute("gone", "10.40.0.0/16")
        deleting.metadata.deletionTimestamp = KubeTime(Date(timeIntervalSince1970: 1_700_000_000))
        let wanted = DesiredNode(
            overlay: overlay(ipAddr: "192.168.100.4/24"), node: node(zone: "dal10"),
            staticRoutes: [staticRoute("z", "10.20.0.0/16", zone: "dal12"), staticRoute("a", "10.30.0.0/16"), deleting],
            deviceName: "tmp0", explicitParent: nil, protectedCIDRs: [])
        #expect(wanted.overlayAddress?.description == "192.168.100.4/24")
        #expect(wanted.overlay(for: .v4)?.gateway == IPAddress("192.168.100.1"))
        #expect(wanted.overlay(for: .v4)?.subnet == IPPrefix("192.168.100.0/24"))
        #expect(wanted.overlay(for: .v6) == nil)
        #expect(wanted.parent == .holding([IPAddress("10.0.0.5")!]))
        #expect(wanted.routes.map(\.metadata.name) == ["a"])
    }

    @Test("a NodeOverlayIp being deleted, absent, or without ipAddr wants no address and no routes")
    func noAddressCases() {
        for object in [overlay(ipAddr: "192.168.100.4/24", deleting: true), nil, overlay(ipAddr: nil)] {
            let wanted = DesiredNode(
                overlay: object, node: node(zone: "dal10"), staticRoutes: [staticRoute("a", "10.30.0.0/16")], deviceName: "tmp0",
                explicitParent: "eth0", protectedCIDRs: [])
            #expect(wanted.overlayAddress == nil)
            #expect(wanted.routes.isEmpty)
        }
    }

    @Test("an unparsable ipAddr is a reported problem")
    func badIPAddr() {
        let wanted = DesiredNode(
            overlay: overlay(ipAddr: "192.168.100.4"), node: nil, staticRoutes: [], deviceName: "tmp0", explicitParent: "eth0",
            protectedCIDRs: [])
        #expect(wanted.overlayAddress == nil)
        #expect(wanted.problems.first?.contains("CIDR form") == true)
    }
}

@Suite("AgentReport")
struct AgentReportTests {
    @Test("the report is compared with the stored status and patches only the agent's keys")
    func comparesAndPatches() throws {
        let report = AgentReport(interface: "eth0", interfaceLabel: "tmp0", configuredAddress: "192.168.100.4/24", routes: [])
        var status = NodeOverlayIpStatus(
            ipAddr: "192.168.100.4/24", interface: "eth0", interfaceLabel: "tmp0", configuredAddress: "192.168.100.4/24",
            configuredAddresses: ["192.168.100.4/24"])
        #expect(report.isReported(in: status))
        status.configuredAddresses = nil
        #expect(!report.isReported(in: status), "an older agent's status without configuredAddresses gets it added")
        status.configuredAddresses = ["192.168.100.4/24"]
        status.configuredAddress = nil
        #expect(!report.isReported(in: status))
        let patch = try report.mergePatch()
        guard case .object(let root) = patch, case .object(let keys)? = root["status"] else {
            Issue.record("not a status patch: \(patch)")
            return
        }
        #expect(Set(keys.keys) == Set(NodeOverlayIpStatus.agentKeys))
        #expect(keys["routes"] == .null)
    }

    @Test("netlink events on our device and routes concern the agent; other routes do not")
    func eventFilter() {
        #expect(NodeAgent.concernsAgent(.routeRemoved(ourRoute("10.20.0.0/16")), deviceName: "tmp0"))
        let foreign = Route(destination: IPPrefix("10.9.0.0/16")!, gateway: IPAddress("10.0.0.1"), protocol: .static)
        #expect(!NodeAgent.concernsAgent(.routeAdded(foreign), deviceName: "tmp0"))
        #expect(NodeAgent.concernsAgent(.linkRemoved(upMacvlan), deviceName: "tmp0"))
        #expect(NodeAgent.concernsAgent(.eventsLost, deviceName: "tmp0"))
    }
}
