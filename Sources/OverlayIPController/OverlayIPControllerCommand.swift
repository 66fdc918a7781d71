// overlay-ip-controller: parses flags, loads config, opens the IPAM and runs one operator instance.
import ArgumentParser
import FoundationEssentials
import FoundationExtras
import IPAMBackends
import IPAMCore
import KubeClient
import KubeRuntime
import Logging
import Operator
import OpsServer

@main
struct OverlayIPControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overlay-ip-controller",
        abstract: "Reserves an overlay IP per node from the configured IPAM and aggregates StaticRoute status.")

    @Option(help: "The IPAM configuration file (YAML).")
    var config: String

    @Option(help: "A kubeconfig file; without it: $KUBECONFIG, else in-cluster, else ~/.kube/config.")
    var kubeconfig: String?

    @Option(help: "Namespace for the leader Lease and Events (default: the pod's namespace; required out of a cluster with leader election).")
    var namespace: String?

    @Option(help: "Reconciles running at once per controller.")
    var workers: Int = 8

    // `.unconditional`: `--qps -1` is a value, not an unknown flag.
    @Option(
        parsing: .unconditional,
        help: "Client-side limit of API requests per second; 0 or negative = no limit (the default: API Priority and Fairness protects the server).")
    var qps: Double = 0

    @Option(parsing: .unconditional, help: "Client-side API request burst when --qps is set; 0 = --qps rounded up.")
    var burst: Int = 0

    @Option(name: .customLong("metrics-address"), help: "host:port of /healthz, /readyz and /metrics (\":8080\" = all interfaces).")
    var metricsAddress: String = ":8080"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(name: .customLong("leader-elect"), help: "Elect a leader through a Lease (true/false); only the leader acts.")
    var leaderElect: Bool = true

    @Option(name: .customLong("lease-name"), help: "The leader Lease's name.")
    var leaseName: String = "overlay-ip-controller"

    @Option(
        name: .customLong("release-timeout"),
        help: "Seconds after which a deleted NodeOverlayIp whose live node may still use its address is reported as ReleaseBlocked (the address stays reserved).")
    var releaseTimeout: Int = 60

    @Option(name: .customLong("route-deletion-timeout"), help: "Seconds a deleted StaticRoute waits for live nodes whose agent still reports it.")
    var routeDeletionTimeout: Int = 60

    @Option(name: .customLong("orphan-grace-period"), help: "Seconds an IPAM allocation without a NodeOverlayIp is kept before release.")
    var orphanGracePeriod: Int = 600

    @Flag(name: .customLong("dry-run"), help: "The recovery loop only logs what it would re-claim or release.")
    var dryRun = false

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \(logLevel) is unknown; use trace, debug, info, notice, warning, error or critical")
        }
        guard workers > 0 else { throw ValidationError("--workers must be at least 1") }
        guard MetricsAddress(metricsAddress) != nil else {
            throw ValidationError("--metrics-address \(metricsAddress) is not host:port (e.g. :8080 or 127.0.0.1:9090)")
        }
        guard releaseTimeout >= 0, orphanGracePeriod >= 0, routeDeletionTimeout >= 0 else {
            throw ValidationError("--release-timeout, --route-deletion-timeout and --orphan-grace-period must not be negative")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "overlay-ip-controller")
        let metrics = ProcessMetrics.bootstrap()
        let overlay = try loadConfiguration()
        let namespace = try OperatorNamespace.resolve(
            flag: self.namespace, podNamespace: Self.serviceAccountNamespace(), leaderElection: leaderElect)
        let kube = try KubeConfiguration.detect(kubeconfig: kubeconfig)
        let client = KubeClient(configuration: kube, options: KubeClient.Options(qps: qps, burst: burst), logger: logger)
        let ipam = try await IPAMBackendFactory.makeBackend(for: overlay, logger: logger)
        let address = MetricsAddress(metricsAddress) ?? MetricsAddress(host: "0.0.0.0", port: 8080)
        let settings = OperatorSettings(
            clusterID: overlay.clusterID, workers: workers,
            releasePolicy: AddressReleasePolicy(blockedAfter: .seconds(releaseTimeout)),
            routeDeletionTimeout: .seconds(routeDeletionTimeout), orphanGracePeriod: .seconds(orphanGracePeriod), dryRun: dryRun,
            eventNamespace: namespace)
        let election = leaderElect ? LeaderElectionConfiguration(leaseName: leaseName, leaseNamespace: namespace) : nil
        logger.info(
            "starting", metadata: [
                "cluster": "\(overlay.clusterID)", "backend": "\(overlay.ipam.backendName)", "api": "\(kube.server)",
                "namespace": "\(namespace)", "leaderElection": "\(leaderElect)", "dryRun": "\(dryRun)",
            ])
        let process = try await OperatorProcess(
            client: client, ipam: ipam,
            options: OperatorProcess.Options(
                settings: settings, zones: overlay.ipam.zoneNames, leaderElection: election, metricsHost: address.host,
                metricsPort: address.port, metrics: metrics),
            logger: logger)
        try await process.run()
    }

    /// Reads and parses `--config`; a bad file ends the process with the IPAM core's one-line errors.
    private func loadConfiguration() throws -> OverlayConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: config, encoding: .utf8)
        } catch {
            throw ConfigurationFileError(message: "cannot read --config \(config): \(fileErrorDescription(error)); check the path and permissions")
        }
        do {
            return try OverlayConfiguration.parse(yaml: text)
        } catch {
            throw ConfigurationFileError(message: "invalid configuration \(config):\n\(error.description)")
        }
    }

    /// The pod's namespace from the service-account mount; nil out of a cluster.
    private static func serviceAccountNamespace() -> String? {
        try? String(contentsOfFile: KubeConfiguration.defaultServiceAccountDirectory + "/namespace", encoding: .utf8)
    }
}

/// The configuration file cannot be read or parsed; printed as is, exit code 1.
struct ConfigurationFileError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// `host:port` of the ops endpoint; an empty host means all interfaces.
struct MetricsAddress {
    let host: String
    let port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        var host = text[..<colon]  // `[::1]:8080`: the brackets are not part of the address
        while let first = host.first, first == "[" || first == "]" { host = host.dropFirst() }
        while let last = host.last, last == "[" || last == "]" { host = host.dropLast() }
        self.init(host: host.isEmpty ? "0.0.0.0" : String(host), port: port)
    }
}
