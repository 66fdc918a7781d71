// A test kernel: a SimulatedKernel that refuses chosen device or address steps, as a real kernel may.
@testable import Agent
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Netlink
import Synchronization

/// Executes plans step by step on a ``SimulatedKernel`` (``base``) and fails the steps that ``refuse(_:)``
/// names with `EBUSY` before they change anything, leaving the steps before them done; after
/// ``failReadsAfterDeviceDeletion()``, reads fail from the next executed plan that deletes a device on.
final class RefusingKernel: KernelAccess {
    /// One device or address step of a plan.
    enum Step {
        case device(NodePlan.DeviceAction)
        case address(NodePlan.AddressAction)
    }

    /// The kernel the accepted steps change.
    let base: SimulatedKernel
    private let refused = Mutex<@Sendable (Step) -> Bool>({ _ in false })
    private let reads = Mutex(ReadFailure.none)

    private enum ReadFailure {
        case none, afterDeviceDeletion, always
    }

    init(base: SimulatedKernel) { self.base = base }

    /// From now on refuses the steps for which `isRefused` is true (`{ _ in false }` accepts all again).
    func refuse(_ isRefused: @escaping @Sendable (Step) -> Bool) { refused.withLock { $0 = isRefused } }

    /// Makes every read fail (`EIO`) once a plan that deletes a device has been executed, until
    /// ``restoreReads()``. Plans of other passes (a route, a repair) leave reads working, so the failure
    /// always hits the read-back of the deletion.
    func failReadsAfterDeviceDeletion() { reads.withLock { $0 = .afterDeviceDeletion } }

    /// Lets reads succeed again.
    func restoreReads() { reads.withLock { $0 = .none } }

    func snapshot() async throws(NetlinkError) -> KernelSnapshot {
        if reads.withLock({ $0 == .always }) { throw NetlinkError(operation: "test: reading the namespace", errno: EIO) }
        return try await base.snapshot()
    }

    func followEvents(opened: () -> Void, onEvent: (NetlinkEvent) -> Void) async throws(NetlinkError) {
        try await base.followEvents(opened: opened, onEvent: onEvent)
    }

    func execute(_ plan: NodePlan, deviceName: String) async -> PlanExecution {
        let deletesDevice = plan.deviceActions.contains { if case .delete = $0 { true } else { false } }
        defer { reads.withLock { if $0 == .afterDeviceDeletion, deletesDevice { $0 = .always } } }
        var execution = PlanExecution()
        let isRefused = refused.withLock { $0 }
        var steps: [(Step, NodePlan)] = plan.deviceActions.map { action in
            var single = NodePlan()
            single.deviceActions = [action]
            return (.device(action), single)
        }
        steps += plan.addressActions.map { action in
            var single = NodePlan()
            single.addressActions = [action]
            return (.address(action), single)
        }
        for (step, single) in steps {
            execution.writes += 1
            let failure: String?
            if isRefused(step) {
                failure = NetlinkError(operation: "test: \(step)", errno: EBUSY, message: "refused by the test").description
            } else {
                failure = await base.execute(single, deviceName: deviceName).failures.first
            }
            if let failure {
                execution.failures.append(failure)
                for change in plan.routeChanges {
                    execution.routeFailures[change.route] = NetlinkError(operation: "test: skipped after \(failure)", errno: EBUSY)
                }
                return execution
            }
        }
        var routes = NodePlan()
        routes.routeChanges = plan.routeChanges
        let routeExecution = await base.execute(routes, deviceName: deviceName)
        execution.writes += routeExecution.writes
        execution.routeFailures = routeExecution.routeFailures
        return execution
    }
}
