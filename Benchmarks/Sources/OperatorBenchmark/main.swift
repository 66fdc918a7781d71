// Operator cost at 1000 and 5000 nodes against the in-process KubeEmulator, default flags, release build.
//
// Usage: swift run -c release OperatorBenchmark [nodes=1000,5000] [routes=20] [phpipam-nodes=1000] [phpipam-latency-ms=2]
//        [dualstack-nodes=1000] [workers=N]
// The operator runs as a child process (this executable with `operator`), so its CPU time and RSS are
// its own; the API server and the simulated kubelets and agents run in this process. Prints per node
// count: seconds until every NodeOverlayIp is reserved (without and with StaticRoutes), API requests per
// node by verb, IPAM calls per node and the operator's RSS; the cost of N agent reports of `routes`
// routes each (operator CPU, StaticRoute status writes, the largest StaticRoute, bytes a watching agent
// receives); a restart over the converged cluster (writes, IPAM calls, time to ready); N nodes on
// the phpIPAM test server (operator in-process); and N nodes in a dual-stack zone of the local backend (an
// IPv4 and an IPv6 address each: time, IPAM calls per node, then a restart over them).
import BenchmarkSupport
import ChildProcessSupport
import Foundation
import HTTP
import IPAMBackends
import IPAMCore
import IPAMphpIPAM
import KubeClient
import KubeEmulator
import KubeRuntime
import Logging
import Operator
import OpsServer
import OverlayAPI
import PhpIPAMEmulator
import Synchronization

/// Command-line settings (`key=value` arguments).
struct Settings {
    var nodeCounts = [1000, 5000]
    var routes = 20
    var phpipamNodes = 1000
    var latency = Duration.milliseconds(2)
    var dualStackNodes = 1000
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
            case "dualstack-nodes": dualStackNodes = max(0, Int(parts[1]) ?? dualStackNodes)
            case "workers": workers = Int(parts[1]).map { max(1, $0) }
            default: break
            }
        }
    }
}

let zone = "bench"

// MARK: - Measurements

/// A child process's CPU time (user + system) and resident set size, from /proc.
struct ProcessUsage {
    var cpu: Duration
    var residentMB: Double
    var peakResidentMB: Double
    /// The anonymous part of the RSS (heap and stacks), without mapped files: this executable links
    /// the benchmark's own dependencies (full Foundation among them), which the shipped operator does not.
    var anonymousMB: Double

