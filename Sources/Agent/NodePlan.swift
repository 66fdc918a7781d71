// The pure diff of desired against kernel state: the netlink writes to make and the per-route report.
import IPAddressing
import Netlink
import OverlayAPI

/// The changes that bring the kernel to a ``DesiredNode``, computed without I/O.
///
/// Order of execution: ``deviceActions``, then ``addressActions``, then ``routeChanges``. Only the
/// overlay device, addresses on it, and routes marked ``RouteProtocol/overlayAgent`` are ever written.
/// An empty plan (``isEmpty``) means the node is already configured: no netlink writes.
public struct NodePlan: Sendable, Hashable {
    /// A change to the overlay device.
    public enum DeviceAction: Sendable, Hashable {
        /// Create macvlan `name` (bridge mode) on `parent`.
        case createMacvlan(name: String, parent: String)
        /// Set `name` administratively up.
        case setUp(name: String)
        /// Delete `name` (its addresses go with it).
        case delete(name: String)
    }

    /// A change to an address on the overlay device.
    public enum AddressAction: Sendable, Hashable {
        /// Add the address to the overlay device (its index is resolved when executing).
        case add(OverlayAddress)
        /// Remove a stale address from the overlay device.
        case remove(InterfaceAddress)
    }

    /// What a selected StaticRoute will be reported as, once the writes are done.
    public struct RouteIntent: Sendable, Hashable {
        /// The report assuming every write succeeds.
        public var report: RouteReport
        /// The kernel route behind an `Applied` report, whose change failing turns it into `Failed`.
        public var route: Route?
    }

    /// Device changes, executed first.
    public var deviceActions: [DeviceAction] = []
    /// Address changes on the overlay device, executed second.
    public var addressActions: [AddressAction] = []
    /// Route changes, all on protocol-197 routes, executed last (in one batch).
    public var routeChanges: [RouteChange] = []
    /// One entry per selected StaticRoute, sorted by name.
    public var routeIntents: [RouteIntent] = []
    /// The parent interface's name, when it was found.
    public var parentName: String?
    /// The overlay addresses that are configured once the plan is executed, in the order of `status.ipAddrs`.
    public var configuredAddresses: [OverlayAddress] = []
    /// Problems that block part of the configuration (e.g. no parent interface); reported and retried.
    public var problems: [String] = []

    /// The primary overlay address once the plan is executed (`configuredAddresses[0]`).
    public var configuredAddress: OverlayAddress? { configuredAddresses.first }

    /// The addresses the plan adds to the overlay device.
    public var addedAddresses: [OverlayAddress] {
        addressActions.compactMap { action -> OverlayAddress? in
            if case .add(let address) = action { address } else { nil }
        }
    }

    /// Whether the plan makes no netlink write.
    public var isEmpty: Bool { deviceActions.isEmpty && addressActions.isEmpty && routeChanges.isEmpty }

    /// Computes the changes that take `kernel` to `desired`.
    public static func compute(desired: DesiredNode, kernel: KernelSnapshot) -> NodePlan {
        var plan = NodePlan()
        plan.problems = desired.problems
        let device = kernel.link(named: desired.deviceName)
        let overlayAddresses = desired.overlayAddresses
        guard !overlayAddresses.isEmpty else {
            plan.planTeardown(device: device, kernel: kernel)
            return plan
        }
        let parent = resolveParent(desired.parent, kernel: kernel)
        plan.parentName = parent?.name
        guard let parent else {
            plan.problems.append(parentProblem(desired.parent))
            plan.planRoutes(desired: desired, kernel: kernel, deviceIndex: nil, blockedBy: "the overlay device cannot be created: \(parentProblem(desired.parent))")
            return plan
        }
        if let device {
            guard device.kind == "macvlan" else {
                let problem =
                    "interface \(device.name) exists but is not a macvlan (kind \(device.kind ?? "none")); the agent does not "
                    + "touch interfaces it did not create: remove it or set INTERFACE_LABEL to another name"
                plan.problems.append(problem)
                plan.planRoutes(desired: desired, kernel: kernel, deviceIndex: nil, blockedBy: problem)
                return plan
            }
            if device.parentIndex != parent.index {
                plan.deviceActions = [
                    .delete(name: device.name), .createMacvlan(name: desired.deviceName, parent: parent.name),
                    .setUp(name: desired.deviceName),
                ]
                plan.addressActions = overlayAddresses.map(AddressAction.add)
            } else {
                if !device.isUp { plan.deviceActions.append(.setUp(name: device.name)) }
                plan.planAddresses(overlayAddresses, on: kernel.addresses(onLinkIndex: device.index))
            }
        } else {
            plan.deviceActions = [.createMacvlan(name: desired.deviceName, parent: parent.name), .setUp(name: desired.deviceName)]
            plan.addressActions = overlayAddresses.map(AddressAction.add)
        }
        plan.configuredAddresses = overlayAddresses
        // Routes name the device only once it exists unchanged; on the pass that creates it the kernel
        // picks the device from the gateway, and the next pass pins it (one replace per route at most).
        let keptDevice = device.flatMap { $0.parentIndex == parent.index ? $0.index : nil }
        plan.planRoutes(desired: desired, kernel: kernel, deviceIndex: keptDevice, blockedBy: nil)
        return plan
    }

