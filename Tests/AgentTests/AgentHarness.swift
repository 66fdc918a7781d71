// A test bed for the agent on the real kernel: an AgentCluster plus a network namespace the agent configures.
import Agent
import KubeClient
import KubeEmulator
import Logging
import Netlink
import OverlayAPI
import TestSupport

/// An ``AgentCluster`` whose Node's InternalIP is the host NIC address of a fresh network namespace, and
/// agents started on that namespace.
final class AgentHarness: Sendable {
    let cluster: AgentCluster
    let namespace: TestNetworkNamespace
    let netlink: NetlinkContext

    private init(cluster: AgentCluster, namespace: TestNetworkNamespace, netlink: NetlinkContext) {
        self.cluster = cluster
        self.namespace = namespace
        self.netlink = netlink
    }

    /// Runs `body` with a fresh harness in a fresh namespace; everything is torn down afterwards.
    static func with(_ body: (AgentHarness) async throws -> Void) async throws {
        try await TestNetworkNamespace.with { namespace in
            let hostIP = String(namespace.hostAddress.split(separator: "/")[0])
            try await AgentCluster.with(hostIP: hostIP) { cluster in
                let netlink = try await NetlinkContext(namespace: namespace.name)
                try await body(AgentHarness(cluster: cluster, namespace: namespace, netlink: netlink))
            }
        }
    }

    var emulator: KubeEmulator { cluster.emulator }
    var client: KubeClient { cluster.client }
    var nodeName: String { cluster.nodeName }
    var outcome: ReconcileOutcome? { cluster.outcome }

    /// See ``AgentCluster/createOverlay(ipAddr:ipAddrs:gateways:)``.
    func createOverlay(ipAddr: String = "192.168.100.50/24", ipAddrs: [String]? = nil, gateways: [String]? = nil) async throws {
        try await cluster.createOverlay(ipAddr: ipAddr, ipAddrs: ipAddrs, gateways: gateways)
    }

    /// A dual-stack node: IPv4 `192.168.100.50/24` (gateway .1) first, IPv6 `fd00:100::50/64` (gateway ::1).
    /// IPv6 is enabled in the namespace first, for hosts whose new namespaces start with it disabled.
    func createDualStackOverlay() async throws {
        try await namespace.enableIPv6()
        try await createOverlay(ipAddrs: ["192.168.100.50/24", "fd00:100::50/64"], gateways: ["192.168.100.1", "fd00:100::1"])
    }

    /// See ``AgentCluster/createRoute(_:subnet:gateway:held:)``.
    func createRoute(_ name: String, subnet: String, gateway: String? = nil, held: Bool = false) async throws {
        try await cluster.createRoute(name, subnet: subnet, gateway: gateway, held: held)
    }

    /// The NodeOverlayIp as stored.
    func overlay() async throws -> NodeOverlayIp { try await cluster.overlay() }

    /// Our (protocol 197) routes in the namespace's main table.
    func ourRoutes() async throws -> [Route] { try await netlink.routes(in: .main, protocol: .overlayAgent) }

    /// Starts an agent on the namespace; cancel the returned task to stop it (the node stays configured).
    func startAgent(
        writes: NetlinkWriteCounter = NetlinkWriteCounter(), logger: Logger = Logger(label: "overlay-network-agent"),
        onReconcile observe: @escaping @Sendable (ReconcileOutcome) -> Void = { _ in }
    ) -> Task<Void, any Error> {
        cluster.startAgent { configuration, onReconcile in
            NodeAgent(configuration: configuration, client: client, netlink: netlink, writes: writes, logger: logger) { outcome in
                observe(outcome)
                onReconcile(outcome)
            }
        }
    }

    /// See ``AgentCluster/waitUntil(_:within:_:)``.
    func waitUntil(_ what: String, within limit: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws {
        try await cluster.waitUntil(what, within: limit, condition)
    }
}
