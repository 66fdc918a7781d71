// The operator's own metrics through swift-metrics, created once and shared by every loop.
import CoreMetrics

/// The operator-specific metrics (names in the README's metrics table); API requests, work queues,
/// reconciles, watches and IPAM calls are recorded by KubeClient, KubeRuntime and the metered IPAM backend.
public struct OperatorMetrics: Sendable {
    /// Where every metric of this operator goes.
    public let factory: any MetricsFactory
    /// 1 while this process leads, else 0 (client-go's `leader_election_master_status`).
    public let leader: Gauge
    /// Addresses re-claimed by the recovery loop.
    public let reclaimed: Counter
    /// Orphan allocations released by the recovery loop.
    public let orphansReleased: Counter
    /// Orphan allocations still within their grace period.
    public let orphansWaiting: Gauge

    /// Creates the metrics in `factory` (the process-wide `MetricsSystem` by default); `leaseName` labels the leader gauge.
    public init(factory: any MetricsFactory = MetricsSystem.factory, leaseName: String = "overlay-ip-controller") {
        self.factory = factory
        leader = Gauge(label: "leader_election_master_status", dimensions: [("name", leaseName)], factory: factory)
        reclaimed = Counter(label: "overlay_recovery_reclaimed_total", factory: factory)
        orphansReleased = Counter(label: "overlay_recovery_orphans_released_total", factory: factory)
        orphansWaiting = Gauge(label: "overlay_recovery_orphans_waiting", factory: factory)
        leader.record(0)
        orphansWaiting.record(0)
    }

    /// Adjusts the allocation count of `zone` between two recovery passes (which set exact values).
    public func allocationChanged(zone: String, by delta: Int) {
        let allocations = allocations(zone)
        if delta >= 0 { allocations.increment(by: Double(delta)) } else { allocations.decrement(by: Double(-delta)) }
    }

    /// Sets the allocation count of each zone in `counts` (callers include empty zones as 0).
    public func allocations(perZone counts: [String: Int]) {
        for (zone, count) in counts { allocations(zone).set(count) }
    }

    private func allocations(_ zone: String) -> Meter {
        Meter(label: "overlay_allocations", dimensions: [("zone", zone)], factory: factory)
    }
}
