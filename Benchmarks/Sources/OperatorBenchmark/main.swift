// Operator cost at 1000 and 5000 nodes against the in-process KubeEmulator, default flags, release build.
//
// Usage: swift run -c release OperatorBenchmark [nodes=1000,5000] [routes=20] [phpipam-nodes=1000] [phpipam-latency-ms=2] [workers=N]
// Prints per node count: seconds until every NodeOverlayIp is reserved (without and with StaticRoutes),
// API requests per node by verb and IPAM calls per node; the cost of N agent reports of `routes` routes
// each (operator CPU from getrusage minus a run without operator, StaticRoute status writes, the largest
// StaticRoute, bytes a watching agent receives); a restart over the converged cluster (writes, IPAM
// calls, time to ready); and N nodes on the phpIPAM test server.
import Foundation
import IPAMBackends
import IPAMCore
import IPAMphpIPAM
import KubeClient
import KubeEmulator
import KubeRuntime
import Logging
import Operator
import OverlayAPI
import PhpIPAMEmulator
import Synchronization

/// Command-line settings (`key=value` arguments).
struct Settings {
    var nodeCounts = [1000, 5000]
    var routes = 20
    var phpipamNodes = 1000
    var latency = Duration.milliseconds(2)
    /// `--workers`; nil = the operator's default.
    var workers: Int?

    init(arguments: [String]) {
        for argument in arguments.dropFirst() {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "nodes": nodeCounts = parts[1].split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
            case "routes": routes = max(0, Int(parts[1]) ?? routes)
            case "phpipam-nodes": phpipamNodes = max(0, Int(parts[1]) ?? phpipamNodes)
            case "phpipam-latency-ms": latency = .milliseconds(max(0, Int(parts[1]) ?? 2))
            case "workers": workers = Int(parts[1]).map { max(1, $0) }
            default: break
            }
        }
    }
}

/// The benchmark failed to set up or finish.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
}

let zone = "bench"

// MARK: - Measurements

/// CPU time (user + system) of this process so far.
func processCPU() -> Duration {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func duration(_ time: timeval) -> Duration { .seconds(Int64(time.tv_sec)) + .microseconds(Int64(time.tv_usec)) }
    return duration(usage.ru_utime) + duration(usage.ru_stime)
}

