// A test bed for the agent: an in-process API server with the project's CRDs, a node, and an agent in a namespace.
import Agent
import Foundation
import KubeClient
import KubeEmulator
import Netlink
import OverlayAPI
import Synchronization
import TestSupport
import Yams

/// Raised when an awaited condition does not hold in time.
struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// One emulator, one Node `node-1` (InternalIP = the namespace's host NIC address), its NodeOverlayIp, and
/// agents started on demand against the namespace.
final class AgentHarness: Sendable {
    let emulator: KubeEmulator
    let client: KubeClient
    let namespace: TestNetworkNamespace
    let netlink: NetlinkContext
    let nodeName = "node-1"
    private let passes: AsyncStream<Void>
    private let passContinuation: AsyncStream<Void>.Continuation
    private let lastOutcome = Mutex<ReconcileOutcome?>(nil)

    private init(emulator: KubeEmulator, namespace: TestNetworkNamespace, netlink: NetlinkContext) {
        self.emulator = emulator
        self.namespace = namespace
        self.netlink = netlink
        client = KubeClient(configuration: KubeConfiguration(server: emulator.url), options: KubeClient.Options(rateLimited: false))
        (passes, passContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs `body` with a fresh harness in a fresh namespace; everything is torn down afterwards.
    static func with(_ body: (AgentHarness) async throws -> Void) async throws {
        try await TestNetworkNamespace.with { namespace in
            let emulator = try await KubeEmulator.start()
            do {
                try loadCRDs(into: emulator)
                let harness = AgentHarness(emulator: emulator, namespace: namespace, netlink: try await NetlinkContext(namespace: namespace.name))
                try await harness.createNode()
                try await body(harness)
            } catch {
                await emulator.shutdown()
                throw error
            }
            await emulator.shutdown()
        }
    }

    /// The repository root (this file is `Tests/AgentTests/AgentHarness.swift`).
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

    private func createNode() async throws {
        let hostIP = String(namespace.hostAddress.split(separator: "/")[0])
        var metadata = ObjectMeta(name: nodeName)
        metadata.labels = ["topology.kubernetes.io/zone": "dal10"]
        _ = try await client.create(Node(metadata: metadata, status: NodeStatus(addresses: [NodeAddress(type: "InternalIP", address: hostIP)])))
    }

    /// Creates the NodeOverlayIp (held by a test finalizer so deletion shows as `deletionTimestamp`) and
    /// sets its operator status as the operator would.
    func createOverlay(ipAddr: String = "192.168.100.50/24") async throws {
        var metadata = ObjectMeta(name: nodeName)
        metadata.finalizers = ["test.iks.ibm.com/hold"]
        _ = try await client.create(NodeOverlayIp(metadata: metadata))
        let status: JSONValue = .object([
            "status": .object([
                "ipAddr": .string(ipAddr), "gateway": .string("192.168.100.1"), "subnet": .string("192.168.100.0/24"),
                "zone": .string("dal10"),
            ])
        ])
        _ = try await client.patchStatus(NodeOverlayIp.self, name: nodeName, patch: .merge(status))
    }

    /// Creates a StaticRoute, optionally held by a finalizer.
    func createRoute(_ name: String, subnet: String, gateway: String? = nil, held: Bool = false) async throws {
        var metadata = ObjectMeta(name: name)
        if held { metadata.finalizers = ["test.iks.ibm.com/hold"] }
        _ = try await client.create(StaticRoute(metadata: metadata, spec: StaticRouteSpec(subnet: subnet, gateway: gateway)))
    }

    /// The NodeOverlayIp as stored.
    func overlay() async throws -> NodeOverlayIp { try await client.get(NodeOverlayIp.self, name: nodeName) }

    /// Our (protocol 197) routes in the namespace's main table.
    func ourRoutes() async throws -> [Route] { try await netlink.routes(in: .main, protocol: .overlayAgent) }

    /// Starts an agent on the namespace; cancel the returned task to stop it (the node stays configured).
    func startAgent(writes: NetlinkWriteCounter = NetlinkWriteCounter()) -> Task<Void, any Error> {
        lastOutcome.withLock { $0 = nil }
        let configuration = AgentConfiguration(nodeName: nodeName, retryInterval: .milliseconds(200))
        let agent = NodeAgent(
            configuration: configuration, client: client, netlink: netlink, writes: writes,
            onReconcile: { outcome in
                self.lastOutcome.withLock { $0 = outcome }
                self.passContinuation.yield()
            })
        return Task { try await agent.run() }
    }

    /// The last pass's outcome.
    var outcome: ReconcileOutcome? { lastOutcome.withLock { $0 } }

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
