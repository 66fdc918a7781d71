// Settings of the operator's control loops, defaults filled in one place.

/// Tuning of the operator; every field has a documented default.
public struct OperatorSettings: Sendable {
    /// Marks this cluster's allocations in a shared IPAM (the configuration's `clusterID`).
    public var clusterID: String
    /// Reconciles running at once per controller. Default 8: in Benchmarks/OperatorBenchmark 5000 new
    /// nodes were reserved in 11.8 s with 1, 9–10 s with 4 and 8.6–8.9 s with 8 workers; 16 gained
    /// nothing reliable.
    public var workers: Int
    /// When a deleted NodeOverlayIp's address may be released; how long a hold lasts before it is reported as blocked.
    public var releasePolicy: AddressReleasePolicy
    /// How long a deleted StaticRoute waits for live nodes whose agent still reports it before its
    /// finalizer is removed anyway (with a Warning Event naming them). Default 60 s.
    public var routeDeletionTimeout: Duration
    /// How often a waiting deletion is looked at again (besides watch events). Default 2 s.
    public var releasePollInterval: Duration
    /// How long an IPAM allocation without a NodeOverlayIp is kept before release. Default 10 minutes.
    public var orphanGracePeriod: Duration
    /// How often the recovery loop compares the IPAM with the cluster. Default 5 minutes.
    public var recoveryInterval: Duration
    /// The shortest time between two status writes of one StaticRoute (coalesces bursts). Default 1 s.
    public var routeStatusInterval: Duration
    /// Log what would be done instead of changing the IPAM or the cluster. Default false.
    public var dryRun: Bool
    /// Where Events about cluster-scoped objects go (the operator's namespace). Default `kube-system`.
    public var eventNamespace: String

    /// Makes settings with the defaults above.
    public init(
        clusterID: String, workers: Int = 8, releasePolicy: AddressReleasePolicy = AddressReleasePolicy(),
        releasePollInterval: Duration = .seconds(2), routeDeletionTimeout: Duration = .seconds(60), orphanGracePeriod: Duration = .seconds(600),
        recoveryInterval: Duration = .seconds(300), routeStatusInterval: Duration = .seconds(1), dryRun: Bool = false,
        eventNamespace: String = "kube-system"
    ) {
        self.clusterID = clusterID
        self.workers = workers
        self.releasePolicy = releasePolicy
        self.releasePollInterval = releasePollInterval
        self.routeDeletionTimeout = routeDeletionTimeout
        self.orphanGracePeriod = orphanGracePeriod
        self.recoveryInterval = recoveryInterval
        self.routeStatusInterval = routeStatusInterval
        self.dryRun = dryRun
        self.eventNamespace = eventNamespace
    }
}
