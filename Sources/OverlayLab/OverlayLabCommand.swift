// `overlay-lab`: the whole system on one machine — API server, operator, simulated nodes with agents.
import Synchronization
import ArgumentParser
import Foundation
import IPAddressing
import KubeClient
import KubeEmulator
import Logging
import NetBoxEmulator
import PhpIPAMEmulator
import UnixSignals
import Yams

@main
struct OverlayLabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overlay-lab",
        abstract: "Run the overlay system on this machine: an in-memory API server, the operator and one agent per simulated node.",
        discussion: """
            Each simulated node gets a network namespace with a veth pair as its NIC; its agent configures the \
            overlay device and routes inside it through netlink. That needs root (network namespaces); \
            without root the agents run in a dry run instead: no namespace is created, and each agent logs \
            the netlink changes it would make while reporting to the API as usual. \
            Everything it starts is stopped and removed on Ctrl-C, or after converging with --once.
            """)

    @Option(help: "How many simulated nodes.") var nodes = 4
    @Option(help: "How many zones the nodes are spread over.") var zones = 2
    @Option(help: "The lab folder: kubeconfig, config, IPAM database and logs.") var dir = "lab"
    @Option(help: "The folder with the CRD manifests.") var crds = "deploy/crds"
    @Option(help: "Seconds to wait for convergence before giving up.") var timeout = 180
    @Flag(help: "Exit after converging (0) or timing out (1) instead of staying up.") var once = false
    @Flag(help: "Draw addresses from the phpIPAM test server instead of the local SQLite backend.") var phpipam = false
    @Flag(help: "Draw addresses from the NetBox test server instead of the local SQLite backend.") var netbox = false
    @Flag(help: "Dual stack: every zone gets an IPv6 subnet too, each node an IPv4 and an IPv6 address, and an IPv6 StaticRoute is added (local backend or --phpipam).")
    var dualStack = false

    func validate() throws {
        guard (1...200).contains(nodes) else { throw ValidationError("--nodes must be between 1 and 200") }
        guard (1...26).contains(zones), zones <= nodes else { throw ValidationError("--zones must be between 1 and 26 and at most --nodes") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard !(phpipam && netbox) else { throw ValidationError("--phpipam and --netbox exclude each other; choose one IPAM test server") }
        guard !(dualStack && netbox) else {
            throw ValidationError("--dual-stack runs on the local SQLite backend or --phpipam (the NetBox backend is single-family); drop --netbox")
        }
    }

    func run() async throws {
        let dryRun = getuid() != 0
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let lab = try LabRun(options: self, dryRun: dryRun)
        if dryRun {
            print(
                """
                Not running as root: agents run in DRY-RUN mode — no namespaces are created; each agent records the \
                changes it would make in \(lab.directory)/logs/agent-<node>.log (run `sudo make lab` for real namespaces).

                """)
        }
        var converged = false
        do {
            converged = try await lab.bringUp(signals: signals)
            if converged, !once {
                print("\nThe lab stays up; press Ctrl-C to stop it and remove everything it made.")
                for await _ in signals { break }
            }
        } catch {
            print("overlay-lab: \(error)")
        }
        print("\nStopping: operator, agents, \(dryRun ? "" : "namespaces ")and API server …")
        await lab.tearDown()
        print("Cleaned up.")
        if !converged { throw ExitCode.failure }
    }
}

/// One lab run: what it started, so that tear-down removes exactly that.
final class LabRun: Sendable {
    let options: OverlayLabCommand
    let topology: LabTopology
    let directory: String
    let processes: LabProcesses
    /// Without root: no namespaces, agents with `--dry-run`, convergence judged from the API alone.
    let dryRun: Bool
    private let servers = Mutex<(kube: KubeEmulator?, phpipam: PhpIPAMServer?, netbox: NetBoxServer?)>((nil, nil, nil))

