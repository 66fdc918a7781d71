// The netlink side of the agent: reads a KernelSnapshot and executes a NodePlan, counting every write.
import IPAddressing
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import Netlink

/// What executing a plan did.
public struct PlanExecution: Sendable {
    /// The writes attempted.
    public var writes: Int = 0
    /// Route changes the kernel rejected, keyed by their route.
    public var routeFailures: [Route: NetlinkError] = [:]
    /// Device or address steps that failed (routes then are not attempted).
    public var failures: [String] = []

    /// An execution that did nothing (what an empty plan amounts to).
    public init() {}
}

/// Reads and changes one network namespace through a ``NetlinkContext``.
public struct NodeKernel: KernelAccess {
    /// The netlink context (its namespace is where everything happens).
    public let netlink: NetlinkContext
    private let writes: NetlinkWriteCounter
    private let logger: Logger

    /// Wraps `netlink`, counting writes in `writes`.
    public init(netlink: NetlinkContext, writes: NetlinkWriteCounter, logger: Logger) {
        self.netlink = netlink
        self.writes = writes
        self.logger = logger
    }

    /// Reads links, addresses and routes (IPv4 and IPv6, every table).
    public func snapshot() async throws(NetlinkError) -> KernelSnapshot {
        let links = try await netlink.links()
        let addresses = try await netlink.addresses()
        let routes = try await netlink.routes()
        return KernelSnapshot(links: links, addresses: addresses, routes: routes)
    }

    /// Streams the namespace's netlink events until the socket fails or the task is cancelled.
    public func followEvents(opened: () -> Void, onEvent: (NetlinkEvent) -> Void) async throws(NetlinkError) {
        let events = try await netlink.events()
        opened()
        for try await event in events { onEvent(event) }
    }

    /// Executes `plan`: device actions, then address actions, then all route changes in one batch.
    /// Stops before the routes when a device or address step fails (they would fail the same way).
    public func execute(_ plan: NodePlan, deviceName: String) async -> PlanExecution {
        var execution = PlanExecution()
        do throws(NetlinkError) {
            for action in plan.deviceActions {
                execution.writes += 1
                writes.add(1)
                switch action {
                case .createMacvlan(let name, let parent):
                    logger.info("creating overlay device", metadata: ["device": "\(name)", "parent": "\(parent)"])
                    _ = try await netlink.createMacvlan(named: name, parent: .name(parent))
                case .setUp(let name):
                    logger.info("setting overlay device up", metadata: ["device": "\(name)"])
                    try await netlink.setLink(.name(name), up: true)
                case .delete(let name):
                    logger.info("deleting overlay device", metadata: ["device": "\(name)"])
                    try await netlink.deleteLink(.name(name))
                }
            }
            if !plan.addressActions.isEmpty {
                guard let device = try await netlink.link(named: deviceName) else {
                    throw NetlinkError(operation: "looking up \(deviceName)", errno: ENODEV, message: "the overlay device vanished")
                }
                for action in plan.addressActions {
                    execution.writes += 1
                    writes.add(1)
                    switch action {
                    case .add(let address):
                        logger.info("adding overlay address", metadata: ["address": "\(address)", "device": "\(deviceName)"])
                        try await netlink.addAddress(address.interfaceAddress(onInterface: device.index))
                    case .remove(let address):
                        logger.info("removing stale address", metadata: ["address": "\(address.cidr)", "device": "\(deviceName)"])
                        try await netlink.deleteAddress(address)
                    }
                }
            }
        } catch {
            logger.warning("configuring the overlay device failed", metadata: ["error": "\(error)"])
            execution.failures.append(error.description)
            for change in plan.routeChanges { execution.routeFailures[change.route] = error }
            return execution
        }
        guard !plan.routeChanges.isEmpty else { return execution }
        execution.writes += plan.routeChanges.count
        writes.add(plan.routeChanges.count)
        let results = await netlink.applyRouteChanges(plan.routeChanges)
        for (change, failure) in zip(plan.routeChanges, results) {
            guard var failure else { continue }
            if case .delete = change, failure.isNotFound { continue }  // already gone: the goal is met
            if case .add = change, failure.isAlreadyExists { continue }  // raced with our own earlier write
            failure.operation = failure.operation.isEmpty ? "\(change)" : failure.operation
            execution.routeFailures[change.route] = failure
        }
        let failed = execution.routeFailures.count
        // A route that keeps failing is retried every pass; the agent logs it when it starts and stops failing.
        logger.log(
            level: failed < plan.routeChanges.count ? .info : .debug, "applied route changes",
            metadata: ["changes": "\(plan.routeChanges.count)", "failed": "\(failed)"])
        return execution
    }
}
