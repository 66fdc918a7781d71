// The API side of agent tests: an in-process API server with the project's CRDs, a Node, and agents on any kernel.
import Agent
import Foundation
import KubeClient
import KubeEmulator
import OverlayAPI
import Synchronization
import Yams

/// Raised when an awaited condition does not hold in time.
struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// One emulator, one Node `node-1` (InternalIP = `hostIP`), its NodeOverlayIp, and agents started on
/// demand against a kernel (``AgentHarness`` adds a network namespace; simulated-kernel tests use this alone).
final class AgentCluster: Sendable {
    let emulator: KubeEmulator
    let client: KubeClient
    let nodeName = "node-1"
    private let passes: AsyncStream<Void>
    private let passContinuation: AsyncStream<Void>.Continuation
    private let lastOutcome = Mutex<ReconcileOutcome?>(nil)
    private let problemsSeen = Mutex<[String]>([])

    private init(emulator: KubeEmulator) {
        self.emulator = emulator
        client = KubeClient(configuration: KubeConfiguration(server: emulator.url), options: KubeClient.Options(rateLimited: false))
        (passes, passContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs `body` with a fresh emulator holding the CRDs and the Node; the emulator is shut down afterwards.
    static func with<Result>(hostIP: String, _ body: (AgentCluster) async throws -> Result) async throws -> Result {
        let emulator = try await KubeEmulator.start()
        do {
            try loadCRDs(into: emulator)
            let cluster = AgentCluster(emulator: emulator)
            try await cluster.createNode(hostIP: hostIP)
            let result = try await body(cluster)
            await emulator.shutdown()
            return result
        } catch {
            await emulator.shutdown()
            throw error
        }
    }

    /// The repository root (this file is `Tests/AgentTests/AgentCluster.swift`).
    private static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private static func loadCRDs(into emulator: KubeEmulator) throws {
        for name in ["nodeoverlayips.iks.ibm.com.yaml", "staticroutes.iks.ibm.com.yaml"] {
            let yaml = try String(contentsOf: repositoryRoot.appendingPathComponent("deploy/crds/\(name)"), encoding: .utf8)
            guard let object = try Yams.load(yaml: yaml) else { throw TimedOut(what: "a document in \(name)") }
            let json = try JSONSerialization.data(withJSONObject: object)
            _ = try emulator.create(json: String(decoding: json, as: UTF8.self))
        }
    }

    private func createNode(hostIP: String) async throws {
        var metadata = ObjectMeta(name: nodeName)
        metadata.labels = ["topology.kubernetes.io/zone": "dal10"]
        _ = try await client.create(Node(metadata: metadata, status: NodeStatus(addresses: [NodeAddress(type: "InternalIP", address: hostIP)])))
    }

    /// Creates the NodeOverlayIp (held by a test finalizer so deletion shows as `deletionTimestamp`) and
    /// sets its operator status as the operator would; `ipAddrs`/`gateways` (a dual-stack node) are left
    /// out unless given, as an older operator or the original controller writes them.
    func createOverlay(ipAddr: String = "192.168.100.50/24", ipAddrs: [String]? = nil, gateways: [String]? = nil) async throws {
        var metadata = ObjectMeta(name: nodeName)
        metadata.finalizers = ["test.iks.ibm.com/hold"]
        _ = try await client.create(NodeOverlayIp(metadata: metadata))
        var keys: [String: JSONValue] = [
            "ipAddr": .string(ipAddr), "gateway": .string("192.168.100.1"), "subnet": .string("192.168.100.0/24"),
            "zone": .string("dal10"),
        ]
        if let ipAddrs { keys["ipAddrs"] = .array(ipAddrs.map(JSONValue.string)) }
        if let gateways { keys["gateways"] = .array(gateways.map(JSONValue.string)) }
        _ = try await client.patchStatus(NodeOverlayIp.self, name: nodeName, patch: .merge(.object(["status": .object(keys)])))
    }

    /// Creates a StaticRoute, optionally held by a finalizer.
    func createRoute(_ name: String, subnet: String, gateway: String? = nil, held: Bool = false) async throws {
        var metadata = ObjectMeta(name: name)
        if held { metadata.finalizers = ["test.iks.ibm.com/hold"] }
        _ = try await client.create(StaticRoute(metadata: metadata, spec: StaticRouteSpec(subnet: subnet, gateway: gateway)))
    }

    /// The NodeOverlayIp as stored.
    func overlay() async throws -> NodeOverlayIp { try await client.get(NodeOverlayIp.self, name: nodeName) }

    /// Starts an agent made by `makeAgent` (given the pass observer to install); cancel the returned task
    /// to stop it (the node stays configured).
    func startAgent(
        _ makeAgent: (_ configuration: AgentConfiguration, _ onReconcile: @escaping @Sendable (ReconcileOutcome) -> Void) -> NodeAgent
    ) -> Task<Void, any Error> {
        lastOutcome.withLock { $0 = nil }
        problemsSeen.withLock { $0 = [] }
        let agent = makeAgent(AgentConfiguration(nodeName: nodeName, retryInterval: .milliseconds(200))) { outcome in
            self.lastOutcome.withLock { $0 = outcome }
            self.problemsSeen.withLock { $0 += outcome.problems }
            self.passContinuation.yield()
        }
        return Task { try await agent.run() }
    }

    /// Starts an agent on `kernel`; cancel the returned task to stop it.
    func startAgent(on kernel: any KernelAccess) -> Task<Void, any Error> {
        startAgent { configuration, onReconcile in
            NodeAgent(configuration: configuration, client: client, kernel: kernel, onReconcile: onReconcile)
        }
    }

    /// The last pass's outcome.
    var outcome: ReconcileOutcome? { lastOutcome.withLock { $0 } }

    /// The problems of every pass since the agent started, in order: a problem a retry has already
    /// replaced in ``outcome`` stays here.
    var problems: [String] { problemsSeen.withLock { $0 } }

    /// Checks `condition` now and after every agent pass until it holds; throws ``TimedOut`` after `limit`.
    func waitUntil(_ what: String, within limit: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        let continuation = passContinuation
        let alarm = Task {
            try await Task.sleep(until: deadline)
            continuation.yield()
        }
        defer { alarm.cancel() }
        if try await condition() { return }
        for await _ in passes {
            if try await condition() { return }
            if ContinuousClock.now >= deadline { throw TimedOut(what: what) }
        }
        throw TimedOut(what: what)
    }
}
