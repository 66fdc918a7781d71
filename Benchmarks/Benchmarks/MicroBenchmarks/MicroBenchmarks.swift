// Micro-benchmarks (package-benchmark): wall time, allocations and their percentiles, checked against Thresholds/.
import Agent
import Benchmark
import Foundation
import IPAddressing
import IPAMBackends
import IPAMCore
import IPAMLocalSQLite
import KubeClient
import Logging
import Netlink
import Operator
import OverlayAPI

// Names have no spaces or slashes: package-benchmark 1.38 writes threshold files with those replaced but
// looks them up unreplaced, so such a benchmark would never find its threshold.
let benchmarks: @Sendable () -> Void = {
    // Regression tolerances of `make benchmarks` against the checked-in p90s: allocations are deterministic
    // (5 % plus a few), wall time on a shared 2-core machine is not (a regression is a doubling).
    let tolerances: [BenchmarkMetric: BenchmarkThresholds] = [
        .wallClock: .init(relative: [.p90: 100]),
        .mallocCountTotal: .init(relative: [.p90: 5], absolute: [.p90: 4]),
    ]
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal], warmupIterations: 3, scalingFactor: .one,
        maxDuration: .seconds(1), maxIterations: 2_000, thresholds: tolerances)

    // MARK: - IP arithmetic

    Benchmark("IP-parse-1000-CIDRs") { benchmark in
        let texts = (0..<1_000).map { "10.\($0 / 250).\($0 % 250).0/24" }
        benchmark.startMeasurement()
        for text in texts { blackHole(IPPrefix(text)) }
    }

    Benchmark("IP-offset-round-trips-in-a-16-bit-prefix") { benchmark in
        guard let prefix = IPPrefix("10.128.0.0/16") else { return }
        for offset in stride(from: 1, to: 65_534, by: 64) {
            if let address = prefix.address(atOffset: offset) { blackHole(prefix.offset(of: address)) }
        }
    }

    Benchmark("IP-overlap-checks-100x100-prefixes") { benchmark in
        let prefixes = (0..<100).compactMap { IPPrefix("10.\($0).0.0/\(16 + $0 % 8)") }
        benchmark.startMeasurement()
        var overlapping = 0
        for first in prefixes { for second in prefixes where first.overlaps(second) { overlapping += 1 } }
        blackHole(overlapping)
    }

    // MARK: - Configuration

    Benchmark("Config-parse-3-zone-file") { _ in
        blackHole(try? OverlayConfiguration.parse(yaml: Fixtures.configuration))
    }

    // MARK: - Local SQLite backend (one /20; each sample reserves one more address, 30 samples per fill level)
    // Their threshold files hold allocations only: a reserve's wall time is the disk's fsync, which a shared
    // machine's neighbours move tenfold.

    for percent in [0, 50, 99] {
        Benchmark(
            "LocalIPAM-reserve-at-\(percent)-percent-fill",
            configuration: .init(maxIterations: 30),
            closure: { benchmark, ipam in
                let owner = IPAMOwner(clusterID: "bench", nodeName: "measured-\(UUID().uuidString)")
                benchmark.startMeasurement()
                blackHole(try? await ipam.backend.reserve(owner, zone: "bench", family: .v4))
            },
            setup: { try await FilledBackend(percent: percent) },
            teardown: {})
    }

    // MARK: - Agent

    Benchmark("NodePlan-100-routes-from-scratch") { benchmark in
        let desired = try AgentInputs.desired()
        benchmark.startMeasurement()
        blackHole(NodePlan.compute(desired: desired, kernel: AgentInputs.kernel))
    }

    Benchmark("rtnetlink-encode-100-route-additions") { benchmark in
        let changes = AgentInputs.routeChanges
        benchmark.startMeasurement()
        for (sequence, change) in changes.enumerated() { blackHole(change.encodedRequest(sequence: UInt32(sequence))) }
    }

    // MARK: - Operator

    // Decoded once, so that each sample measures the index or the aggregation alone.
    let inputs = try? OperatorInputs()
    let index = inputs?.index()

    Benchmark("RouteIndex-500-nodes-reporting-100-routes") { _ in
        blackHole(inputs?.index())
    }

    Benchmark("RouteStatus-one-route-over-500-nodes") { _ in
        guard let route = inputs?.routes.first, let index, let tally = index.tally(of: route.metadata.name) else { return }
        blackHole(
            RouteStatusAggregator.status(
                of: route, tally: tally, state: { index.state(of: route.metadata.name, on: $0) },
                report: { _ in nil }, now: KubeTime(Date(timeIntervalSince1970: 0))))
    }

    // MARK: - JSON decoding of API lists

    Benchmark("JSON-decode-NodeList-500") { benchmark in
        let body = Fixtures.nodeList()
        benchmark.startMeasurement()
        blackHole(try KubeJSON.decode(ObjectList<Node>.self, from: body))
    }

    Benchmark("JSON-decode-NodeOverlayIpList-500") { benchmark in
        let body = Fixtures.overlayList()
        benchmark.startMeasurement()
        blackHole(try KubeJSON.decode(ObjectList<NodeOverlayIp>.self, from: body))
    }

    Benchmark("JSON-decode-StaticRouteList-100") { benchmark in
        let body = Fixtures.routeList()
        benchmark.startMeasurement()
        blackHole(try KubeJSON.decode(ObjectList<StaticRoute>.self, from: body))
    }
}