    init(options: OverlayLabCommand, dryRun: Bool) throws {
        self.options = options
        self.dryRun = dryRun
        let runID = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        topology = LabTopology(
            nodeCount: options.nodes, zoneCount: options.zones, runID: runID, firstAgentPort: 19402, dualStack: options.dualStack)
        let cwd = FileManager.default.currentDirectoryPath
        directory = options.dir.hasPrefix("/") ? options.dir : "\(cwd)/\(options.dir)"
        let binDirectory = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]))
            .deletingLastPathComponent().path
        processes = LabProcesses(binDirectory: binDirectory, logDirectory: "\(directory)/logs")
    }

    /// Starts everything and waits until every node is Ready with the route applied (checked in the
    /// kernel, or in a dry run on the API alone).
    func bringUp(signals: UnixSignalsSequence) async throws -> Bool {
        try prepareDirectory()
        step("Starting the in-memory Kubernetes API server")
        let token = "lab-" + String(UInt64.random(in: 0..<UInt64.max), radix: 36)
        // kubectl sends bearer tokens only over TLS: serve HTTPS with a throwaway self-signed certificate.
        let tls = try await KubeEmulator.TLS.generateSelfSigned()
        let kube = try await KubeEmulator.start(
            KubeEmulator.Configuration(tokens: [token], tls: tls, logger: quietLogger("kube-emulator")))
        servers.withLock { $0.kube = kube }
        let kubeconfig = "\(directory)/kubeconfig"
        try kube.writeKubeconfig(to: kubeconfig, token: token, certificateAuthorityPEM: tls.certificatePEM)
        print("   \(kube.url) — kubeconfig \(kubeconfig)")

        step("Installing the CRDs from \(options.crds)")
        for manifest in try crdManifests() { _ = try kube.create(json: manifest) }

        if dryRun {
            step("Creating \(topology.nodes.count) nodes in \(topology.zones.count) zones (dry run: simulated kernels, no namespaces)")
        } else {
            step("Creating \(topology.nodes.count) nodes in \(topology.zones.count) zones, each with its own network namespace")
        }
        for node in topology.nodes {
            if !dryRun { try await LabNetwork.create(node) }
            _ = try kube.create(json: topology.nodeJSON(node))
            let place = dryRun ? "simulated" : "netns \(node.namespace)"
            print("   \(node.name)  zone \(node.zone)  \(place)  host0 \(node.internalIP)/\(node.internalPrefixLength)")
        }

        let config = "\(directory)/config.yaml"
        if options.phpipam {
            step("Starting the phpIPAM test server")
            try await writePhpIPAMConfiguration(to: config)
        } else if options.netbox {
            step("Starting the NetBox test server")
            try await writeNetBoxConfiguration(to: config)
        } else {
            try topology.localConfiguration(database: "\(directory)/ipam.db").write(toFile: config, atomically: true, encoding: .utf8)
        }
        print(
            "   IPAM configuration \(config) (\(options.phpipam ? "phpIPAM" : options.netbox ? "NetBox" : "local SQLite") backend"
                + (topology.dualStack ? ", dual-stack zones: IPv4 then IPv6)" : ")"))

        step("Starting the operator (logs: \(directory)/logs/operator.log)")
        try processes.start(
            "overlay-ip-controller",
            arguments: ["--config", config, "--kubeconfig", kubeconfig, "--namespace", "default", "--metrics-address", "127.0.0.1:19400"],
            logName: "operator")

        step("Starting one agent per node\(dryRun ? " in DRY-RUN mode" : "") (logs: \(directory)/logs/agent-<node>.log)")
        for node in topology.nodes {
            let kernelArguments =
                dryRun
                ? ["--dry-run", "--dry-run-host-address", "\(node.internalIP)/\(node.internalPrefixLength)"] : ["--netns", node.namespace]
            try processes.start(
                "overlay-network-agent",
                arguments: ["--kubeconfig", kubeconfig] + kernelArguments + ["--ops-port", String(node.agentPort), "--ops-address", "127.0.0.1"],
                environment: ["NODE_NAME": node.name, "INTERFACE": LabTopology.hostInterface, "INTERFACE_LABEL": LabTopology.overlayDevice],
                logName: "agent-\(node.name)")
        }

        for route in topology.routes {
            step("Creating StaticRoute \(route.name) (\(route.subnet) via each node's overlay gateway of that family)")
        }
        for json in topology.staticRoutesJSON { _ = try kube.create(json: json) }

        step("Waiting for convergence (at most \(options.timeout) s)")
        let client = KubeClient(configuration: try KubeConfiguration.load(kubeconfigPath: kubeconfig), logger: quietLogger("lab-client"))
        var snapshot = try await waitForConvergence(client: client)
        if dryRun {
            print("\n" + snapshot.table(dryRun: true) + "\n")
            printRouteReadiness(snapshot)
            if snapshot.isConverged {
                print(
                    "Converged (DRY RUN): every node is Ready with its overlay addresses and reports every route Applied; no kernel was "
                        + "changed — the intended changes are in \(directory)/logs/agent-<node>.log.")
            } else {
                print("Not converged within \(options.timeout) s (DRY RUN); see the logs in \(directory)/logs.")
            }
            print("Explore: kubectl --kubeconfig \(kubeconfig) get noip,sr")
            return snapshot.isConverged
        }
        snapshot = await inspectKernels(snapshot)
        let verified = snapshot.isConverged && snapshot.rows.allSatisfy(kernelMatches)

        print("\n" + snapshot.table() + "\n")
        printRouteReadiness(snapshot)
        if verified {
            print("Converged: every node is Ready with its overlay addresses, and every route is in every node's kernel.")
        } else {
            print("Not converged within \(options.timeout) s; see the logs in \(directory)/logs.")
        }
        print("Explore: kubectl --kubeconfig \(kubeconfig) get noip,sr")
        return verified
    }

    /// Stops the children, removes the namespaces and shuts the servers down; safe to call after any failure.
    func tearDown() async {
        await processes.stopAll()
        if !dryRun {
            for node in topology.nodes { LabNetwork.delete(node) }
        }
        let (kube, phpipam, netbox) = servers.withLock { servers in defer { servers = (nil, nil, nil) }; return servers }
        await kube?.shutdown()
        await phpipam?.shutdown()
        await netbox?.shutdown()
    }

    // MARK: - Steps

    private func prepareDirectory() throws {
        let files = FileManager.default
        try files.createDirectory(atPath: "\(directory)/logs", withIntermediateDirectories: true)
        for stale in ["ipam.db", "ipam.db-wal", "ipam.db-shm"] { try? files.removeItem(atPath: "\(directory)/\(stale)") }
    }

    private func crdManifests() throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: options.crds)
            .filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" }.sorted()
        guard !files.isEmpty else { throw LabError("no CRD manifests in \(options.crds); run overlay-lab from the repository root") }
        return try files.map { file in
            let yaml = try String(contentsOfFile: "\(options.crds)/\(file)", encoding: .utf8)
            guard let object = try Yams.load(yaml: yaml) else { throw LabError("\(file) is empty") }
            let data = try JSONSerialization.data(withJSONObject: object)
            return String(decoding: data, as: UTF8.self)
        }
    }

    private func writePhpIPAMConfiguration(to path: String) async throws {
        let appToken = "overlaylabstatictoken000"
        var subnets = topology.zones.indices.map { index in
            let (subnet, gateway) = topology.overlaySubnet(zoneIndex: index)
            return PhpIPAMSeed.Subnet(id: 100 + index, cidr: subnet, description: "overlay lab \(topology.zones[index])", gateway: gateway)
        }
        if topology.dualStack {
            subnets += topology.zones.indices.map { index in
                let (subnet, gateway) = topology.overlayV6Subnet(zoneIndex: index)
                return PhpIPAMSeed.Subnet(
                    id: LabTopology.phpIPAMV6SubnetID(zoneIndex: index), cidr: subnet, description: "overlay lab \(topology.zones[index]) IPv6",
                    gateway: gateway)
            }
        }
        let seed = PhpIPAMSeed(
            subnets: subnets, apps: [PhpIPAMSeed.App(id: "overlaylab", security: .none)],
            users: [PhpIPAMSeed.User(username: "overlay-lab", password: UUID().uuidString, token: appToken)])
        let server = try await PhpIPAMServer.start(emulator: PhpIPAMEmulator(seed: seed), logger: quietLogger("phpipam-emulator"))
        servers.withLock { $0.phpipam = server }
        let tokenFile = "\(directory)/phpipam-token"
        try appToken.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try topology.phpIPAMConfiguration(url: server.baseURL, appID: "overlaylab", tokenFile: tokenFile)
            .write(toFile: path, atomically: true, encoding: .utf8)
        print("   \(server.baseURL) (app overlaylab, subnets \(subnets.map { "\($0.id)=\($0.cidr)" }.joined(separator: ", ")))")
    }

    private func writeNetBoxConfiguration(to path: String) async throws {
        let token = NetBoxSeed.Token(secret: LabTopology.netBoxToken, username: "overlay-lab")
        var prefixes: [NetBoxSeed.Prefix] = []
        var gateways: [NetBoxSeed.Address] = []
        for index in topology.zones.indices {
            let (subnet, gateway) = topology.overlaySubnet(zoneIndex: index)
            prefixes.append(NetBoxSeed.Prefix(id: 100 + index, prefix: subnet, description: "overlay lab \(topology.zones[index])"))
            gateways.append(NetBoxSeed.Address(id: 1 + index, address: "\(gateway)/24", description: "gateway"))
        }
        let seed = NetBoxSeed(
            tags: [NetBoxSeed.Tag(id: 1, name: "overlay-ip-controller")],
            customFields: [NetBoxSeed.CustomField(id: 1, name: "overlay_cluster", objectTypes: ["ipam.ipaddress"], filterLogic: .exact)],
            prefixes: prefixes, addresses: gateways,
            users: [NetBoxSeed.User(username: "overlay-lab", permissions: NetBoxSeed.exampleUserPermissions)], tokens: [token])
        let server = try await NetBoxServer.start(emulator: NetBoxEmulator(seed: seed), logger: quietLogger("netbox-emulator"))
        servers.withLock { $0.netbox = server }
        let tokenFile = "\(directory)/netbox-token"
        try LabTopology.netBoxToken.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try topology.netBoxConfiguration(url: server.baseURL, tokenFile: tokenFile).write(toFile: path, atomically: true, encoding: .utf8)
        print("   \(server.baseURL) (prefixes \(prefixes.map { "\($0.id)=\($0.prefix)" }.joined(separator: ", ")))")
    }

    private func waitForConvergence(client: KubeClient) async throws -> LabSnapshot {
        let deadline = ContinuousClock.now + .seconds(options.timeout)
        var lastProgress = ""
        var snapshot = LabSnapshot(rows: [], routeReady: [:], routeNames: topology.routes.map(\.name), addressesPerNode: 1)
        while ContinuousClock.now < deadline {
            try Task.checkCancellation()
            if let dead = processes.exited().first {
                throw LabError("\(dead.name) ended with \(dead.status); see \(directory)/logs/\(dead.name).log")
            }
            if let read = try? await LabSnapshot.read(from: client, topology: topology) {
                snapshot = read
                if snapshot.progress != lastProgress {
                    print("   \(snapshot.progress)")
                    lastProgress = snapshot.progress
                }
                if snapshot.isConverged {
                    if dryRun { return snapshot }
                    let kernels = await inspectKernels(snapshot)
                    if kernels.rows.allSatisfy(kernelMatches) { return kernels }
                }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return snapshot
    }

    private func inspectKernels(_ snapshot: LabSnapshot) async -> LabSnapshot {
        var result = snapshot
        for index in result.rows.indices {
            let (addresses, routes) = await LabNetwork.inspect(result.rows[index].node)
            result.rows[index].kernelAddresses = addresses
            result.rows[index].kernelRoutes = routes
        }
        return result
    }

    /// The kernel of the node's namespace holds every overlay address and each lab route via the node's
    /// gateway of the route's family.
    private func kernelMatches(_ row: LabRow) -> Bool {
        guard !row.ips.isEmpty, row.ips.count == row.gateways.count, row.ips.allSatisfy(row.kernelAddresses.contains) else { return false }
        return topology.routes.allSatisfy { route in
            let family = IPPrefix(route.subnet)?.family
            guard let gateway = zip(row.ips, row.gateways).first(where: { IPAddress(String($0.0.split(separator: "/").first ?? ""))?.family == family })?.1 else {
                return false
            }
            return row.kernelRoutes.contains("\(route.subnet) via \(gateway)")
        }
    }

    private func printRouteReadiness(_ snapshot: LabSnapshot) {
        for name in snapshot.routeNames {
            print("StaticRoute \(name): applied/selected \(snapshot.routeReady[name] ?? "-")")
        }
    }

    private func step(_ text: String) { print("» \(text)") }

    private func quietLogger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }
}
