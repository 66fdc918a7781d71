// What one reconcile pass of the agent did; published to observers (tests, the lab) and metrics.
import OverlayAPI

/// The result of one reconcile pass.
public struct ReconcileOutcome: Sendable {
    /// Netlink writes made in this pass (zero when the node already was as desired).
    public var writes: Int
    /// The report computed for the NodeOverlayIp status.
    public var report: AgentReport
    /// Whether the status was patched in this pass.
    public var patchedStatus: Bool
    /// Problems that block part of the configuration, and errors of this pass; empty when all went well.
    public var problems: [String]
}
