// Creates N Nodes at once on the emulator and measures time until all have Reserved=True and an IP.
//
// Usage: swift run -c release OperatorBenchmark [nodes=1000] [phpipam-latency-ms=2] [backend=both|local|phpipam]
// Reports per backend: seconds until every NodeOverlayIp is reserved, nodes/s, API writes per node
// (NodeOverlayIp create + status), and phpIPAM requests per node.
import Foundation
import IPAMBackends
import IPAMCore
import IPAMphpIPAM
import KubeClient
import KubeEmulator
import Logging
import Operator
import OverlayAPI
import PhpIPAMEmulator
import Subprocess

/// Command-line settings.
struct Settings {
    var nodes = 1000
    var latency = Duration.milliseconds(2)
    var backends = ["local", "phpipam"]

    init(arguments: [String]) {
        if arguments.count > 1, let value = Int(arguments[1]), value > 0 { nodes = value }
        if arguments.count > 2, let value = Int(arguments[2]), value >= 0 { latency = .milliseconds(value) }
        if arguments.count > 3, arguments[3] != "both" { backends = [arguments[3]] }
    }
}

/// The benchmark failed to set up or finish.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
}

/// Loads the project's CRDs into the emulator with kubectl.
func applyCRDs(kubeconfig: String) async throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    for crd in ["nodeoverlayips.iks.ibm.com.yaml", "staticroutes.iks.ibm.com.yaml"] {
        let status = try await Subprocess.run(
            .path("/usr/bin/kubectl"),
            arguments: ["--kubeconfig", kubeconfig, "apply", "-f", root.appendingPathComponent("deploy/crds/\(crd)").path],
            output: .discarded
        ).terminationStatus
        guard status.isSuccess else { throw BenchmarkError(description: "kubectl apply \(crd) failed: \(status)") }
    }
}

/// One run: a fresh emulator, an operator on `ipam`, N nodes created at once.
func run(backend name: String, settings: Settings, logger: Logger) async throws {
    let directory = NSTemporaryDirectory() + "operator-bench-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let emulator = try await KubeEmulator.start(.init(logger: logger))
    let kubeconfig = directory + "/kubeconfig"
    try emulator.writeKubeconfig(to: kubeconfig, token: nil)
    try await applyCRDs(kubeconfig: kubeconfig)
    let client = KubeClient(
        configuration: try KubeConfiguration.load(kubeconfigPath: kubeconfig, environment: [:]), options: .init(rateLimited: false),
        logger: logger)

    var phpipam: (PhpIPAMEmulator, PhpIPAMServer)?
    let ipam: any IPAMBackend
    if name == "phpipam" {
        var seed = PhpIPAMSeed.example
        seed.subnets = [.init(id: 50, cidr: "10.50.0.0/21", description: "benchmark", gateway: "10.50.0.1", reserved: [])]
        let fake = PhpIPAMEmulator(seed: seed)
        let server = try await PhpIPAMServer.start(emulator: fake)
        await fake.injectFaults { $0.latency = settings.latency }
        try "iksnonestatictoken000000".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        let configuration = PhpIPAMConfiguration(
            url: server.baseURL, appID: "iksnone", credentials: .token(file: directory + "/token"),
            subnetMap: [PhpIPAMZoneSubnets(zone: "bench", subnetIDs: [50])])
        ipam = try await IPAMBackendFactory.makeBackend(.phpipam(configuration), clusterID: "bench", logger: logger)
        phpipam = (fake, server)
    } else {
        let configuration = try OverlayConfiguration.parse(yaml: """
            clusterID: bench
            ipam:
              backend: local
              local:
                database: \(directory)/ipam.db
                zones:
                  bench:
                    - {subnet: 10.50.0.0/21}
            """)
        ipam = try await IPAMBackendFactory.makeBackend(for: configuration, logger: logger)
    }
    let process = try await OperatorProcess(
        client: client, ipam: ipam,
        options: .init(
            settings: OperatorSettings(clusterID: "bench", workers: 16), zones: ["bench"], leaderElection: nil,
            metricsHost: "127.0.0.1", metricsPort: 0, handlesSignals: false),
        logger: logger)
    let task = Task { try await process.run() }
    // Wait for the caches so the measurement starts with a running operator.
    while !process.health.isReady { try await Task.sleep(for: .milliseconds(10)) }
    emulator.resetRequestCounts()
    if let (fake, _) = phpipam { await fake.resetRequestCounts() }

    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<16 {
            group.addTask {
                for index in stride(from: worker, to: settings.nodes, by: 16) {
                    let node = Node(metadata: ObjectMeta(name: "node-\(index)", labels: ["topology.kubernetes.io/zone": "bench"]))
                    _ = try await client.create(node)
                }
            }
        }
        try await group.waitForAll()
    }
    let created = start.duration(to: clock.now)
    var reserved = 0
    while reserved < settings.nodes {
        try await Task.sleep(for: .milliseconds(50))
        let objects = try await client.listAll(NodeOverlayIp.self).items
        reserved = objects.filter { $0.status.ipAddr != nil && ($0.status.conditions ?? []).isTrue("Reserved") }.count
        if start.duration(to: clock.now) > .seconds(600) { throw BenchmarkError(description: "not all reserved after 600 s") }
    }
    let elapsed = start.duration(to: clock.now)
    let writes = emulator.writeCount(resource: "nodeoverlayips.iks.ibm.com")
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    var line = String(
        format: "%-8@ %5d nodes  all reserved after %7.2f s  (%7.1f nodes/s; creating them took %.2f s)  %.2f API writes/node",
        name as NSString, settings.nodes, seconds, Double(settings.nodes) / seconds,
        Double(created.components.seconds) + Double(created.components.attoseconds) / 1e18, Double(writes) / Double(settings.nodes))
    if let (fake, _) = phpipam {
        line += String(format: "  %.2f phpIPAM requests/node (latency %@)", Double(await fake.totalRequests) / Double(settings.nodes), "\(settings.latency)" as NSString)
    }
    print(line)
    await process.shutDown()
    _ = await task.result
    if let (_, server) = phpipam { await server.shutdown() }
    await emulator.shutdown()
}

let settings = Settings(arguments: CommandLine.arguments)
var logger = Logger(label: "operator-benchmark")
logger.logLevel = .critical
for backend in settings.backends {
    try await run(backend: backend, settings: settings, logger: logger)
}
