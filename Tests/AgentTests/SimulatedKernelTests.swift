// Unit tests of the dry-run kernel: its initial state, plans executed against it, and convergence.
import Foundation
import IPAddressing
import Logging
import Netlink
import OverlayAPI
import KubeClient
import Testing

@testable import Agent

private func simulated(writes: NetlinkWriteCounter = NetlinkWriteCounter()) throws -> SimulatedKernel {
    SimulatedKernel(
        hostInterface: "host0", hostAddress: try #require(OverlayAddress(cidr: "10.77.0.10/24")), writes: writes,
        logger: Logger(label: "simulated-kernel-test"))
}

private func desired(address: String? = "192.168.200.5/24", routes: [StaticRoute] = []) -> DesiredNode {
    DesiredNode(
        deviceName: "tmp0", parent: .named("host0"), overlayAddress: address.flatMap { OverlayAddress(cidr: $0) },
        overlaySubnet: IPPrefix("192.168.200.0/24"), overlayGateway: IPAddress("192.168.200.1"), routes: routes)
}

private let labRoute = StaticRoute(metadata: ObjectMeta(name: "onprem"), spec: StaticRouteSpec(subnet: "192.168.0.0/24"))

/// Plans against `kernel` and executes until the plan is empty; returns the passes that wrote something.
private func converge(_ kernel: SimulatedKernel, to node: DesiredNode) async throws -> [NodePlan] {
    var plans: [NodePlan] = []
    for _ in 0..<5 {
        let plan = NodePlan.compute(desired: node, kernel: try await kernel.snapshot())
        if plan.isEmpty { return plans }
        let execution = await kernel.execute(plan, deviceName: node.deviceName)
        #expect(execution.failures.isEmpty)
        #expect(execution.routeFailures.isEmpty)
        plans.append(plan)
    }
    Issue.record("the plan did not converge in 5 passes: \(plans)")
    return plans
}

@Suite("SimulatedKernel")
struct SimulatedKernelTests {
    @Test("starts with lo and the host NIC holding the given address and its connected route")
    func initialState() async throws {
        let snapshot = try await simulated().snapshot()
        let host = try #require(snapshot.link(named: "host0"))
        #expect(host.isUp)
        #expect(snapshot.addresses(onLinkIndex: host.index).map(\.cidr) == ["10.77.0.10/24"])
        #expect(snapshot.routes.contains { $0.destination == IPPrefix("10.77.0.0/24") && $0.outputInterfaceIndex == host.index })
        #expect(snapshot.ownRoutes.isEmpty)
    }

    @Test("a NodePlan round trip creates the macvlan, address and route, reports Applied, then converges to no change")
    func planRoundTrip() async throws {
        let writes = NetlinkWriteCounter()
        let kernel = try simulated(writes: writes)
        let node = desired(routes: [labRoute])
        let plans = try await converge(kernel, to: node)
        let first = try #require(plans.first)
        #expect(first.deviceActions == [.createMacvlan(name: "tmp0", parent: "host0"), .setUp(name: "tmp0")])
        #expect(first.reports().map(\.state) == [.applied])
        #expect(plans.count <= 2)  // the second pass at most pins the route to the device

        let snapshot = try await kernel.snapshot()
        let device = try #require(snapshot.link(named: "tmp0"))
        #expect(device.kind == "macvlan" && device.isUp && device.parentIndex == snapshot.link(named: "host0")?.index)
        #expect(snapshot.addresses(onLinkIndex: device.index).map(\.cidr) == ["192.168.200.5/24"])
        let route = try #require(snapshot.ownRoutes.first)
        #expect(snapshot.ownRoutes.count == 1)
        #expect(route.destination == IPPrefix("192.168.0.0/24") && route.gateway == IPAddress("192.168.200.1"))
        #expect(route.outputInterfaceIndex == device.index)

        let settled = NodePlan.compute(desired: node, kernel: snapshot)
        #expect(settled.isEmpty)
        #expect(settled.reports().map(\.state) == [.applied])
        #expect(writes.value == plans.map { $0.deviceActions.count + $0.addressActions.count + $0.routeChanges.count }.reduce(0, +))
    }

    @Test("a dual-stack node converges: both addresses (IPv6 without DAD) and a route per family via its gateway")
    func dualStackRoundTrip() async throws {
        let kernel = try simulated()
        let overlays = [
            OverlayAssignment(address: try #require(OverlayAddress(cidr: "192.168.200.5/24")), gateway: IPAddress("192.168.200.1")),
            OverlayAssignment(address: try #require(OverlayAddress(cidr: "fd00:200::5/64")), gateway: IPAddress("fd00:200::1")),
        ]
        let v6Route = StaticRoute(metadata: ObjectMeta(name: "onprem-v6"), spec: StaticRouteSpec(subnet: "fd01::/64"))
        let node = DesiredNode(deviceName: "tmp0", parent: .named("host0"), overlays: overlays, routes: [labRoute, v6Route])
        let plans = try await converge(kernel, to: node)
        #expect(plans.count <= 2)
        let snapshot = try await kernel.snapshot()
        let device = try #require(snapshot.link(named: "tmp0"))
        let held = snapshot.addresses(onLinkIndex: device.index)
        #expect(held.map(\.cidr) == ["192.168.200.5/24", "fd00:200::5/64"])
        #expect(held.last?.flags.contains(.noDuplicateAddressDetection) == true)
        #expect(Set(snapshot.ownRoutes.map { "\($0.destination) via \($0.gateway.map(\.description) ?? "-")" }) == [
            "192.168.0.0/24 via 192.168.200.1", "fd01::/64 via fd00:200::1",
        ])
        #expect(NodePlan.compute(desired: node, kernel: snapshot).reports().map(\.state) == [.applied, .applied])
    }

    @Test("a deleted NodeOverlayIp tears the simulated device and our routes down, leaving the host NIC")
    func teardown() async throws {
        let kernel = try simulated()
        _ = try await converge(kernel, to: desired(routes: [labRoute]))
        _ = try await converge(kernel, to: desired(address: nil))
        let snapshot = try await kernel.snapshot()
        #expect(snapshot.link(named: "tmp0") == nil)
        #expect(snapshot.ownRoutes.isEmpty)
        #expect(snapshot.link(named: "host0") != nil)
    }

    @Test("a missing parent fails like the kernel: ENODEV, routes reported failed, nothing created")
    func missingParentFails() async throws {
        let kernel = try simulated()
        var plan = NodePlan()
        plan.deviceActions = [.createMacvlan(name: "tmp0", parent: "eth9")]
        let execution = await kernel.execute(plan, deviceName: "tmp0")
        #expect(execution.failures.count == 1)
        #expect(try await kernel.snapshot().link(named: "tmp0") == nil)
    }

    @Test("a route whose gateway no address reaches is rejected as unreachable")
    func unreachableGateway() async throws {
        let kernel = try simulated()
        let route = Route(destination: try #require(IPPrefix("192.168.0.0/24")), gateway: IPAddress("172.16.0.1"))
        var plan = NodePlan()
        plan.routeChanges = [.add(route)]
        let execution = await kernel.execute(plan, deviceName: "tmp0")
        #expect(execution.routeFailures[route]?.errno == ENETUNREACH)
        #expect(try await kernel.snapshot().ownRoutes.isEmpty)
    }
}