    init(pid: Int32) {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        // Fields after the parenthesised command: state is field 3, utime 14, stime 15 (1-based).
        let fields = stat.split(separator: ")").last.map { $0.split(separator: " ") } ?? []
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let utime = fields.count > 12 ? Double(fields[11]) ?? 0 : 0
        let stime = fields.count > 12 ? Double(fields[12]) ?? 0 : 0
        cpu = .milliseconds(Int64((utime + stime) / ticks * 1000))
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func megabytes(_ key: String) -> Double {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key) }
            return (line?.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0) / 1024
        }
        residentMB = megabytes("VmRSS:")
        peakResidentMB = megabytes("VmHWM:")
        anonymousMB = megabytes("RssAnon:")
    }
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
        try await applyProjectCRDs(kubeconfig: kubeconfig)
        // The benchmark's own client (simulated kubelets and agents) has no client-side limit either.
        let client = KubeClient(
            configuration: try KubeConfiguration.load(kubeconfigPath: kubeconfig, environment: [:]), options: .init(), logger: logger)
        return Cluster(emulator: emulator, client: client, directory: directory, logger: logger, workers: workers)
    }

    func shutdown() async {
        await emulator.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes the configuration of a local backend with one /19 in zone `bench` (and with `dualStack` a /64
    /// after it: IPv4 primary); returns its path.
    func localConfiguration(dualStack: Bool = false) throws -> String {
        let path = directory + "/config.yaml"
        try """
            clusterID: bench
            ipam:
              backend: local
              local:
                database: \(directory)/ipam.db
                zones:
                  \(zone):
                    - {subnet: 10.50.0.0/19}
            \(dualStack ? "        - {subnet: \"fd00:50::/64\"}" : "")
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts the operator as a child process with default settings; returns once its caches are filled.
    func startChildOperator(configuration: String) async throws -> ChildOperator {
        let child = try await ChildOperator.start(kubeconfig: directory + "/kubeconfig", configuration: configuration, workers: workers)
        try await waitUntil("operator ready") { try await child.isReady() }
        return child
    }

    /// Starts an operator in this process with default settings; returns once its caches are filled.
    func startOperator(ipam: any IPAMBackend) async throws -> RunningOperator {
        let process = try await OperatorProcess(
            client: client, ipam: ipam,
            options: .init(
                settings: workers.map { OperatorSettings(clusterID: "bench", workers: $0) } ?? OperatorSettings(clusterID: "bench"),
                zones: [zone], leaderElection: nil, metricsHost: "127.0.0.1", metricsPort: 0, handlesSignals: false),
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
}

/// Reconciles of `controller` so far, whatever their result (controller-runtime's counter).
func reconcileCount(_ exposition: String, _ controller: String) -> Int {
    ["success", "error", "requeue_after"].reduce(0) { sum, result in
        sum + metric(exposition, "controller_runtime_reconcile_total{controller=\"\(controller)\",result=\"\(result)\"}")
    }
}

/// Reads one sample from Prometheus text: `name{labels} value`.
func metric(_ exposition: String, _ series: String) -> Int {
    let prefix = series + " "
    let line = exposition.split(separator: "\n").first { $0.hasPrefix(prefix) }
    return line.flatMap { Double($0.dropFirst(prefix.count)) }.map { Int($0) } ?? 0
}

/// The operator running as a child process (this executable with `operator`), measured through /proc
/// and its `/metrics` and `/readyz`.
final class ChildOperator: Sendable {
    let process: ChildProcess
    let port: Int
    private let http = HTTPClient()

    private init(process: ChildProcess, port: Int) {
        self.process = process
        self.port = port
    }

    static func start(kubeconfig: String, configuration: String, workers: Int?) async throws -> ChildOperator {
        let process = try await ChildProcess.launch(
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
            arguments: ["operator", "kubeconfig=\(kubeconfig)", "config=\(configuration)"] + (workers.map { ["workers=\($0)"] } ?? []),
            standardOutput: .pipe, standardError: .inherit)
        // The child's first line is `port N` (its ops endpoint).
        var lines = process.standardOutput.map { ChildProcess.lines(of: $0).makeAsyncIterator() }
        guard let port = await lines?.next()?.split(separator: " ").last.flatMap({ Int($0) }) else {
            await Self.stop(process)
            throw BenchmarkError(description: "the operator child did not report its port")
        }
        return ChildOperator(process: process, port: port)
    }

    var usage: ProcessUsage { ProcessUsage(pid: process.processIdentifier) }

    func metrics() async throws -> String {
        String(decoding: try await http.send(HTTPRequest(url: "http://127.0.0.1:\(port)/metrics")).body, as: UTF8.self)
    }

    func isReady() async throws -> Bool {
        try await http.send(HTTPRequest(url: "http://127.0.0.1:\(port)/readyz")).status == 200
    }

    /// Reconciles so far of `controller`.
    func reconciles(_ controller: String) async throws -> Int {
        reconcileCount(try await metrics(), controller)
    }

    /// IPAM calls so far, per operation.
    func ipamCalls() async throws -> [String: Int] {
        let text = try await metrics()
        var calls: [String: Int] = [:]
        for operation in ["families", "reserve", "reserve_zone", "reclaim", "release", "allocation", "allocations", "usage", "zones"] {
            let count = metric(text, "overlay_ipam_request_duration_seconds_count{backend=\"local\",operation=\"\(operation)\"}")
            if count > 0 { calls[operation] = count }
        }
        return calls
    }

    /// SIGTERM (graceful shutdown), then waits for the exit.
    func stop() async {
        await Self.stop(process)
    }

    private static func stop(_ process: ChildProcess) async {
        process.terminate()
        _ = await process.exitStatus()
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
        .map { key, count in
            // Per-node figures for what scales with nodes, plain counts for the rest (lists, watches).
            count * 100 < nodes
                ? "\(key.verb) \(key.resource) \(count) in all"
                : String(format: "%@ %.2f", "\(key.verb) \(key.resource)" as NSString, Double(count) / Double(nodes))
        }
        .joined(separator: ", ")
}

func describe(_ calls: [String: Int], nodes: Int) -> String {
    let total = calls.values.reduce(0, +)
    let list = calls.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    return String(format: "%.3f/node (%@)", Double(total) / Double(nodes), list as NSString)
}

/// N nodes at once → all reserved (one address per family: two in a `dualStack` zone), with `routes`
/// StaticRoutes present. Leaves the cluster converged.
func startScenario(_ cluster: Cluster, nodes: Int, routes: Int, dualStack: Bool = false) async throws -> (ChildOperator, Observer) {
    try await cluster.createRoutes(routes)
    let observer = Observer(client: cluster.client)
    await observer.waitUntilReady()
    let configuration = try cluster.localConfiguration(dualStack: dualStack)
    let child = try await cluster.startChildOperator(configuration: configuration)
    cluster.emulator.resetRequestCounts()
    let ipamBefore = try await child.ipamCalls()
    let clock = ContinuousClock()
    let start = clock.now
    try await cluster.createNodes(nodes)
    try await waitUntil("all reserved") { observer.reserved == nodes }
    let elapsed = seconds(start.duration(to: clock.now))
    var calls = try await child.ipamCalls()
    for (operation, count) in ipamBefore { calls[operation, default: 0] -= count }
    let own: [RequestCountKey: Int] = [RequestCountKey(verb: "create", resource: "nodes"): nodes]
    let usage = child.usage
    print(String(
        format: "%@ %5d nodes, %2d routes: all reserved after %6.2f s (%5.0f nodes/s); operator CPU %5.2f s, RSS %3.0f MB (peak %3.0f MB, anonymous %3.0f MB); API requests/node: %@; IPAM calls %@",
        (dualStack ? "dual-stack start" : "start   ") as NSString,
        nodes, routes, elapsed, Double(nodes) / elapsed, seconds(usage.cpu), usage.residentMB, usage.peakResidentMB, usage.anonymousMB,
        requestsPerNode(cluster.emulator, nodes: nodes, excluding: own), describe(calls.filter { $0.value > 0 }, nodes: nodes)))
    if dualStack {
        // Reserved=True is written only with every family held; check the lists themselves too (after the
        // request counts above, which this listing must not inflate).
        let objects = try await cluster.client.listAll(NodeOverlayIp.self).items
        let complete = objects.filter { $0.status.ipAddrs?.count == 2 }.count
        guard complete == nodes else { throw BenchmarkError(description: "\(complete) of \(nodes) nodes hold two addresses") }
    }
    return (child, observer)
}

/// Every node's agent reports `routes` Applied routes; the operator's CPU and StaticRoute traffic.
func reportScenario(_ cluster: Cluster, child: ChildOperator, observer: Observer, nodes: Int, routes: Int) async throws {
    let target = "\(nodes)/\(nodes)"
    let writesBefore = cluster.emulator.requestCount(verb: "patch", resource: "staticroutes.iks.ibm.com/status")
    let bytesBefore = observer.staticRouteBytes
    let cpuBefore = child.usage.cpu
    let clock = ContinuousClock()
    let start = clock.now
    try await cluster.reportRoutes(nodes: nodes, routes: routes)
    try await waitUntil("every route ready") { observer.staticRoutes.allSatisfy { $0.status.ready == target } }
    let elapsed = seconds(start.duration(to: clock.now))
    let usage = child.usage
    let writes = cluster.emulator.requestCount(verb: "patch", resource: "staticroutes.iks.ibm.com/status") - writesBefore
    let largest = try observer.staticRoutes.map { try KubeJSON.encode($0).count }.max() ?? 0
    print(String(
        format: "reports  %5d nodes × %2d routes: all routes %@ after %5.2f s; operator CPU %5.2f s, RSS %3.0f MB (anonymous %3.0f MB); %d StaticRoute status writes; largest StaticRoute %d bytes; a watching agent receives %.1f KB",
        nodes, routes, target, elapsed, seconds(usage.cpu - cpuBefore), usage.residentMB, usage.anonymousMB, writes, largest,
        Double(observer.staticRouteBytes - bytesBefore) / 1024))
}

/// Stops the operator and starts a new one over the converged cluster: writes, IPAM calls, time to ready.
func restartScenario(_ cluster: Cluster, child: ChildOperator, nodes: Int, routes: Int, dualStack: Bool = false) async throws -> ChildOperator {
    await child.stop()
    cluster.emulator.resetRequestCounts()
    let clock = ContinuousClock()
    let start = clock.now
    let restarted = try await cluster.startChildOperator(configuration: try cluster.localConfiguration(dualStack: dualStack))
    let ready = seconds(start.duration(to: clock.now))
    try await waitUntil("every object reconciled once") {
        let text = try await restarted.metrics()
        return reconcileCount(text, "nodes") >= nodes
            && reconcileCount(text, "addresses") >= nodes
            && reconcileCount(text, "routes") >= routes
            && metric(text, "overlay_ipam_request_duration_seconds_count{backend=\"local\",operation=\"allocations\"}") >= 1
    }
    let settled = seconds(start.duration(to: clock.now))
    let calls = try await restarted.ipamCalls()
    print(String(
        format: "%@ %5d converged nodes, %2d routes: ready after %5.2f s, every object reconciled after %5.2f s; %d Kubernetes writes; %d IPAM requests (%@); RSS %3.0f MB (anonymous %3.0f MB)",
        (dualStack ? "dual-stack restart" : "restart ") as NSString, nodes, routes, ready, settled, cluster.emulator.writeCount(),
        calls.values.reduce(0, +),
        calls.map { "\($0.key) \($0.value)" }.joined(separator: ", ") as NSString, restarted.usage.residentMB, restarted.usage.anonymousMB))
    return restarted
}

/// N nodes at once on the phpIPAM test server (operator in this process).
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
        format: "phpipam  %5d nodes: all reserved after %6.2f s (%5.0f nodes/s; latency %@); %.2f phpIPAM requests/node; IPAM calls %@",
        nodes, elapsed, Double(nodes) / elapsed, "\(latency)" as NSString, Double(await fake.totalRequests) / Double(nodes),
        describe(ipam.calls, nodes: nodes)))
    await running.stop()
    await observer.stop()
    await server.shutdown()
    await cluster.shutdown()
}

/// The child mode: one operator instance with default settings for `kubeconfig=` and `config=`; prints
/// `port N` (its ops endpoint), then runs until SIGTERM.
func runOperatorChild(arguments: [String]) async throws {
    var values: [String: String] = [:]
    for argument in arguments {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        if parts.count == 2 { values[parts[0]] = parts[1] }
    }
    guard let kubeconfig = values["kubeconfig"], let path = values["config"] else {
        throw BenchmarkError(description: "operator mode needs kubeconfig= and config=")
    }
    var logger = Logger(label: "operator-benchmark-child")
    logger.logLevel = .critical
    // As the executable does: API, IPAM and operator metrics all land in the registry /metrics serves.
    let metrics = ProcessMetrics.bootstrap()
    let client = KubeClient(configuration: try KubeConfiguration.load(kubeconfigPath: kubeconfig, environment: [:]), logger: logger)
    let configuration = try OverlayConfiguration.parse(yaml: try String(contentsOfFile: path, encoding: .utf8))
    let ipam = try await IPAMBackendFactory.makeBackend(for: configuration, logger: logger)
    let settings = values["workers"].flatMap { Int($0) }.map { OperatorSettings(clusterID: configuration.clusterID, workers: $0) }
        ?? OperatorSettings(clusterID: configuration.clusterID)
    let process = try await OperatorProcess(
        client: client, ipam: ipam,
        options: .init(
            settings: settings, zones: configuration.ipam.zoneNames, leaderElection: nil, metricsHost: "127.0.0.1", metricsPort: 0,
            metrics: metrics),
        logger: logger)
    FileHandle.standardOutput.write(Data("port \(process.opsPort)\n".utf8))
    try await process.run()
}

// MARK: - Main

if CommandLine.arguments.dropFirst().first == "operator" {
    try await runOperatorChild(arguments: Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
let settings = Settings(arguments: CommandLine.arguments)
var logger = Logger(label: "operator-benchmark")
logger.logLevel = .critical
print(
    "OperatorBenchmark: \(settings.workers.map { "--workers \($0)" } ?? "default operator settings"), local backend unless noted;"
        + " the operator runs as a child process, the API server in this one")
for nodes in settings.nodeCounts {
    // Without routes.
    do {
        let cluster = try await Cluster.start(logger: logger, workers: settings.workers)
        let (child, observer) = try await startScenario(cluster, nodes: nodes, routes: 0)
        await child.stop()
        await observer.stop()
        await cluster.shutdown()
    }
    // With routes, then the agents' reports, then a restart.
    let cluster = try await Cluster.start(logger: logger, workers: settings.workers)
    let (child, observer) = try await startScenario(cluster, nodes: nodes, routes: settings.routes)
    try await reportScenario(cluster, child: child, observer: observer, nodes: nodes, routes: settings.routes)
    let restarted = try await restartScenario(cluster, child: child, nodes: nodes, routes: settings.routes)
    await restarted.stop()
    await observer.stop()
    await cluster.shutdown()
}
if settings.dualStackNodes > 0 {
    // A dual-stack zone (IPv4 /19 + IPv6 /64): two reservations per node, then a restart over the converged cluster.
    let cluster = try await Cluster.start(logger: logger, workers: settings.workers)
    let (child, observer) = try await startScenario(cluster, nodes: settings.dualStackNodes, routes: 0, dualStack: true)
    let restarted = try await restartScenario(cluster, child: child, nodes: settings.dualStackNodes, routes: 0, dualStack: true)
    await restarted.stop()
    await observer.stop()
    await cluster.shutdown()
}
if settings.phpipamNodes > 0 {
    try await phpIPAMScenario(nodes: settings.phpipamNodes, latency: settings.latency, logger: logger, workers: settings.workers)
}
