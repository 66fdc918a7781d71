// The dependencies every control loop of the operator shares.
import FoundationEssentials
import IPAMCore
import KubeClient
import KubeRuntime
import Logging

/// What the operator's loops share: API client, IPAM, settings, events, metrics, clocks and hooks.
public struct OperatorContext: Sendable {
    /// The Kubernetes API client.
    public var client: KubeClient
    /// The IPAM backend (metered when the executable opened it through `IPAMConfiguration`).
    public var ipam: any IPAMBackend
    /// The operator's settings.
    public var settings: OperatorSettings
    /// Publishes Events.
    public var events: EventRecorder
    /// The operator's metrics.
    public var metrics: OperatorMetrics
    /// The clock for policy time (release timeout, orphan grace period); a manual clock in tests.
    public var policyClock: RuntimeClock
    /// Wall-clock time for condition transition times.
    public var wallClock: @Sendable () -> Date
    /// Called at each crash point (tests only).
    public var crashHook: CrashHook
    /// The base logger.
    public var logger: Logger

    /// Makes a context.
    public init(
        client: KubeClient, ipam: any IPAMBackend, settings: OperatorSettings, events: EventRecorder,
        metrics: OperatorMetrics, policyClock: RuntimeClock = .continuous, wallClock: @escaping @Sendable () -> Date = { Date() },
        crashHook: @escaping CrashHook = CrashHooks.none, logger: Logger
    ) {
        self.client = client
        self.ipam = ipam
        self.settings = settings
        self.events = events
        self.metrics = metrics
        self.policyClock = policyClock
        self.wallClock = wallClock
        self.crashHook = crashHook
        self.logger = logger
    }

    /// The IPAM owner of `nodeName` in this cluster.
    public func owner(of nodeName: String) -> IPAMOwner {
        IPAMOwner(clusterID: settings.clusterID, nodeName: nodeName)
    }

    /// Now, as a condition transition time.
    var now: KubeTime { KubeTime(wallClock()) }
}

extension KubeAPIError {
    /// Whether the error says the object does not exist (any more).
    var isNotFound: Bool { reason == .notFound }
}