    /// The reports to publish after executing the plan, given which route changes failed.
    /// - Parameter failures: the error of each failed change, keyed by the change's route.
    public func reports(failures: [Route: NetlinkError] = [:]) -> [RouteReport] {
        routeIntents.map { intent in
            guard let route = intent.route, let failure = failures[route] else { return intent.report }
            var report = intent.report
            report.state = .failed
            report.message = failure.description
            return report
        }
    }

    // MARK: - Device and addresses

    private static func resolveParent(_ parent: ParentInterface, kernel: KernelSnapshot) -> Link? {
        switch parent {
        case .named(let name): kernel.link(named: name)
        case .holding(let addresses): addresses.lazy.compactMap { kernel.link(holding: $0) }.first
        }
    }

    private static func parentProblem(_ parent: ParentInterface) -> String {
        switch parent {
        case .named(let name):
            "the parent interface \(name) does not exist; fix INTERFACE or unset it to use the interface holding the node's InternalIP"
        case .holding(let addresses) where addresses.isEmpty:
            "the node has no InternalIP to find the parent interface by; set INTERFACE to the host NIC's name"
        case .holding(let addresses):
            "no interface holds the node's InternalIP (\(addresses.map(\.description).joined(separator: ", "))); set INTERFACE to the host NIC's name"
        }
    }

    private mutating func planTeardown(device: Link?, kernel: KernelSnapshot) {
        if let device, device.kind == "macvlan" { deviceActions = [.delete(name: device.name)] }
        routeChanges = kernel.ownRoutes.map(RouteChange.delete)
    }

    /// Keeps exactly `wanted` on the device: removes other IPv4 addresses and other IPv6 ones except those
    /// the kernel manages (its fe80:: address and SLAAC addresses stay), then adds those of `wanted` that
    /// are missing.
    private mutating func planAddresses(_ wanted: [OverlayAddress], on present: [InterfaceAddress]) {
        var held: Set<OverlayAddress> = []
        for address in present {
            let overlay = OverlayAddress(address: address.address, prefixLength: address.prefixLength)
            if wanted.contains(overlay) {
                held.insert(overlay)
            } else if !KernelSnapshot.isKernelManaged(address) {
                addressActions.append(.remove(address))
            }
        }
        addressActions += wanted.filter { !held.contains($0) }.map(AddressAction.add)
    }

    // MARK: - Routes

    private struct RouteKey: Hashable {
        var destination: IPPrefix
        var table: RoutingTable
    }

    /// Decides each selected StaticRoute's fate, then diffs the wanted routes against our installed ones.
    private mutating func planRoutes(
        desired: DesiredNode, kernel: KernelSnapshot, deviceIndex: Int32?, blockedBy blocker: String?
    ) {
        let protected = ProtectedRanges(
            kernel: kernel, overlayDevice: desired.deviceName, overlaySubnets: desired.overlays.compactMap(\.subnet),
            extra: desired.protectedCIDRs)
        var wanted: [RouteKey: (route: Route, owner: String)] = [:]
        var wantedOrder: [RouteKey] = []
        let foreign = Set(kernel.routes.filter { $0.protocol != .overlayAgent && $0.hasDefaultMetric }
            .map { RouteKey(destination: $0.destination, table: $0.table) })
        for staticRoute in desired.routes {
            let decision = Self.decide(staticRoute, desired: desired, deviceIndex: deviceIndex, protected: protected)
            var report = decision.report
            guard case .route(let route) = decision.outcome else {
                routeIntents.append(RouteIntent(report: report, route: nil))
                continue
            }
            let key = RouteKey(destination: route.destination, table: route.table)
            if let blocker {
                report.state = .failed
                report.message = blocker
                routeIntents.append(RouteIntent(report: report, route: nil))
            } else if let existing = wanted[key] {
                if existing.route == route {
                    routeIntents.append(RouteIntent(report: report, route: route))
                } else {
                    report.state = .refused
                    report.message =
                        "StaticRoute \(existing.owner) already routes \(route.destination) in table \(route.table) "
                        + "via \(existing.route.gateway.map(\.description) ?? "no gateway"); remove one of the two"
                    routeIntents.append(RouteIntent(report: report, route: nil))
                }
            } else if foreign.contains(key) {
                report.state = .refused
                report.message =
                    "a route to \(route.destination) in table \(route.table) installed by another owner exists; "
                    + "the agent never replaces routes it did not create"
                routeIntents.append(RouteIntent(report: report, route: nil))
            } else {
                wanted[key] = (route, staticRoute.metadata.name)
                wantedOrder.append(key)
                routeIntents.append(RouteIntent(report: report, route: route))
            }
        }
        diffRoutes(wanted: wanted.mapValues(\.route), order: wantedOrder, installed: kernel.ownRoutes)
    }

