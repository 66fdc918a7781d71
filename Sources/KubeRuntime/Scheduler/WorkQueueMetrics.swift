// client-go's work queue metrics (workqueue_*) for one named queue, through swift-metrics.
import CoreMetrics
import Metrics

/// The work queue metrics client-go exports, labelled `name` (the controller): depth, adds, retries, how
/// long keys waited once due, and how long their runs took.
public struct WorkQueueMetrics: Sendable {
    private let depth: Gauge
    private let adds: Counter
    private let retries: Counter
    private let queueDuration: Timer
    private let workDuration: Timer

    /// Metrics of the queue `name`, made in `factory` (the process-wide `MetricsSystem` by default).
    public init(name: String, factory: any MetricsFactory = MetricsSystem.factory) {
        let labels = [("name", name)]
        depth = Gauge(label: "workqueue_depth", dimensions: labels, factory: factory)
        adds = Counter(label: "workqueue_adds_total", dimensions: labels, factory: factory)
        retries = Counter(label: "workqueue_retries_total", dimensions: labels, factory: factory)
        queueDuration = Timer(label: "workqueue_queue_duration_seconds", dimensions: labels, factory: factory)
        workDuration = Timer(label: "workqueue_work_duration_seconds", dimensions: labels, factory: factory)
        depth.record(0)
    }

    func added(_ count: Int) { adds.increment(by: count) }
    func retried() { retries.increment() }
    func depth(_ keys: Int) { depth.record(keys) }
    func started(afterWaiting wait: Duration) { queueDuration.record(duration: wait) }
    func finished(after work: Duration) { workDuration.record(duration: work) }
}
