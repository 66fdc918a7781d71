// Makes swift-prometheus the process-wide swift-metrics backend, once, at the start of an executable.
import CoreMetrics
import Prometheus

/// The metrics backend of one process: every `Counter`, `Gauge`, `Timer` and `Recorder` made through
/// swift-metrics anywhere in the process lands in one Prometheus registry, which ``OpsServer`` serves.
public enum ProcessMetrics {
    /// Bootstraps `MetricsSystem` with a Prometheus factory and returns its registry for ``OpsServer``.
    ///
    /// Call it once, first thing in `main` (swift-metrics allows one bootstrap per process): components
    /// made before it record into the no-op backend. Libraries and tests never call it; tests pass their own
    /// ``factory(for:)`` to the components they run, so parallel tests never share a registry.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(factory(for: registry))
        return registry
    }

    /// A swift-metrics factory that records into `registry`, with latency buckets from 1 ms to 60 s
    /// (controller-runtime's reconcile buckets reach 60 s; IPAM and API calls take milliseconds).
    public static func factory(for registry: PrometheusCollectorRegistry) -> any MetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
            .seconds(60),
        ]
        return factory
    }
}