    /// Deletes our routes that are not wanted, adds the wanted ones that are missing, and replaces
    /// ours whose gateway differs.
    private mutating func diffRoutes(wanted: [RouteKey: Route], order: [RouteKey], installed: [Route]) {
        var satisfied: Set<RouteKey> = []
        var replaceable: Set<RouteKey> = []
        var deletions: [RouteChange] = []
        for route in installed {
            let key = RouteKey(destination: route.destination, table: route.table)
            if let want = wanted[key], !satisfied.contains(key), want.isSatisfied(by: route) {
                satisfied.insert(key)
            } else if wanted[key] != nil, route.hasDefaultMetric, !replaceable.contains(key) {
                replaceable.insert(key)
            } else {
                deletions.append(.delete(route))
            }
        }
        var additions: [RouteChange] = []
        for key in order where !satisfied.contains(key) {
            guard let route = wanted[key] else { continue }
            additions.append(replaceable.contains(key) ? .replace(route) : .add(route))
        }
        // A replaceable route that turned out satisfied by another entry is a duplicate: delete it.
        for key in replaceable.intersection(satisfied) {
            deletions += installed.filter {
                RouteKey(destination: $0.destination, table: $0.table) == key && !(wanted[key]?.isSatisfied(by: $0) ?? false)
            }.map(RouteChange.delete)
        }
        routeChanges = deletions + additions
    }

    private enum RouteOutcome {
        case route(Route)
        case notInstalled
    }

    private static func decide(
        _ staticRoute: StaticRoute, desired: DesiredNode, deviceIndex: Int32?, protected: ProtectedRanges
    ) -> (outcome: RouteOutcome, report: RouteReport) {
        let spec = staticRoute.spec
        let tableID = spec.table ?? Int(RoutingTable.main.rawValue)
        let destination = try? IPPrefix(parsing: spec.subnet)
        let overlay = destination.flatMap { desired.overlay(for: $0.family) }
        var report = RouteReport(
            name: staticRoute.metadata.name, subnet: spec.subnet,
            gateway: spec.gateway ?? overlay?.gateway?.description, device: desired.deviceName, table: tableID,
            state: .applied)
        func refuse(_ message: String) -> (outcome: RouteOutcome, report: RouteReport) {
            report.state = .refused
            report.message = message
            return (.notInstalled, report)
        }
        guard let destination else {
            return refuse("spec.subnet \"\(spec.subnet)\" is not a network in CIDR form such as 10.20.0.0/16 (host bits must be zero)")
        }
        guard tableID > 0, tableID < Int(UInt32.max), tableID != Int(RoutingTable.local.rawValue) else {
            return refuse("spec.table \(tableID) is not a usable routing table; use 1-252, 254 (main) or a custom id above 255")
        }
        guard let overlay else {
            let held = desired.overlays.map(\.family.description).joined(separator: " and ")
            let family = destination.family
            return refuse(
                "the node has no \(family) overlay address (its NodeOverlayIp holds \(held) only), so it cannot route "
                    + "\(destination); \(family) routes need a zone with an \(family) subnet")
        }
        let gateway: IPAddress
        if let text = spec.gateway {
            guard let parsed = IPAddress(text) else { return refuse("spec.gateway \"\(text)\" is not an IP address") }
            gateway = parsed
        } else if let overlayGateway = overlay.gateway {
            gateway = overlayGateway
        } else {
            report.state = .failed
            report.message =
                "no \(destination.family) gateway: the NodeOverlayIp has no \(destination.family) entry in status.gateways yet "
                + "and the StaticRoute sets no spec.gateway"
            return (.notInstalled, report)
        }
        guard gateway.family == destination.family else {
            return refuse("gateway \(gateway) is \(gateway.family) but the subnet \(destination) is \(destination.family)")
        }
        if let reason = protected.refusal(of: destination) { return refuse(reason) }
        // A gateway on an overlay subnet, or an IPv6 link-local one (which the kernel only reaches through
        // a named device), is reached through the overlay device; any other gateway through whatever
        // device the kernel finds for it.
        let linkLocal = KernelSnapshot.ipv6LinkLocal?.contains(gateway) ?? false
        let viaOverlay = linkLocal || desired.overlays.contains { $0.subnet?.contains(gateway) ?? false }
        if !viaOverlay { report.device = nil }
        if linkLocal, deviceIndex == nil {
            report.state = .failed
            report.message =
                "the link-local gateway \(gateway) is reached only through the overlay device \(desired.deviceName), "
                + "which does not exist yet; the route is added once it does"
            return (.notInstalled, report)
        }
        let route = Route(
            destination: destination, gateway: gateway, outputInterfaceIndex: viaOverlay ? deviceIndex : nil,
            table: RoutingTable(UInt32(tableID)))
        return (.route(route), report)
    }
}

extension Route {
    /// Whether the route has the metric the kernel gives a route added without one: 0 for IPv4, 1024 for
    /// IPv6 (`IP6_RT_PRIO_USER`). Only such routes clash with ours (same destination, table and metric).
    var hasDefaultMetric: Bool {
        let kernelDefault: UInt32 = destination.family == .v6 ? 1024 : 0
        return (metric ?? kernelDefault) == kernelDefault
    }
}
