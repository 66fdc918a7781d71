// The overlay-network-agent executable: flags and environment to an AgentConfiguration, then runs the agent.
import Agent
import ArgumentParser
import FoundationEssentials
import FoundationExtras
import IPAddressing
import KubeClient
import Logging
import Netlink
import OpsServer
import ServiceLifecycle

/// Configures this node's overlay device, its addresses (IPv4, IPv6 or both) and static routes from its NodeOverlayIp.
@main
struct OverlayNetworkAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overlay-network-agent",
        abstract: "Configures this node's overlay addresses (IPv4, IPv6 or both) and static routes through netlink.",
        discussion: """
            Environment: NODE_NAME (or NODE_HOSTNAME, as in the original) names the node; INTERFACE names the
            host NIC (default: the interface holding the node's InternalIP); INTERFACE_LABEL names the overlay
            device (default tmp0). Flags override the environment.
            """)

    @Option(help: "The node this agent configures (default: $NODE_NAME, else $NODE_HOSTNAME).")
    var nodeName: String?

    @Option(help: "The host NIC the overlay device hangs off (default: $INTERFACE, else the interface holding the node's InternalIP).")
    var interface: String?

    @Option(help: "The overlay device's name (default: $INTERFACE_LABEL, else tmp0).")
    var interfaceLabel: String?

    @Option(help: "A kubeconfig file (default: in-cluster, or $KUBECONFIG / ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "Do all netlink work in this network namespace (/var/run/netns/NAME); API traffic stays in the agent's own.")
    var netns: String?

    @Option(name: .customLong("protected-cidrs"), help: "Comma-separated CIDRs no StaticRoute may cover, e.g. the pod and service CIDRs.")
    var protectedCIDRs: String = ""

    @Option(help: "The port of /healthz, /readyz and /metrics.")
    var opsPort: Int = 9402

    @Option(help: "The address the operations endpoint listens on.")
    var opsAddress: String = "0.0.0.0"

    @Option(help: "Seconds between full resyncs (a safety net; netlink events trigger repairs at once).")
    var resyncSeconds: Int = 300

    @Flag(help: "Change nothing on this host: plan against a simulated kernel holding one host NIC and log every intended netlink change.")
    var dryRun = false

    @Option(help: "With --dry-run: the simulated host NIC's address, e.g. 10.0.0.5/24 (default: the node's InternalIP with /24, or /64 for IPv6).")
    var dryRunHostAddress: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    /// Limits malloc's arenas while this is the only thread that allocated, then parses and runs as usual.
    static func main() async {
        MallocPolicy.limitArenas()
        await main(nil)
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "overlay-network-agent")
        let metrics = ProcessMetrics.bootstrap()
        guard let node = [nodeName, environment["NODE_NAME"], environment["NODE_HOSTNAME"]].compactMap({ $0 }).first(where: { !$0.isEmpty })
        else {
            throw ValidationError("no node name: set NODE_NAME (downward API: spec.nodeName) or pass --node-name")
        }
        var protected: [IPPrefix] = []
        for text in protectedCIDRs.split(separator: ",").map({ $0.trimmingWhitespace() }) where !text.isEmpty {
            guard let prefix = try? IPPrefix(parsing: text, allowHostBits: true) else {
                throw ValidationError("--protected-cidrs: \"\(text)\" is not a CIDR such as 10.0.0.0/8")
            }
            protected.append(prefix)
        }
        let configuration = AgentConfiguration(
            nodeName: node, parentInterface: interface ?? environment["INTERFACE"].flatMap { $0.isEmpty ? nil : $0 },
            deviceName: interfaceLabel ?? environment["INTERFACE_LABEL"].flatMap { $0.isEmpty ? nil : $0 } ?? "tmp0",
            protectedCIDRs: protected, resyncInterval: .seconds(max(resyncSeconds, 10)))
        let client = KubeClient(configuration: try KubeConfiguration.detect(kubeconfig: kubeconfig), logger: logger)
        let health = HealthState()
        let agent: NodeAgent
        if dryRun {
            let kernel = try await simulatedKernel(node: node, configuration: configuration, client: client, logger: logger)
            agent = NodeAgent(
                configuration: configuration, client: client, kernel: kernel, health: health, logger: logger,
                onReconcile: { _ in MallocPolicy.releaseFreePages() })
        } else {
            let netlink = try await NetlinkContext(namespace: netns, logger: logger)
            agent = NodeAgent(
                configuration: configuration, client: client, netlink: netlink, health: health, logger: logger,
                onReconcile: { _ in MallocPolicy.releaseFreePages() })
        }
        let ops = try await OpsServer.bind(host: opsAddress, port: opsPort, metrics: metrics, health: health, logger: logger)
        logger.info(
            "starting",
            metadata: [
                "node": "\(node)", "interface": "\(configuration.parentInterface ?? "auto")", "device": "\(configuration.deviceName)",
                "netns": "\(dryRun ? "none (dry run)" : netns ?? "own")", "opsPort": "\(ops.port)",
            ])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: agent), .init(service: ops)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    func validate() throws {
        if dryRun, netns != nil {
            throw ValidationError("--dry-run makes no netlink call, so --netns has no effect: drop one of the two")
        }
        if dryRunHostAddress != nil, !dryRun {
            throw ValidationError("--dry-run-host-address only applies with --dry-run")
        }
        if let dryRunHostAddress, OverlayAddress(cidr: dryRunHostAddress) == nil {
            throw ValidationError("--dry-run-host-address: \"\(dryRunHostAddress)\" is not an address with a prefix length such as 10.0.0.5/24")
        }
    }

    /// The simulated kernel of a dry run: one host NIC (INTERFACE, else eth0) holding --dry-run-host-address,
    /// else the node's InternalIP read from the API server.
    private func simulatedKernel(
        node: String, configuration: AgentConfiguration, client: KubeClient, logger: Logger
    ) async throws -> SimulatedKernel {
        let hostInterface = configuration.parentInterface ?? "eth0"
        let hostAddress: OverlayAddress
        if let dryRunHostAddress, let parsed = OverlayAddress(cidr: dryRunHostAddress) {
            hostAddress = parsed
        } else {
            let object = try await client.get(Node.self, name: node)
            guard let internalIP = object.status.addresses.first(where: { $0.type == "InternalIP" }),
                let address = IPAddress(internalIP.address)
            else {
                throw ValidationError("--dry-run: node \(node) has no InternalIP to put on the simulated \(hostInterface); pass --dry-run-host-address CIDR")
            }
            hostAddress = OverlayAddress(address: address, prefixLength: address.family == .v4 ? 24 : 64)
        }
        logger.notice(
            "DRY RUN: no change is made to this host; intended netlink changes are logged",
            metadata: ["simulatedInterface": "\(hostInterface)", "simulatedAddress": "\(hostAddress)"])
        var kernelLogger = logger
        kernelLogger[metadataKey: "node"] = "\(node)"
        return SimulatedKernel(hostInterface: hostInterface, hostAddress: hostAddress, logger: kernelLogger)
    }
}
