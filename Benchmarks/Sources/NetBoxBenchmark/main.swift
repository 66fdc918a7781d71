// NetBox backend cost: 1000 nodes on the NetBox emulator, directly and through the operator, with and without
// the real server's latencies (23.5 ms per allocation, 10 ms per listing, 47 ms per delete).
//
// Usage: swift run -c release NetBoxBenchmark [nodes=1000]
// Prints per scenario: seconds until every owner (node) holds an address, NetBox requests per node by kind,
// and the list POSTs' average batch size; then what a restarted backend needs to find every address again.
import BenchmarkSupport
import Foundation
import IPAMBackends
import IPAMCore
import IPAMNetBox
import KubeClient
import KubeEmulator
import Logging
import NetBoxEmulator
import Operator
import OverlayAPI

let nodes = CommandLine.arguments.dropFirst().compactMap { argument -> Int? in
    argument.hasPrefix("nodes=") ? Int(argument.dropFirst(6)) : nil
}.first ?? 1000
let zone = "bench"
let logger: Logger = {
    var logger = Logger(label: "netbox-benchmark")
    logger.logLevel = .critical
    return logger
}()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// A NetBox emulator with one /21 (gateway .1) in zone `bench`, the tag and the exact custom field.
struct NetBox {
    let emulator: NetBoxEmulator
    let server: NetBoxServer
    let configuration: NetBoxConfiguration
    let token = NetBoxSeed.Token(secret: "be0c4be0c4be0c4be0c4be0c4be0c4be0c4be0c4", username: "bench")

    static func start(latency: Bool) async throws -> NetBox {
        let seed = NetBoxSeed(
            tags: [NetBoxSeed.Tag(id: 1, name: NetBoxConfiguration.defaultTag)],
            customFields: [NetBoxSeed.CustomField(id: 1, name: NetBoxConfiguration.defaultClusterField, objectTypes: ["ipam.ipaddress"], filterLogic: .exact)],
            prefixes: [NetBoxSeed.Prefix(id: 1, prefix: "10.60.0.0/21")],
            addresses: [NetBoxSeed.Address(id: 1, address: "10.60.0.1/21", description: "gateway")],
            users: [NetBoxSeed.User(username: "bench", permissions: NetBoxSeed.exampleUserPermissions)],
            tokens: [NetBoxSeed.Token(secret: "be0c4be0c4be0c4be0c4be0c4be0c4be0c4be0c4", username: "bench")])
        let emulator = NetBoxEmulator(seed: seed)
        if latency { await emulator.injectFaults { $0.operationLatency = NetBoxFaults.recordedLatencies } }
        let server = try await NetBoxServer.start(emulator: emulator, logger: logger)
        let configuration = NetBoxConfiguration(
            url: server.baseURL, prefixMap: [NetBoxZonePrefixes(zone: zone, prefixes: [NetBoxPrefixReference(.id(1))])])
        return NetBox(emulator: emulator, server: server, configuration: configuration)
    }

    func backend() throws -> NetBoxBackend {
        try NetBoxBackend(
            configuration: configuration, clusterID: "bench", logger: logger,
            environment: [NetBoxCredentials.tokenVariable: token.secret])
    }

    /// `N requests/node (allocate a, list b, …), list POSTs of c on average`.
    func report(nodes: Int) async -> String {
        let counts = await emulator.operationCounts
        let total = counts.values.reduce(0, +)
        let kinds = counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        let posts = counts[.allocate] ?? 0
        return String(format: "%.3f NetBox requests/node (%@); %.1f reservations per list POST", Double(total) / Double(nodes), kinds, Double(nodes) / Double(max(posts, 1)))
    }
}

/// Polls `condition` every 10 ms until it holds; fails after `limit`.
func waitUntil(_ what: String, limit: Duration = .seconds(900), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw BenchmarkError(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// `nodes` owners reserve at once against the backend alone; then a restarted backend reserves them again.
func backendScenario(latency: Bool) async throws {
    let netbox = try await NetBox.start(latency: latency)
    let backend = try netbox.backend()
    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<nodes {
            group.addTask { _ = try await backend.reserve(IPAMOwner(clusterID: "bench", nodeName: "node-\(index)"), zone: zone, family: .v4) }
        }
        try await group.waitForAll()
    }
    let elapsed = seconds(start.duration(to: clock.now))
    print(String(format: "backend   %@: %d owners at once, all reserved after %6.2f s; ", latency ? "real latency" : "no latency  ", nodes, elapsed)
        + (await netbox.report(nodes: nodes)))

    await netbox.emulator.resetRequestCounts()
    let restarted = try netbox.backend()
    let restartStart = clock.now
    for index in 0..<nodes {
        _ = try await restarted.reserve(IPAMOwner(clusterID: "bench", nodeName: "node-\(index)"), zone: zone, family: .v4)
    }
    print(String(format: "          restarted backend: every owner found again after %6.2f s; ", seconds(restartStart.duration(to: clock.now)))
        + (await netbox.report(nodes: nodes)))
    await netbox.server.shutdown()
}

/// `nodes` Nodes created at once with the operator running on the NetBox backend: time until every
/// NodeOverlayIp is reserved, and NetBox requests per node.
func operatorScenario(latency: Bool) async throws {
    let directory = NSTemporaryDirectory() + "netbox-bench-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let kube = try await KubeEmulator.start(.init(logger: logger))
    let kubeconfig = directory + "/kubeconfig"
    try kube.writeKubeconfig(to: kubeconfig, token: nil)
    try await applyProjectCRDs(kubeconfig: kubeconfig)
    let client = KubeClient(configuration: try KubeConfiguration.load(kubeconfigPath: kubeconfig, environment: [:]), options: .init(), logger: logger)
    let netbox = try await NetBox.start(latency: latency)
    let operatorProcess = try await OperatorProcess(
        client: client, ipam: try netbox.backend(),
        options: .init(settings: OperatorSettings(clusterID: "bench"), zones: [zone], leaderElection: nil, metricsHost: "127.0.0.1", metricsPort: 0, handlesSignals: false),
        logger: logger)
    let running = Task { try await operatorProcess.run() }
    try await waitUntil("operator ready") { operatorProcess.health.isReady }
    await netbox.emulator.resetRequestCounts()

    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<16 {
            group.addTask {
                for index in stride(from: worker, to: nodes, by: 16) {
                    _ = try await client.create(Node(metadata: ObjectMeta(name: "node-\(index)", labels: ["topology.kubernetes.io/zone": zone])))
                }
            }
        }
        try await group.waitForAll()
    }
    try await waitUntil("every NodeOverlayIp reserved") {
        let items = try await client.listAll(NodeOverlayIp.self).items
        return items.count == nodes && items.allSatisfy { $0.status.ipAddr != nil }
    }
    let elapsed = seconds(start.duration(to: clock.now))
    print(String(format: "operator  %@: %d nodes created, all reserved after %6.2f s (%4.0f nodes/s); ", latency ? "real latency" : "no latency  ", nodes, elapsed, Double(nodes) / elapsed)
        + (await netbox.report(nodes: nodes)))
    await operatorProcess.shutDown()
    _ = await running.result
    await netbox.server.shutdown()
    await kube.shutdown()
}

print("NetBoxBenchmark: \(nodes) nodes, one /21 prefix; real latency = 23.5 ms per allocation, 10 ms per listing, 47 ms per delete")
for latency in [false, true] {
    try await backendScenario(latency: latency)
    try await operatorScenario(latency: latency)
}
