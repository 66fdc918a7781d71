// An emulated cluster (KubeEmulator with the project's CRDs) plus helpers to run operators against it.
import Foundation
import IPAMBackends
import IPAMCore
import KubeClient
import KubeEmulator
import KubeRuntime
import Logging
import Operator
import OpsServer
import OverlayAPI
import Prometheus
import TestSupport
import Testing

/// Something in the emulated cluster did not reach the expected state in time.
struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// One emulated cluster per test: API server, CRDs, client and a scratch directory.
final class OperatorHarness: Sendable {
    let emulator: KubeEmulator
    let directory: TemporaryDirectory
    let client: KubeClient
    let logger: Logger

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private init(emulator: KubeEmulator, directory: TemporaryDirectory, client: KubeClient, logger: Logger) {
        self.emulator = emulator
        self.directory = directory
        self.client = client
        self.logger = logger
    }

    /// Runs `body` with a fresh cluster; always tears it down.
    static func with<T>(_ body: (OperatorHarness) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory(prefix: "operator-test")
        var logger = Logger(label: "operator-test")
        logger.logLevel = ProcessInfo.processInfo.environment["OPERATOR_TEST_LOG"] != nil ? .debug : .critical
        let emulator = try await KubeEmulator.start(.init(logger: logger))
        do {
            let kubeconfig = directory.file("kubeconfig")
            try emulator.writeKubeconfig(to: kubeconfig, token: nil)
            let runner = KubectlRunner(kubeconfigPath: kubeconfig)
            for crd in ["nodeoverlayips.iks.ibm.com.yaml", "staticroutes.iks.ibm.com.yaml"] {
                let path = repositoryRoot.appendingPathComponent("deploy/crds/\(crd)").path
                let result = try await runner.run(["apply", "-f", path])
                try #require(result.succeeded, "kubectl apply \(crd): \(result.stderr)")
            }
            let client = KubeClient(
                configuration: try KubeConfiguration.load(kubeconfigPath: kubeconfig, environment: [:]),
                options: .init(rateLimited: false), logger: logger)
            let harness = OperatorHarness(emulator: emulator, directory: directory, client: client, logger: logger)
            let result = try await body(harness)
            await emulator.shutdown()
            directory.remove()
            return result
        } catch {
            await emulator.shutdown()
            directory.remove()
            throw error
        }
    }

    // MARK: - Configuration and backends

    /// A local-backend configuration: zone dal10 = 192.168.100.0/24 (.2–.9 reserved), dal12 = 192.168.200.0/28;
    /// with `dualStack`, dal10 also lists fd00:100::/64 after its IPv4 subnet (dual-stack, IPv4 primary).
    func localConfiguration(database: String = "ipam.db", cooldownSeconds: Int = 300, dualStack: Bool = false) throws -> OverlayConfiguration {
        try OverlayConfiguration.parse(yaml: """
            clusterID: test-cluster
            ipam:
              backend: local
              local:
                database: \(directory.file(database))
                releaseCooldown: \(cooldownSeconds)s
                zones:
                  dal10:
                    - {subnet: 192.168.100.0/24, gateway: 192.168.100.1, reserved: ["192.168.100.2-192.168.100.9"]}
            \(dualStack ? "        - {subnet: \"fd00:100::/64\", gateway: \"fd00:100::1\"}" : "")
                  dal12:
                    - {subnet: 192.168.200.0/28, gateway: 192.168.200.1}
            """)
    }

    /// A local backend of ``localConfiguration(database:cooldownSeconds:dualStack:)`` with dal10 dual-stack unless
    /// `dualStack` is false (the same database either way: a zone that becomes dual-stack).
    func dualStackBackend(database: String = "ipam.db", dualStack: Bool = true) async throws -> any IPAMBackend {
        try await backend(try localConfiguration(database: database, dualStack: dualStack))
    }

    func backend(_ configuration: OverlayConfiguration) async throws -> any IPAMBackend {
        try await IPAMBackendFactory.makeBackend(for: configuration, logger: logger)
    }

    // MARK: - Operators

