// controller-runtime's reconcile metrics (controller_runtime_reconcile_*) for one controller, through swift-metrics.
import CoreMetrics
import Metrics

/// What controller-runtime exports per controller: reconciles by result (`success`, `error`,
/// `requeue_after`), errors, and reconcile time. As in controller-runtime, the counters exist at 0 from
/// the start, so `rate()` and `increase()` see the first error.
struct ReconcileMetrics: Sendable {
    let controller: String
    let factory: any MetricsFactory

    init(controller: String, factory: any MetricsFactory) {
        self.controller = controller
        self.factory = factory
        for result in ["success", "error", "requeue_after"] {
            _ = Counter(
                label: "controller_runtime_reconcile_total", dimensions: [("controller", controller), ("result", result)],
                factory: factory)
        }
        _ = Counter(label: "controller_runtime_reconcile_errors_total", dimensions: [("controller", controller)], factory: factory)
    }

    func record(result: String, duration: Duration) {
        Counter(
            label: "controller_runtime_reconcile_total", dimensions: [("controller", controller), ("result", result)],
            factory: factory
        ).increment()
        if result == "error" {
            Counter(label: "controller_runtime_reconcile_errors_total", dimensions: [("controller", controller)], factory: factory)
                .increment()
        }
        Timer(label: "controller_runtime_reconcile_time_seconds", dimensions: [("controller", controller)], factory: factory)
            .record(duration: duration)
    }
}