/// This process's resident set size in MB (VmRSS).
func residentMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return 0 }
    return kilobytes / 1024
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Polls `condition` every 10 ms until it holds; fails after `limit`.
func waitUntil(_ what: String, limit: Duration = .seconds(600), _ condition: () async throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while try await !condition() {
        guard clock.now < deadline else { throw BenchmarkError(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

// MARK: - Cluster

/// A fresh emulator with the project's CRDs, a client, and a scratch directory.
final class Cluster: Sendable {
    let emulator: KubeEmulator
    let client: KubeClient
    let directory: String
    let logger: Logger
    /// The operator's `--workers`; nil = its default.
    let workers: Int?

    private init(emulator: KubeEmulator, client: KubeClient, directory: String, logger: Logger, workers: Int?) {
        self.emulator = emulator
        self.client = client
        self.directory = directory
        self.logger = logger
        self.workers = workers
    }

    static func start(logger: Logger, workers: Int?) async throws -> Cluster {
        let directory = NSTemporaryDirectory() + "operator-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let emulator = try await KubeEmulator.start(.init(logger: logger))
        let kubeconfig = directory + "/kubeconfig"
        try emulator.writeKubeconfig(to: kubeconfig, token: nil)
        try applyCRDs(kubeconfig: kubeconfig)
        // The benchmark's own client (simulated kubelets and agents) has no client-side limit either.
        let client = KubeClient(
            configuration: try KubeConfiguration.load(kubeconfigPath: kubeconfig, environment: [:]), options: .init(), logger: logger)
        return Cluster(emulator: emulator, client: client, directory: directory, logger: logger, workers: workers)
    }

    func shutdown() async {
        await emulator.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Loads the project's CRDs into the emulator with kubectl.
    private static func applyCRDs(kubeconfig: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        for crd in ["nodeoverlayips.iks.ibm.com.yaml", "staticroutes.iks.ibm.com.yaml"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
            process.arguments = ["--kubeconfig", kubeconfig, "apply", "-f", root.appendingPathComponent("deploy/crds/\(crd)").path]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw BenchmarkError(description: "kubectl apply \(crd) failed") }
        }
    }

    /// A local backend with one /19 in zone `bench`.
    func localBackend() async throws -> any IPAMBackend {
        let configuration = try OverlayConfiguration.parse(yaml: """
            clusterID: bench
            ipam:
              backend: local
              local:
                database: \(directory)/ipam.db
                zones:
                  \(zone):
                    - {subnet: 10.50.0.0/19}
            """)
        return try await IPAMBackendFactory.makeBackend(for: configuration, logger: logger)
    }

    /// Starts an operator with default settings; returns once its caches are filled.
    func startOperator(ipam: any IPAMBackend) async throws -> RunningOperator {
        let process = try await OperatorProcess(
            client: client, ipam: ipam,
            options: .init(
                settings: workers.map { OperatorSettings(clusterID: "bench", workers: $0) } ?? OperatorSettings(clusterID: "bench"),
                zones: [zone], leaderElection: nil, metricsHost: "127.0.0.1",
                metricsPort: 0, handlesSignals: false),
            logger: logger)
        let task = Task { try await process.run() }
        try await waitUntil("operator ready") { process.health.report().contains("caches") && process.health.isReady }
        return RunningOperator(process: process, task: task)
    }

    /// Creates `count` Nodes in zone `bench`, 16 at a time.
    func createNodes(_ count: Int) async throws {
        try await forEach(0..<count) { index in
            _ = try await self.client.create(Node(metadata: ObjectMeta(name: Cluster.nodeName(index), labels: ["topology.kubernetes.io/zone": zone])))
        }
    }

    /// Creates `count` StaticRoutes selecting every node.
    func createRoutes(_ count: Int) async throws {
        for index in 0..<count {
            _ = try await client.create(
                StaticRoute(metadata: ObjectMeta(name: "route-\(index)"), spec: StaticRouteSpec(subnet: "172.\(16 + index / 256).\(index % 256).0/24")))
        }
    }

    /// Patches every node's NodeOverlayIp status as its agent would: `routes` routes, all Applied.
    func reportRoutes(nodes: Int, routes: Int) async throws {
        try await forEach(0..<nodes) { index in
            let reports = (0..<routes).map { route in
                RouteReport(
                    name: "route-\(route)", subnet: "172.\(16 + route / 256).\(route % 256).0/24", gateway: "10.50.0.1", device: "overlay0",
                    table: 254, state: .applied)
            }
            let status = NodeOverlayIpStatus(interface: "eth0", interfaceLabel: "overlay0", routes: reports)
            let patch = try status.agentPatch()
            _ = try await self.client.patchStatus(NodeOverlayIp.self, name: Cluster.nodeName(index), patch: .merge(patch))
        }
    }

    static func nodeName(_ index: Int) -> String { "node-\(index)" }

    /// Runs `body` for every element, 16 at a time.
    private func forEach(_ range: Range<Int>, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    for index in stride(from: range.lowerBound + worker, to: range.upperBound, by: 16) { try await body(index) }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// An operator instance running in a task.
struct RunningOperator: Sendable {
    let process: OperatorProcess
    let task: Task<Void, any Error>

    func stop() async {
        await process.shutDown()
        _ = await task.result
    }

    /// Reconciles so far of `controller` (from `/metrics`).
    func reconciles(_ controller: String) -> Int {
        let prefix = "overlay_reconciles_total{controller=\"\(controller)\"} "
        let line = process.metrics.registry.exposition().split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Double($0.dropFirst(prefix.count)) }.map { Int($0) } ?? 0
    }
}

/// Watches NodeOverlayIps and StaticRoutes as an agent would: counts reserved objects and StaticRoute bytes.
final class Observer: Sendable {
    private let addresses: Informer<NodeOverlayIp>
    private let routes: Informer<StaticRoute>
    private let reservedNames = Mutex<Set<String>>([])
    private let routeBytes = Mutex(0)
    private let tasks: [Task<Void, any Error>]

    init(client: KubeClient) {
        addresses = Informer(source: KubeClientListWatch<NodeOverlayIp>(client: client))
        routes = Informer(source: KubeClientListWatch<StaticRoute>(client: client))
        tasks = [Task { [addresses] in try await addresses.run() }, Task { [routes] in try await routes.run() }]
        addresses.subscribe { [weak self] change in
            let object = change.object
            let reserved = object.status.ipAddr != nil && (object.status.conditions ?? []).isTrue(Overlay.ConditionType.reserved)
            self?.reservedNames.withLock { names in
                if reserved { names.insert(object.metadata.name) } else { names.remove(object.metadata.name) }
            }
        }
        routes.subscribe { [weak self] change in
            let size = (try? KubeJSON.encode(change.object).count) ?? 0
            self?.routeBytes.withLock { $0 += size }
        }
    }

    func waitUntilReady() async {
        await addresses.waitUntilReady()
        await routes.waitUntilReady()
    }

    var reserved: Int { reservedNames.withLock { $0.count } }
    var staticRouteBytes: Int { routeBytes.withLock { $0 } }
    var staticRoutes: [StaticRoute] { routes.store.objects }

    func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { _ = await task.result }
    }
}

// MARK: - Scenarios

/// The requests the operator made, per verb and resource, per node; `excluding` removes the benchmark's own.
func requestsPerNode(_ emulator: KubeEmulator, nodes: Int, excluding own: [RequestCountKey: Int]) -> String {
    var counts = emulator.requestCounts
    for (key, value) in own { counts[key, default: 0] -= value }
    return counts.filter { $0.value > 0 }.sorted { $0.key.description < $1.key.description }
        .map { String(format: "%@ %.2f", "\($0.key.verb) \($0.key.resource)" as NSString, Double($0.value) / Double(nodes)) }
        .joined(separator: ", ")
}

func ipamPerNode(_ ipam: CountingIPAM, nodes: Int) -> String {
    let calls = ipam.calls.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    return String(format: "%.3f/node (%@)", Double(ipam.total) / Double(nodes), calls as NSString)
}

/// N nodes at once → all reserved; with `routes` StaticRoutes present. Leaves the cluster converged.
func startScenario(
    _ cluster: Cluster, nodes: Int, routes: Int, ipam: CountingIPAM
) async throws -> (running: RunningOperator, observer: Observer, seconds: Double) {
    try await cluster.createRoutes(routes)
    let observer = Observer(client: cluster.client)
    await observer.waitUntilReady()
    let running = try await cluster.startOperator(ipam: ipam)
    cluster.emulator.resetRequestCounts()
    ipam.reset()
    let clock = ContinuousClock()
    let start = clock.now
    try await cluster.createNodes(nodes)
    try await waitUntil("all reserved") { observer.reserved == nodes }
    let elapsed = seconds(start.duration(to: clock.now))
    let own: [RequestCountKey: Int] = [RequestCountKey(verb: "create", resource: "nodes"): nodes]
    print(String(
        format: "start    %5d nodes, %2d routes: all reserved after %6.2f s (%6.0f nodes/s); API requests/node: %@; IPAM calls %@",
        nodes, routes, elapsed, Double(nodes) / elapsed, requestsPerNode(cluster.emulator, nodes: nodes, excluding: own),
        ipamPerNode(ipam, nodes: nodes)))
    return (running, observer, elapsed)
}

/// Every node's agent reports `routes` Applied routes; the operator's CPU and StaticRoute traffic.
func reportScenario(_ cluster: Cluster, running: RunningOperator, observer: Observer, nodes: Int, routes: Int, baselineCPU: Duration) async throws {
    let target = "\(nodes)/\(nodes)"
    let writesBefore = cluster.emulator.requestCount(verb: "patch", resource: "staticroutes.iks.ibm.com/status")
    let bytesBefore = observer.staticRouteBytes
    let cpuBefore = processCPU()
    let clock = ContinuousClock()
    let start = clock.now
    try await cluster.reportRoutes(nodes: nodes, routes: routes)
    try await waitUntil("every route ready") { observer.staticRoutes.allSatisfy { $0.status.ready == target } }
    let elapsed = seconds(start.duration(to: clock.now))
    let cpu = processCPU() - cpuBefore
    let writes = cluster.emulator.requestCount(verb: "patch", resource: "staticroutes.iks.ibm.com/status") - writesBefore
    let largest = try observer.staticRoutes.map { try KubeJSON.encode($0).count }.max() ?? 0
    print(String(
        format: "reports  %5d nodes × %2d routes: all routes %@ after %5.2f s; operator CPU %5.2f s (process %5.2f s − %5.2f s without operator); %d StaticRoute status writes; largest StaticRoute %d bytes; a watching agent receives %.1f KB",
        nodes, routes, target, elapsed, seconds(cpu - baselineCPU), seconds(cpu), seconds(baselineCPU), writes, largest,
        Double(observer.staticRouteBytes - bytesBefore) / 1024))
}

/// The same reports without any operator: the emulator's and the simulated agents' own CPU.
func reportBaseline(nodes: Int, routes: Int, logger: Logger, workers: Int?) async throws -> Duration {
    let cluster = try await Cluster.start(logger: logger, workers: workers)
    try await cluster.createRoutes(routes)
    for index in 0..<nodes {
        _ = try await cluster.client.create(NodeOverlayIp(metadata: ObjectMeta(name: Cluster.nodeName(index))))
    }
    // One watcher of StaticRoutes, as in the measured run.
    let observer = Observer(client: cluster.client)
    await observer.waitUntilReady()
    let before = processCPU()
    try await cluster.reportRoutes(nodes: nodes, routes: routes)
    let cpu = processCPU() - before
    await observer.stop()
    await cluster.shutdown()
    return cpu
}

/// Stops the operator and starts a new one over the converged cluster: writes, IPAM calls, time to ready.
func restartScenario(_ cluster: Cluster, running: RunningOperator, ipam: CountingIPAM, nodes: Int, routes: Int) async throws -> RunningOperator {
    await running.stop()
    cluster.emulator.resetRequestCounts()
    ipam.reset()
    let clock = ContinuousClock()
    let start = clock.now
    let restarted = try await cluster.startOperator(ipam: ipam)
    let ready = seconds(start.duration(to: clock.now))
    try await waitUntil("every object reconciled once") {
        restarted.reconciles("nodes") >= nodes && restarted.reconciles("addresses") >= nodes && restarted.reconciles("routes") >= routes
            && ipam.calls["allocations"] ?? 0 >= 1
    }
    let settled = seconds(start.duration(to: clock.now))
    print(String(
        format: "restart  %5d converged nodes, %2d routes: ready after %5.2f s, every object reconciled after %5.2f s; %d Kubernetes writes; %d IPAM requests (%@)",
        nodes, routes, ready, settled, cluster.emulator.writeCount(), ipam.total,
        ipam.calls.map { "\($0.key) \($0.value)" }.joined(separator: ", ") as NSString))
    return restarted
}

/// N nodes at once on the phpIPAM test server.
func phpIPAMScenario(nodes: Int, latency: Duration, logger: Logger, workers: Int?) async throws {
    let cluster = try await Cluster.start(logger: logger, workers: workers)
    var seed = PhpIPAMSeed.example
    seed.subnets = [.init(id: 50, cidr: "10.50.0.0/19", description: "benchmark", gateway: "10.50.0.1", reserved: [])]
    let fake = PhpIPAMEmulator(seed: seed)
    let server = try await PhpIPAMServer.start(emulator: fake)
    await fake.injectFaults { $0.latency = latency }
    try "iksnonestatictoken000000".write(toFile: cluster.directory + "/token", atomically: true, encoding: .utf8)
    let configuration = PhpIPAMConfiguration(
        url: server.baseURL, appID: "iksnone", credentials: .token(file: cluster.directory + "/token"),
        subnetMap: [PhpIPAMZoneSubnets(zone: zone, subnetIDs: [50])])
    let ipam = CountingIPAM(try await IPAMBackendFactory.makeBackend(.phpipam(configuration), clusterID: "bench", logger: logger))
    let observer = Observer(client: cluster.client)
    await observer.waitUntilReady()
    let running = try await cluster.startOperator(ipam: ipam)
    await fake.resetRequestCounts()
    ipam.reset()
    let clock = ContinuousClock()
    let start = clock.now
    try await cluster.createNodes(nodes)
    try await waitUntil("all reserved") { observer.reserved == nodes }
    let elapsed = seconds(start.duration(to: clock.now))
    print(String(
        format: "phpipam  %5d nodes: all reserved after %6.2f s (%6.0f nodes/s; latency %@); %.2f phpIPAM requests/node; IPAM calls %@",
        nodes, elapsed, Double(nodes) / elapsed, "\(latency)" as NSString, Double(await fake.totalRequests) / Double(nodes),
        ipamPerNode(ipam, nodes: nodes)))
    await running.stop()
    await observer.stop()
    await server.shutdown()
    await cluster.shutdown()
}

// MARK: - Main

let settings = Settings(arguments: CommandLine.arguments)
var logger = Logger(label: "operator-benchmark")
logger.logLevel = .critical
print(
    "OperatorBenchmark: \(settings.workers.map { "--workers \($0)" } ?? "default operator settings"), local backend unless noted;"
        + " this process also runs the API server")
for nodes in settings.nodeCounts {
    // Without routes.
    do {
        let cluster = try await Cluster.start(logger: logger, workers: settings.workers)
        let ipam = CountingIPAM(try await cluster.localBackend())
        let (running, observer, _) = try await startScenario(cluster, nodes: nodes, routes: 0, ipam: ipam)
        print(String(format: "         benchmark process RSS %.0f MB (operator, API server and simulated nodes together)", residentMB()))
        await running.stop()
        await observer.stop()
        await cluster.shutdown()
    }
    // With routes, then the agents' reports, then a restart.
    let baseline = try await reportBaseline(nodes: nodes, routes: settings.routes, logger: logger, workers: settings.workers)
    let cluster = try await Cluster.start(logger: logger, workers: settings.workers)
    let ipam = CountingIPAM(try await cluster.localBackend())
    let (running, observer, _) = try await startScenario(cluster, nodes: nodes, routes: settings.routes, ipam: ipam)
    try await reportScenario(cluster, running: running, observer: observer, nodes: nodes, routes: settings.routes, baselineCPU: baseline)
    let restarted = try await restartScenario(cluster, running: running, ipam: ipam, nodes: nodes, routes: settings.routes)
    await restarted.stop()
    await observer.stop()
    await cluster.shutdown()
}
if settings.phpipamNodes > 0 {
    try await phpIPAMScenario(nodes: settings.phpipamNodes, latency: settings.latency, logger: logger, workers: settings.workers)
}
