// Drift repair: the converged agent on a dual-stack node; a route or overlay address deleted behind its back, timed until it is back.
import Agent
import BenchmarkSupport
import Foundation
import IPAddressing
import KubeClient
import KubeEmulator
import Logging
import Netlink
import OverlayAPI

/// Runs the agent (in this process, default ``AgentConfiguration``) against the in-memory API server on a
/// dual-stack node with 100 IPv4 and 100 IPv6 StaticRoutes in a fresh network namespace, then, `samples`
/// times each, deletes from outside the agent (netlink, its own socket) one IPv4 route, one IPv6 route, the
/// IPv6 overlay address or the IPv4 overlay address, and times from just before the delete until the
/// kernel announces it back (``KernelEventLog``). The four kinds take turns, so a slow stretch of the
/// shared machine falls on all of them. Before each delete the agent is idle: no pass and no debounce
/// running (else its repair would start before `repairDelay` had passed since the delete).
struct DriftRepairBenchmark {
    static let ipv4RouteCount = 100
    static let ipv6RouteCount = 100
    static let nodeName = "drift-node"
    static let deviceName = "tmp0"

    /// What is deleted behind the agent's back.
    enum Drift: CaseIterable {
        case ipv4Route, ipv6Route, ipv6Address, ipv4Address

        var label: String {
            switch self {
            case .ipv4Route: "IPv4 route"
            case .ipv6Route: "IPv6 route"
            case .ipv6Address: "IPv6 overlay address"
            case .ipv4Address: "IPv4 overlay address"
            }
        }
    }

    /// One deletion and its repair.
    struct Sample {
        /// From the delete until the deleted item was announced back.
        var itemBack: Duration
        /// From the delete until the item and every route the kernel dropped with it were back.
        var allBack: Duration
        /// Routes of ours the kernel dropped with the item (an IPv4 address takes the device's IPv4 routes along).
        var droppedRoutes: Int
        /// Agent passes that wrote to the kernel from the delete until it was idle again.
        var writingPasses: Int
        /// From just before the delete until the monitor received the kernel's notice of it: what observing
        /// through the monitor adds to a figure, at most (it includes the delete request itself).
        var observationDelay: Duration
    }

    let samples: Int
    let logger: Logger
    let configuration = AgentConfiguration(nodeName: Self.nodeName)

    static let ipv4Address = OverlayAddress(cidr: "192.168.100.50/24")
    static let ipv6Address = OverlayAddress(cidr: "fd00:100::50/64")

    static func ipv4Destination(_ index: Int) -> String { "10.\(index / 256).\(index % 256).0/24" }
    static func ipv6Destination(_ index: Int) -> String { "fd01:0:0:\(String(index, radix: 16))::/64" }