    /// Starts an operator instance in-process (no signal handling, ops endpoint on an ephemeral port).
    func startOperator(
        ipam: any IPAMBackend, zones: [String] = ["dal10", "dal12"], identity: String? = nil,
        settings: OperatorSettings = OperatorSettings(clusterID: "test-cluster", eventNamespace: "kube-system"),
        policyClock: RuntimeClock = .continuous, crashHook: @escaping CrashHook = CrashHooks.none
    ) async throws -> RunningOperator {
        let election = identity.map {
            LeaderElectionConfiguration(
                leaseName: "overlay-ip-controller", leaseNamespace: "kube-system", identity: $0, leaseDuration: .seconds(3),
                renewDeadline: .seconds(2), retryPeriod: .milliseconds(300))
        }
        // Each operator gets its own registry (tests run in parallel); its IPAM calls are metered into it.
        let metrics = PrometheusCollectorRegistry()
        let process = try await OperatorProcess(
            client: client, ipam: MeteredIPAMBackend(ipam, name: "test", factory: ProcessMetrics.factory(for: metrics)),
            options: .init(
                settings: settings, zones: zones, leaderElection: election, metricsHost: "127.0.0.1", metricsPort: 0,
                handlesSignals: false, policyClock: policyClock, crashHook: crashHook, metrics: metrics),
            logger: logger)
        let task = Task { try await process.run() }
        return RunningOperator(process: process, task: task)
    }

    // MARK: - Cluster objects

    @discardableResult
    func createNode(_ name: String, zone: String?, legacyLabels: Bool = false) async throws -> Node {
        var labels: [String: String] = [:]
        if let zone {
            labels[legacyLabels ? "failure-domain.beta.kubernetes.io/zone" : "topology.kubernetes.io/zone"] = zone
            labels[legacyLabels ? "failure-domain.beta.kubernetes.io/region" : "topology.kubernetes.io/region"] = "us-south"
        }
        return try await client.create(Node(metadata: ObjectMeta(name: name, labels: labels)))
    }

    func deleteNode(_ name: String) async throws {
        try await client.delete(Node.self, name: name)
    }

    func address(_ name: String) async throws -> NodeOverlayIp? {
        do {
            return try await client.get(NodeOverlayIp.self, name: name)
        } catch let error as KubeAPIError where error.reason == .notFound {
            return nil
        }
    }

    /// Writes the agent's status keys of a node's NodeOverlayIp, as the agent would.
    /// `configuredAddresses` is what a dual-stack agent adds (nil: an agent from before dual stack).
    func reportAsAgent(
        _ name: String, configuredAddress: String?, configuredAddresses: [String]? = nil, routes: [RouteReport]? = nil
    ) async throws {
        let status = NodeOverlayIpStatus(
            interface: "eth0", interfaceLabel: "overlay0", configuredAddress: configuredAddress,
            configuredAddresses: configuredAddresses, routes: routes)
        _ = try await client.patchStatus(NodeOverlayIp.self, name: name, patch: .merge(try status.agentPatch()))
    }

    /// Polls `condition` (every 20 ms) until it holds or `timeout` passes.
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TimedOut(what: what)
    }

    /// Waits until `name` has `Reserved=True` and an address; returns the object.
    @discardableResult
    func waitUntilReserved(_ name: String, timeout: Duration = .seconds(20)) async throws -> NodeOverlayIp {
        var found: NodeOverlayIp?
        try await waitUntil("\(name) reserved", timeout: timeout) {
            found = try await address(name)
            return found.map { $0.status.ipAddr != nil && ($0.status.conditions ?? []).isTrue(Overlay.ConditionType.reserved) } ?? false
        }
        return try #require(found)
    }
}

/// An operator instance running in a task.
struct RunningOperator: Sendable {
    let process: OperatorProcess
    let task: Task<Void, any Error>

    /// Simulates a crash: cancels everything at once (no lease release, no draining).
    func crash() async {
        task.cancel()
        _ = await task.result
    }

    /// Graceful shutdown: drain, release the lease.
    func stop() async {
        await process.shutDown()
        _ = await task.result
    }
}
