// Settings of a Controller, defaults filled in one place.
import CoreMetrics

/// Settings of a ``Controller``.
public struct ControllerConfiguration: Sendable {
    /// The most reconciles running at once (different keys). Default 1 (controller-runtime).
    public var concurrency: Int
    /// Retry delays after errors: per key 5 ms → 1000 s, max'd with a 10 qps / burst 100 bucket (client-go).
    public var retry: RetryRateLimiter<ObjectKey>.Configuration
    /// After a reconcile that returns `.awaitChange`, reconcile again after this long anyway, to catch
    /// missed events (kube-rs `Action` docs). Nil disables it. Default 10 minutes.
    public var requeueAfterSuccess: Duration?
    /// Reconcile every cached object this often. Nil (default) disables it; `requeueAfterSuccess`
    /// already covers objects one by one.
    public var resyncInterval: Duration?
    /// Settings of every watcher the controller runs.
    public var watcher: WatcherConfiguration
    /// The `controller`/`name` label of its metrics; default the lower-cased kind (`node`).
    public var name: String?
    /// Where its `workqueue_*` and `controller_runtime_reconcile_*` metrics go; default the process-wide `MetricsSystem`.
    public var metricsFactory: any MetricsFactory

    /// Makes a configuration with the defaults above.
    public init(
        concurrency: Int = 1, retry: RetryRateLimiter<ObjectKey>.Configuration = .init(),
        requeueAfterSuccess: Duration? = .seconds(600), resyncInterval: Duration? = nil,
        watcher: WatcherConfiguration = .init(), name: String? = nil, metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.name = name
        self.metricsFactory = metricsFactory
        self.concurrency = concurrency
        self.retry = retry
        self.requeueAfterSuccess = requeueAfterSuccess
        self.resyncInterval = resyncInterval
        self.watcher = watcher
    }
}
