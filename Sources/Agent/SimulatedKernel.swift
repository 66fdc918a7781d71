// The dry-run kernel: an in-memory namespace the agent plans against, logging every change it would make.
import IPAddressing
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import Netlink
import Synchronization

/// An in-memory stand-in for a network namespace, used by `overlay-network-agent --dry-run`.
///
/// It starts with `lo` and one host NIC holding the node's address, and "executes" plans by changing
/// that state as the kernel would (a created macvlan gets the next index, an address brings its
/// connected route, a route without a device gets the device of the address whose subnet holds its
/// gateway) and by logging each intended change at info level. Later passes therefore see the changes,
/// converge to an empty plan, and report exactly as a real run would; nothing on the host is touched.
public final class SimulatedKernel: KernelAccess {
    private let state: Mutex<KernelSnapshot>
    private let writes: NetlinkWriteCounter
    private let logger: Logger

    private static let upFlag = UInt32(IFF_UP)

    /// Makes a kernel holding `lo` (127.0.0.1/8) and `hostInterface` (up, holding `hostAddress`, with its
    /// connected route).
    public init(
        hostInterface: String, hostAddress: OverlayAddress, writes: NetlinkWriteCounter = NetlinkWriteCounter(),
        logger: Logger
    ) {
        var snapshot = KernelSnapshot(links: [
            Link(index: 1, name: "lo", flags: Self.upFlag), Link(index: 2, name: hostInterface, flags: Self.upFlag),
        ])
        if let loopback = IPAddress("127.0.0.1") {
            Self.addAddress(InterfaceAddress(address: loopback, prefixLength: 8, interfaceIndex: 1), to: &snapshot)
        }
        Self.addAddress(
            InterfaceAddress(address: hostAddress.address, prefixLength: hostAddress.prefixLength, interfaceIndex: 2), to: &snapshot)
        state = Mutex(snapshot)
        self.writes = writes
        self.logger = logger
    }

    /// The simulated state.
    public func snapshot() async throws(NetlinkError) -> KernelSnapshot { state.withLock { $0 } }

    /// Applies `plan` to the simulated state with the kernel's checks, logging each change it would make.
    public func execute(_ plan: NodePlan, deviceName: String) async -> PlanExecution {
        var execution = PlanExecution()
        do throws(NetlinkError) {
            for action in plan.deviceActions {
                execution.writes += 1
                writes.add(1)
                try state.withLock { snapshot throws(NetlinkError) in try apply(action, to: &snapshot) }
            }
            for action in plan.addressActions {
                execution.writes += 1
                writes.add(1)
                try state.withLock { snapshot throws(NetlinkError) in try apply(action, deviceName: deviceName, to: &snapshot) }
            }
        } catch {
            logger.warning("dry-run: configuring the overlay device would fail", metadata: ["error": "\(error)"])
            execution.failures.append(error.description)
            for change in plan.routeChanges { execution.routeFailures[change.route] = error }
            return execution
        }
        for change in plan.routeChanges {
            execution.writes += 1
            writes.add(1)
            do throws(NetlinkError) {
                try state.withLock { snapshot throws(NetlinkError) in try apply(change, to: &snapshot) }
            } catch {
                if case .delete = change, error.isNotFound { continue }
                execution.routeFailures[change.route] = error
            }
        }
        return execution
    }

    /// Nothing else changes a simulated kernel: waits until the task is cancelled.
    public func followEvents(opened: () -> Void, onEvent: (NetlinkEvent) -> Void) async throws(NetlinkError) {
        opened()
        let (never, continuation) = AsyncStream<Never>.makeStream()
        for await _ in never {}
        continuation.finish()
    }

    // MARK: - Changes

