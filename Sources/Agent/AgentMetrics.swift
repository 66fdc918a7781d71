// The agent's Prometheus metrics: passes, netlink writes, pass duration and routes by state.
import OpsServer
import OverlayAPI

/// The metrics one agent exports.
struct AgentMetrics: Sendable {
    private let passes: Counter
    private let failedPasses: Counter
    private let writes: Counter
    private let duration: Histogram
    private let applied: Gauge
    private let refused: Gauge
    private let failed: Gauge

    init(registry: MetricsRegistry) {
        passes = registry.counter("overlay_agent_reconcile_total", help: "Reconcile passes run.")
        failedPasses = registry.counter("overlay_agent_reconcile_failures_total", help: "Reconcile passes that left a problem to retry.")
        writes = registry.counter("overlay_agent_netlink_writes_total", help: "Netlink write requests (device, address, route).")
        duration = registry.histogram("overlay_agent_reconcile_duration_seconds", help: "Duration of a reconcile pass.")
        let help = "StaticRoutes selecting this node, by reported state."
        applied = registry.gauge("overlay_agent_routes", help: help, labels: ["state": "Applied"])
        refused = registry.gauge("overlay_agent_routes", help: help, labels: ["state": "Refused"])
        failed = registry.gauge("overlay_agent_routes", help: help, labels: ["state": "Failed"])
    }

    func recordPass(writes count: Int, duration elapsed: Duration, failed didFail: Bool) {
        passes.increment()
        if didFail { failedPasses.increment() }
        writes.increment(by: Double(count))
        duration.observe(elapsed)
    }

    func recordRoutes(_ reports: [RouteReport]) {
        applied.set(Double(reports.count { $0.state == .applied }))
        refused.set(Double(reports.count { $0.state == .refused }))
        failed.set(Double(reports.count { $0.state == .failed }))
    }
}
