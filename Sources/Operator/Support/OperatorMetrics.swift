// The operator's Prometheus metrics, created once and shared by every loop.
import OpsServer

/// Every metric the operator exports on `/metrics`.
public struct OperatorMetrics: Sendable {
    /// The registry the metrics live in (served by the ops server).
    public let registry: MetricsRegistry
    /// 1 while this process leads, else 0.
    public let leader: Gauge
    /// Addresses re-claimed by the recovery loop.
    public let reclaimed: Counter
    /// Orphan allocations released by the recovery loop.
    public let orphansReleased: Counter
    /// Orphan allocations still within their grace period.
    public let orphansWaiting: Gauge

    /// Registers the metrics in `registry`.
    public init(registry: MetricsRegistry) {
        self.registry = registry
        leader = registry.gauge("overlay_leader", help: "1 while this operator instance holds the leader lease")
        reclaimed = registry.counter(
            "overlay_recovery_reclaimed_total", help: "Addresses recorded in NodeOverlayIp status re-claimed in the IPAM")
        orphansReleased = registry.counter(
            "overlay_recovery_orphans_released_total", help: "IPAM allocations without a NodeOverlayIp released after the grace period")
        orphansWaiting = registry.gauge(
            "overlay_recovery_orphans_waiting", help: "IPAM allocations without a NodeOverlayIp still within the grace period")
        leader.set(0)
        orphansWaiting.set(0)
    }

    /// Counts one reconcile of `controller`.
    public func reconciled(_ controller: String) {
        registry.counter("overlay_reconciles_total", help: "Reconciles per controller", labels: ["controller": controller]).increment()
    }

    /// Counts one failed reconcile of `controller`.
    public func failed(_ controller: String) {
        registry.counter(
            "overlay_reconcile_errors_total", help: "Failed reconciles per controller", labels: ["controller": controller]
        ).increment()
    }

    /// Records how long one IPAM `operation` took.
    public func ipamCall(_ operation: String, took duration: Duration) {
        registry.histogram(
            "overlay_ipam_call_duration_seconds", help: "IPAM backend call latency", labels: ["operation": operation]
        ).observe(duration)
    }

    /// Adjusts the allocation count of `zone` between two recovery passes (which set exact values).
    public func allocationChanged(zone: String, by delta: Int) {
        registry.gauge("overlay_allocations", help: "Addresses held per zone", labels: ["zone": zone]).add(Double(delta))
    }

    /// Sets the allocation count of each zone in `counts` (callers include empty zones as 0).
    public func allocations(perZone counts: [String: Int]) {
        for (zone, count) in counts {
            registry.gauge("overlay_allocations", help: "Addresses held per zone", labels: ["zone": zone]).set(Double(count))
        }
    }
}
