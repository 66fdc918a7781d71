// One operator instance: leader election, the loops, events and the ops endpoint in one ServiceGroup.
import FoundationEssentials
import IPAMCore
import KubeClient
import KubeRuntime
import Logging
import OpsServer
import Prometheus
import ServiceLifecycle

/// A complete operator instance, as the `overlay-ip-controller` executable runs it (tests and the lab
/// run it in-process the same way).
///
/// Services, in start order: the ops endpoint (`/healthz`, `/readyz`, `/metrics`), the leader elector
/// (if enabled), then the controllers and the recovery loop. Graceful shutdown runs in reverse: the
/// controllers drain, the lease is released, the endpoint closes last.
public final class OperatorProcess: Sendable {
    /// Everything an instance needs besides the API client and the IPAM.
    public struct Options: Sendable {
        /// The loops' settings.
        public var settings: OperatorSettings
        /// The configured zone names (for the per-zone gauge).
        public var zones: [String]
        /// Leader election settings; nil runs without election (a single replica).
        public var leaderElection: LeaderElectionConfiguration?
        /// Where the ops endpoint listens (`0.0.0.0` by default; port 0 picks a free one).
        public var metricsHost: String
        /// The ops endpoint's port. Default 8080.
        public var metricsPort: Int
        /// Whether SIGTERM and SIGINT start a graceful shutdown (false in-process). Default true.
        public var handlesSignals: Bool
        /// The clock for policy time (release timeout, orphan grace period).
        public var policyClock: RuntimeClock
        /// Called at each crash point (tests only).
        public var crashHook: CrashHook
        /// The registry `/metrics` serves; the operator's own metrics are recorded into it. The executable
        /// passes the one ``ProcessMetrics/bootstrap()`` made, so API and IPAM metrics land there too;
        /// by default a fresh one (tests run several operators in one process).
        public var metrics: PrometheusCollectorRegistry

        /// Options with the documented defaults.
        public init(
            settings: OperatorSettings, zones: [String], leaderElection: LeaderElectionConfiguration?,
            metricsHost: String = "0.0.0.0", metricsPort: Int = 8080, handlesSignals: Bool = true,
            policyClock: RuntimeClock = .continuous, crashHook: @escaping CrashHook = CrashHooks.none,
            metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
        ) {
            self.metrics = metrics
            self.settings = settings
            self.zones = zones
            self.leaderElection = leaderElection
            self.metricsHost = metricsHost
            self.metricsPort = metricsPort
            self.handlesSignals = handlesSignals
            self.policyClock = policyClock
            self.crashHook = crashHook
        }
    }

    /// The port the ops endpoint listens on.
    public let opsPort: Int
    /// The leader elector, when election is enabled.
    public let leaderElector: LeaderElector?
    /// The recovery loop (tests run passes directly).
    public let recovery: RecoveryLoop
    /// The operator's own metrics.
    public let metrics: OperatorMetrics
    /// The registry served on `/metrics`.
    public let metricsRegistry: PrometheusCollectorRegistry
    /// The readiness served on `/readyz`.
    public let health: HealthState
    private let group: ServiceGroup

    /// Builds an instance and binds its ops endpoint; ``run()`` starts it.
    public init(client: KubeClient, ipam: any IPAMBackend, options: Options, logger: Logger) async throws {
        let registry = options.metrics
        let metrics = OperatorMetrics(
            factory: ProcessMetrics.factory(for: registry), leaseName: options.leaderElection?.leaseName ?? "overlay-ip-controller")
        let health = HealthState()
        let identity = options.leaderElection?.identity ?? LeaderElectionConfiguration.defaultIdentity()
        let events = EventRecorder(
            sink: KubeEventSink(client: client), reportingController: "iks.ibm.com/overlay-ip-controller",
            reportingInstance: identity, clusterScopedNamespace: options.settings.eventNamespace, logger: logger)
        let leaseClient = Self.leaseClient(for: client, logger: logger)
        let elector = options.leaderElection.map { election in
            LeaderElector(lock: KubeLeaseLock(client: leaseClient, configuration: election), configuration: election, logger: logger)
        }
        let context = OperatorContext(
            client: client, ipam: ipam, settings: options.settings, events: events,
            metrics: metrics, policyClock: options.policyClock, crashHook: options.crashHook, logger: logger)
        let overlay = OverlayOperator(context: context, leadership: elector, zones: options.zones, health: health)
        let ops = try await OpsServer.bind(
            host: options.metricsHost, port: options.metricsPort, metrics: registry, health: health, logger: logger)
        var services: [any Service] = [ops]
        if let elector { services.append(elector) }
        services += overlay.services
        group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: options.handlesSignals ? [.sigterm, .sigint] : [], logger: logger))
        opsPort = ops.port
        leaderElector = elector
        recovery = overlay.recovery
        self.metrics = metrics
        metricsRegistry = registry
        self.health = health
    }

    /// The leader elector's client: lease renewals never queue behind bulk writes, so with a
    /// client-side limit on it is an unthrottled copy of `client` (with its own connections), else
    /// `client` itself.
    static func leaseClient(for client: KubeClient, logger: Logger) -> KubeClient {
        guard client.options.isThrottled else { return client }
        var options = client.options
        options.rateLimited = false
        return KubeClient(configuration: client.configuration, options: options, logger: logger)
    }

    /// Runs until a shutdown signal, ``shutDown()`` or cancellation. Throws when leadership is lost
    /// (the process must exit non-zero so a healthy replica takes over) or a service fails.
    public func run() async throws {
        try await group.run()
    }

    /// Starts a graceful shutdown: controllers drain, then the lease is released.
    public func shutDown() async {
        await group.triggerGracefulShutdown()
    }
}
