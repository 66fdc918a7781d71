// The agent's metrics through swift-metrics: passes, netlink writes, drift repairs, pass duration and routes by state.
import CoreMetrics
import Metrics
import OverlayAPI

/// The metrics one agent records (names in the README's metrics table).
struct AgentMetrics: Sendable {
    private let passes: Counter
    private let failedPasses: Counter
    private let writes: Counter
    private let repairs: Counter
    private let duration: Timer
    private let applied: Gauge
    private let refused: Gauge
    private let failed: Gauge

    init(factory: any MetricsFactory) {
        passes = Counter(label: "overlay_agent_reconcile_total", factory: factory)
        failedPasses = Counter(label: "overlay_agent_reconcile_failures_total", factory: factory)
        writes = Counter(label: "overlay_agent_netlink_writes_total", factory: factory)
        repairs = Counter(label: "overlay_agent_drift_repairs_total", factory: factory)
        duration = Timer(label: "overlay_agent_reconcile_duration_seconds", factory: factory)
        applied = Gauge(label: "overlay_agent_routes", dimensions: [("state", "Applied")], factory: factory)
        refused = Gauge(label: "overlay_agent_routes", dimensions: [("state", "Refused")], factory: factory)
        failed = Gauge(label: "overlay_agent_routes", dimensions: [("state", "Failed")], factory: factory)
    }

    /// Records one pass; `repairedDrift` when it followed a kernel change made by someone else and wrote.
    func recordPass(writes count: Int, duration elapsed: Duration, failed didFail: Bool, repairedDrift: Bool) {
        passes.increment()
        if didFail { failedPasses.increment() }
        writes.increment(by: count)
        if repairedDrift { repairs.increment() }
        duration.record(duration: elapsed)
    }

    func recordRoutes(_ reports: [RouteReport]) {
        applied.record(reports.count { $0.state == .applied })
        refused.record(reports.count { $0.state == .refused })
        failed.record(reports.count { $0.state == .failed })
    }
}