/// A local SQLite backend on a fresh database with one /20 filled to a percentage through `reserve`.
final class FilledBackend: Sendable {
    let backend: any IPAMBackend
    private let directory: String

    init(percent: Int) async throws {
        directory = NSTemporaryDirectory() + "micro-benchmark-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let prefix = IPPrefix("10.128.0.0/20"), let gateway = IPAddress("10.128.0.1") else {
            throw BenchmarkInputError(description: "the benchmark subnet does not parse")
        }
        var logger = Logger(label: "micro-benchmark")
        logger.logLevel = .error
        let configuration = LocalIPAMConfiguration(
            database: directory + "/ipam.db",
            zones: [ZoneConfiguration(name: "bench", subnets: [SubnetConfiguration(subnet: prefix, gateway: gateway, reserved: [])])])
        backend = try await IPAMBackendFactory.makeBackend(.local(configuration), clusterID: "bench", logger: logger)
        let assignable = try await backend.usage().first?.assignable ?? 0
        for index in 0..<(assignable * percent / 100) {
            _ = try await backend.reserve(IPAMOwner(clusterID: "bench", nodeName: "fill-\(index)"), zone: "bench", family: .v4)
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// One node's objects and kernel as the agent sees them: 100 StaticRoutes, a configured NodeOverlayIp, a host NIC.
enum AgentInputs {
    static func desired() throws -> DesiredNode {
        let overlay = try KubeJSON.decode(ObjectList<NodeOverlayIp>.self, from: Fixtures.overlayList(1)).items.first
        let node = try KubeJSON.decode(ObjectList<Node>.self, from: Fixtures.nodeList(1)).items.first
        let routes = try KubeJSON.decode(ObjectList<StaticRoute>.self, from: Fixtures.routeList()).items
        return DesiredNode(
            overlay: overlay, node: node, staticRoutes: routes, deviceName: "tmp0", explicitParent: nil, protectedCIDRs: [])
    }

    static let kernel: KernelSnapshot = {
        let addresses = IPAddress("10.0.0.0").map { [InterfaceAddress(address: $0, prefixLength: 24, interfaceIndex: 2)] } ?? []
        return KernelSnapshot(links: [Link(index: 1, name: "lo"), Link(index: 2, name: "eth0")], addresses: addresses)
    }()

    static let routeChanges: [RouteChange] = (0..<100).compactMap { index in
        IPPrefix("10.\(index / 200).\(index % 200).0/24").map { destination in
            .add(Route(destination: destination, gateway: IPAddress("192.168.100.1"), table: RoutingTable(100)))
        }
    }
}

/// The operator's route bookkeeping inputs: 500 labelled nodes, their agents' reports, 100 StaticRoutes.
struct OperatorInputs {
    let nodes: [Node]
    let overlays: [NodeOverlayIp]
    let routes: [StaticRoute]

    init() throws {
        nodes = try KubeJSON.decode(ObjectList<Node>.self, from: Fixtures.nodeList()).items
        overlays = try KubeJSON.decode(ObjectList<NodeOverlayIp>.self, from: Fixtures.overlayList(routes: 100)).items
        routes = try KubeJSON.decode(ObjectList<StaticRoute>.self, from: Fixtures.routeList()).items
    }

    /// The route index after every route, node label set and report arrived (as after the operator's start).
    func index() -> RouteIndex {
        var index = RouteIndex()
        for route in routes { _ = index.setRoute(route) }
        for node in nodes { _ = index.setNode(node.metadata.name, labels: node.metadata.labels) }
        for overlay in overlays { _ = index.setReports(overlay.metadata.name, overlay.status.routes) }
        return index
    }
}

/// A benchmark input could not be built.
struct BenchmarkInputError: Error, CustomStringConvertible {
    let description: String
}