    private func apply(_ action: NodePlan.DeviceAction, to snapshot: inout KernelSnapshot) throws(NetlinkError) {
        switch action {
        case .createMacvlan(let name, let parentName):
            guard snapshot.link(named: name) == nil else { throw Self.error("creating macvlan \(name)", EEXIST) }
            guard let parent = snapshot.link(named: parentName) else { throw Self.error("creating macvlan \(name) on \(parentName)", ENODEV) }
            let index = (snapshot.links.map(\.index).max() ?? 0) + 1
            snapshot.links.append(Link(index: index, name: name, kind: "macvlan", parentIndex: parent.index))
            logger.info("dry-run: would create macvlan \(name) on \(parentName)")
        case .setUp(let name):
            guard let position = snapshot.links.firstIndex(where: { $0.name == name }) else {
                throw Self.error("setting \(name) up", ENODEV)
            }
            snapshot.links[position].flags |= Self.upFlag
            logger.info("dry-run: would set \(name) up")
        case .delete(let name):
            guard let link = snapshot.link(named: name) else { throw Self.error("deleting \(name)", ENODEV) }
            snapshot.links.removeAll { $0.index == link.index }
            snapshot.addresses.removeAll { $0.interfaceIndex == link.index }
            snapshot.routes.removeAll { $0.outputInterfaceIndex == link.index }
            logger.info("dry-run: would delete \(name) (with its addresses and routes)")
        }
    }

    private func apply(_ action: NodePlan.AddressAction, deviceName: String, to snapshot: inout KernelSnapshot) throws(NetlinkError) {
        guard let device = snapshot.link(named: deviceName) else { throw Self.error("looking up \(deviceName)", ENODEV) }
        switch action {
        case .add(let wanted):
            var address = wanted.interfaceAddress(onInterface: device.index)
            guard !snapshot.addresses.contains(where: { $0.isSameAssignment(as: address) }) else {
                throw Self.error("adding address \(address.cidr)", EEXIST)
            }
            address.flags.insert(.permanent)
            Self.addAddress(address, to: &snapshot)
            logger.info("dry-run: would add address \(address.cidr) to \(deviceName)")
        case .remove(let address):
            guard snapshot.addresses.contains(address) else { throw Self.error("removing address \(address.cidr)", EADDRNOTAVAIL) }
            snapshot.addresses.removeAll { $0 == address }
            snapshot.routes.removeAll {
                $0.protocol == .kernel && $0.outputInterfaceIndex == address.interfaceIndex && $0.destination == address.subnet
            }
            logger.info("dry-run: would remove address \(address.cidr) from \(deviceName)")
        }
    }

    private func apply(_ change: RouteChange, to snapshot: inout KernelSnapshot) throws(NetlinkError) {
        switch change {
        case .add(let route), .replace(let route):
            var installed = route
            if installed.outputInterfaceIndex == nil {
                guard let gateway = route.gateway,
                    let holder = snapshot.addresses.first(where: { $0.subnet?.contains(gateway) ?? false })
                else { throw Self.error("adding route \(route)", ENETUNREACH) }
                installed.outputInterfaceIndex = holder.interfaceIndex
            }
            installed.scope = installed.scope ?? .universe
            let sameKey = { (other: Route) in
                other.destination == route.destination && other.table == route.table && (other.metric ?? 0) == (route.metric ?? 0)
            }
            if case .add = change, snapshot.routes.contains(where: sameKey) { throw Self.error("adding route \(route)", EEXIST) }
            snapshot.routes.removeAll(where: sameKey)
            snapshot.routes.append(installed)
            let verb = if case .add = change { "add" } else { "replace" }
            let device = snapshot.link(index: installed.outputInterfaceIndex ?? 0)?.name ?? "?"
            logger.info("dry-run: would \(verb) route \(route.destination) via \(route.gateway.map { "\($0)" } ?? "-") dev \(device) table \(route.table)")
        case .delete(let route):
            guard let position = snapshot.routes.firstIndex(where: { route.isSatisfied(by: $0) }) else {
                throw Self.error("deleting route \(route)", ESRCH)
            }
            snapshot.routes.remove(at: position)
            logger.info("dry-run: would delete route \(route.destination) table \(route.table)")
        }
    }

    /// Adds `address` with the connected route the kernel adds for it.
    private static func addAddress(_ address: InterfaceAddress, to snapshot: inout KernelSnapshot) {
        snapshot.addresses.append(address)
        guard let subnet = address.subnet, address.prefixLength < address.address.family.bitWidth else { return }
        snapshot.routes.append(
            Route(destination: subnet, outputInterfaceIndex: address.interfaceIndex, protocol: .kernel, scope: .link, preferredSource: address.address))
    }

    private static func error(_ operation: String, _ code: Int32) -> NetlinkError {
        NetlinkError(operation: "dry-run: \(operation)", errno: code)
    }
}