    func run() async throws {
        guard let ipv4 = Self.ipv4Address, let ipv6 = Self.ipv6Address else { throw BenchmarkError(description: "the overlay literals do not parse") }
        let ipv4Routes = (0..<Self.ipv4RouteCount).compactMap { IPPrefix(Self.ipv4Destination($0)) }
        let ipv6Routes = (0..<Self.ipv6RouteCount).compactMap { IPPrefix(Self.ipv6Destination($0)) }
        let namespace = "oic-bench-drift-\(getpid())"
        let directory = NSTemporaryDirectory() + namespace
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer {
            try? NetworkNamespace.delete(named: namespace)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let netlink = try await makeBenchmarkNamespace(namespace, logger: logger)
        try await enableIPv6(inNamespace: namespace)
        let emulator = try await KubeEmulator.start(.init(logger: logger))
        do {
            let client = try await seedCluster(emulator, directory: directory)
            let events = try await KernelEventLog(netlink: netlink)
            let passes = AgentPassLog()
            // The agent has its own netlink context (thread, socket, event subscription), as in its own process.
            let agent = NodeAgent(
                configuration: configuration, client: client, netlink: try await NetlinkContext(namespace: namespace, logger: logger),
                logger: logger, onReconcile: passes.record)
            let running = Task { try await agent.run() }
            defer { running.cancel() }

            print("drift repair: dual-stack node (\(ipv4.description), \(ipv6.description)), \(ipv4Routes.count) IPv4 + \(ipv6Routes.count) IPv6 StaticRoutes …")
            let deviceIndex = try await waitForConvergence(
                netlink, passes: passes, addresses: [ipv4, ipv6], routes: ipv4Routes + ipv6Routes)
            try await waitUntilIdle(events: events, passes: passes)
            var results: [Drift: [Sample]] = [:]
            for round in 0..<samples {
                for drift in Drift.allCases {
                    let deleted: KernelItem
                    switch drift {
                    case .ipv4Route: deleted = .route(ipv4Routes[round % ipv4Routes.count])
                    case .ipv6Route: deleted = .route(ipv6Routes[round % ipv6Routes.count])
                    case .ipv6Address: deleted = .address(ipv6.address)
                    case .ipv4Address: deleted = .address(ipv4.address)
                    }
                    let sample = try await measure(
                        deleting: deleted, netlink: netlink, events: events, passes: passes, deviceIndex: deviceIndex,
                        overlay: [ipv4, ipv6], routes: Set(ipv4Routes + ipv6Routes))
                    results[drift, default: []].append(sample)
                }
            }
            let problems = passes.summary.problems
            guard problems.isEmpty else { throw BenchmarkError(description: "the agent reported problems: \(problems.prefix(3))") }
            report(results)
            running.cancel()
            _ = await running.result
            await emulator.shutdown()
        } catch {
            await emulator.shutdown()
            throw error
        }
    }

    /// Applies the CRDs and creates the Node (InternalIP on `host0`), its dual-stack NodeOverlayIp as the
    /// operator leaves it, and the StaticRoutes; returns a client for the agent.
    private func seedCluster(_ emulator: KubeEmulator, directory: String) async throws -> KubeClient {
        let kubeconfig = directory + "/kubeconfig"
        try emulator.writeKubeconfig(to: kubeconfig, token: nil)
        try await applyProjectCRDs(kubeconfig: kubeconfig)
        let client = KubeClient(
            configuration: try KubeConfiguration.load(kubeconfigPath: kubeconfig, environment: [:]), options: .init(rateLimited: false),
            logger: logger)
        var nodeMetadata = ObjectMeta(name: Self.nodeName)
        nodeMetadata.labels = ["topology.kubernetes.io/zone": "dal10"]
        _ = try await client.create(Node(metadata: nodeMetadata, status: NodeStatus(addresses: [NodeAddress(type: "InternalIP", address: "192.168.100.2")])))
        _ = try await client.create(NodeOverlayIp(metadata: ObjectMeta(name: Self.nodeName)))
        _ = try await client.patchStatus(NodeOverlayIp.self, name: Self.nodeName, patch: .merge(.object(["status": .object([
            "ipAddr": .string("192.168.100.50/24"), "gateway": .string("192.168.100.1"), "subnet": .string("192.168.100.0/24"),
            "zone": .string("dal10"), "ipAddrs": .array([.string("192.168.100.50/24"), .string("fd00:100::50/64")]),
            "gateways": .array([.string("192.168.100.1"), .string("fd00:100::1")]),
        ])])))
        for index in 0..<Self.ipv4RouteCount {
            _ = try await client.create(StaticRoute(metadata: ObjectMeta(name: "v4-\(index)"), spec: StaticRouteSpec(subnet: Self.ipv4Destination(index))))
        }
        for index in 0..<Self.ipv6RouteCount {
            _ = try await client.create(StaticRoute(metadata: ObjectMeta(name: "v6-\(index)"), spec: StaticRouteSpec(subnet: Self.ipv6Destination(index))))
        }
        return client
    }

    /// Waits until the device holds both addresses, every route is installed and the agent reported them
    /// all applied; returns the device's index.
    private func waitForConvergence(
        _ netlink: NetlinkContext, passes: AgentPassLog, addresses: [OverlayAddress], routes: [IPPrefix]
    ) async throws -> Int32 {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let device = try await netlink.link(named: Self.deviceName), let report = passes.summary.last?.report {
                let held = Set(try await netlink.addresses(on: .index(device.index)).map(\.address))
                let installed = Set(try await netlink.routes(in: .main, protocol: .overlayAgent).map(\.destination))
                let applied = report.routes.count == routes.count && report.routes.allSatisfy { $0.state == .applied }
                if addresses.allSatisfy({ held.contains($0.address) }) && installed == Set(routes) && applied
                    && report.configuredAddresses == addresses.map(\.description)
                {
                    return device.index
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchmarkError(description: "the agent did not converge within 60 s; its problems: \(passes.summary.problems.suffix(3))")
    }

    /// Waits until the agent is idle: no kernel event for two debounce periods plus a margin (an event of
    /// its own writes starts a debounce, and one more can be queued behind it) and no pass for the margin.
    private func waitUntilIdle(events: KernelEventLog, passes: AgentPassLog) async throws {
        let margin = Duration.milliseconds(100)
        while true {
            var quietFrom = ContinuousClock.now
            if let event = events.lastArrival { quietFrom = max(quietFrom, event + configuration.repairDelay * 2 + margin) }
            if let pass = passes.summary.lastEnd { quietFrom = max(quietFrom, pass + margin) }
            if ContinuousClock.now >= quietFrom { return }
            try await Task.sleep(until: quietFrom, clock: .continuous)
        }
    }

    /// Deletes `item` and times its return (and that of the routes the kernel dropped with it), then checks
    /// the kernel holds everything again and waits until the agent is idle.
    private func measure(
        deleting item: KernelItem, netlink: NetlinkContext, events: KernelEventLog, passes: AgentPassLog, deviceIndex: Int32,
        overlay: [OverlayAddress], routes: Set<IPPrefix>
    ) async throws -> Sample {
        let passesBefore = passes.summary
        let position = events.position
        let started = ContinuousClock.now
        switch item {
        case .route(let destination):
            try await netlink.deleteRoute(Route(destination: destination, table: .main, protocol: .overlayAgent))
        case .address(let address):
            guard let deleted = overlay.first(where: { $0.address == address }) else { throw BenchmarkError(description: "\(address) is no overlay address") }
            try await netlink.deleteAddress(InterfaceAddress(address: address, prefixLength: deleted.prefixLength, interfaceIndex: deviceIndex))
        }
        // What else went (the kernel announces no route it flushes with an IPv4 address): read at once,
        // well inside the agent's debounce; a pass in between would make the count wrong, so that is checked.
        var dropped = routes.subtracting(try await netlink.routes(in: .main, protocol: .overlayAgent).map(\.destination))
        if case .route(let destination) = item { dropped.remove(destination) }
        guard passes.summary.passes == passesBefore.passes else {
            throw BenchmarkError(description: "the agent ran a pass before the benchmark had read what the delete of \(item) dropped")
        }
        let awaited = Set(dropped.map(KernelItem.route)).union([item])
        let arrived = try await events.arrivals(of: awaited, from: position, interfaceIndex: deviceIndex, within: .seconds(10))
        let removal = events.arrival(from: position) { event in
            switch (event, item) {
            case (.routeRemoved(let route), .route(let destination)): route.destination == destination && route.protocol == .overlayAgent
            case (.addressRemoved(let address), .address(let deleted)): address.address == deleted
            default: false
            }
        }
        guard let itemBack = arrived[item], let allBack = arrived.values.max(), let removal else {
            throw BenchmarkError(description: "\(item) came back without its removal or return recorded")
        }
        try await waitUntilIdle(events: events, passes: passes)
        let held = Set(try await netlink.addresses(on: .index(deviceIndex)).map(\.address))
        let installed = Set(try await netlink.routes(in: .main, protocol: .overlayAgent).map(\.destination))
        guard overlay.allSatisfy({ held.contains($0.address) }), installed == routes else {
            throw BenchmarkError(description: "after repairing \(item) the kernel holds \(installed.count) of \(routes.count) routes, addresses \(held)")
        }
        return Sample(
            itemBack: started.duration(to: itemBack), allBack: started.duration(to: allBack), droppedRoutes: dropped.count,
            writingPasses: passes.summary.writingPasses - passesBefore.writingPasses, observationDelay: started.duration(to: removal))
    }

    private func report(_ results: [Drift: [Sample]]) {
        func shown(_ duration: Duration) -> String { LatencySummary.milliseconds(duration).trimmingCharacters(in: .whitespaces) }
        print("agent configuration: the defaults: repairDelay (debounce of netlink events) \(shown(configuration.repairDelay)), "
            + "resyncInterval \(configuration.resyncInterval.components.seconds) s, retryInterval \(configuration.retryInterval.components.seconds) s")
        print("timed from just before the delete (netlink, from outside the agent) until the benchmark's netlink monitor receives the item back")
        print("deleted, \(samples) times each, in turn".padding(toLength: 66, withPad: " ", startingAt: 0) + "     p50         p90         p99         max")
        for drift in Drift.allCases {
            let taken = results[drift] ?? []
            guard let summary = LatencySummary(taken.map(\.itemBack)) else { continue }
            print(drift.label.padding(toLength: 66, withPad: " ", startingAt: 0) + summary.columns)
            let dropped = Set(taken.map(\.droppedRoutes))
            if let most = dropped.max(), most > 0, let all = LatencySummary(taken.map(\.allBack)) {
                let count = dropped.count == 1 ? "\(most)" : "\(dropped.min() ?? 0)–\(most)"
                print("  … with the \(count) routes the kernel dropped with it".padding(toLength: 66, withPad: " ", startingAt: 0) + all.columns)
            }
        }
        if let observation = LatencySummary(results.values.joined().map(\.observationDelay)) {
            print("monitor delay, at most (delete → its removal notice received)".padding(toLength: 66, withPad: " ", startingAt: 0)
                + observation.columns)
        }
        let writing = results.values.joined().map(\.writingPasses)
        let single = writing.filter { $0 == 1 }.count
        print("agent passes that wrote, per repair: 1 in \(single) of \(writing.count) samples" + (single == writing.count ? "" : ", otherwise \(Set(writing.filter { $0 != 1 }).sorted())"))
    }
}
