// What the agent needs from a kernel: read a snapshot, execute a plan, follow change events.
import Netlink

/// The kernel side of a ``NodeAgent``: ``NodeKernel`` over netlink in production, ``SimulatedKernel``
/// in a dry run. Plans are computed against ``snapshot()`` the same way for both.
public protocol KernelAccess: Sendable {
    /// Reads links, addresses and routes.
    func snapshot() async throws(NetlinkError) -> KernelSnapshot

    /// Executes `plan` (device, then address, then route changes) and says what failed.
    func execute(_ plan: NodePlan, deviceName: String) async -> PlanExecution

    /// Delivers change events to `onEvent` until the subscription fails (throws), ends, or the task is
    /// cancelled; `opened` is called once the subscription is active.
    func followEvents(opened: () -> Void, onEvent: (NetlinkEvent) -> Void) async throws(NetlinkError)
}
