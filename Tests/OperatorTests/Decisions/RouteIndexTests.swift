// Pure tests: the incremental route index against a from-scratch recount, and the bounded status built from it.
import Foundation
import KubeClient
import Operator
import OverlayAPI
import Testing

@Suite("Route index and StaticRoute status")
struct RouteIndexTests {
    private let now = KubeTime(Date(timeIntervalSince1970: 1_700_000_000))

    private func report(_ route: String, _ state: RouteState, message: String? = nil) -> RouteReport {
        RouteReport(name: route, subnet: "10.0.0.0/24", gateway: "192.168.100.1", device: "ov0", state: state, message: message)
    }

    private func route(_ name: String, zone: String? = nil, selector: [String: String]? = nil, generation: Int = 1) -> StaticRoute {
        StaticRoute(
            metadata: ObjectMeta(name: name, labels: zone.map { ["zone": $0] } ?? [:], generation: generation),
            spec: StaticRouteSpec(subnet: "10.0.0.0/24", nodeSelector: selector.map { LabelSelector(matchLabels: $0) }))
    }

    /// The tallies counted by scanning every node for every route, as the operator did before the index.
    private func recount(
        routes: [String: StaticRoute], labels: [String: [String: String]], reports: [String: [RouteReport]]
    ) -> [String: RouteIndex.Tally] {
        var result: [String: RouteIndex.Tally] = [:]
        for (name, route) in routes {
            var tally = RouteIndex.Tally()
            for (node, nodeLabels) in labels {
                let state = reports[node]?.last { $0.name == name }?.state
                if state != nil { tally.liveReporters.insert(node) }
                guard route.selects(nodeLabels: nodeLabels) else { continue }
                tally.selected.insert(node)
                switch state {
                case .applied: tally.applied += 1
                case .refused: tally.refused += 1; tally.notApplied.insert(node)
                case .failed: tally.failed += 1; tally.notApplied.insert(node)
                case nil: tally.notApplied.insert(node)
                }
            }
            result[name] = tally
        }
        return result
    }

    @Test("after any random sequence of node, report and route changes the incremental tallies equal a from-scratch recount", arguments: 1...20)
    func incrementalEqualsRecount(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let nodeNames = (0..<12).map { "node-\($0)" }
        let routeNames = ["r0", "r1", "r2", "r3"]
        let zones = ["dal10", "dal12"]
        var index = RouteIndex()
        var routes: [String: StaticRoute] = [:]
        var labels: [String: [String: String]] = [:]
        var reports: [String: [RouteReport]] = [:]
        for _ in 0..<400 {
            let node = nodeNames.randomElement(using: &random) ?? "node-0"
            switch Int.random(in: 0..<10, using: &random) {
            case 0...2:  // a Node appears or its labels change
                var nodeLabels = ["topology.kubernetes.io/zone": zones.randomElement(using: &random) ?? "dal10"]
                if Bool.random(using: &random) { nodeLabels["role"] = "edge" }
                if Bool.random(using: &random) { nodeLabels["kubelet-heartbeat"] = "\(Int.random(in: 0..<3, using: &random))" }
                labels[node] = nodeLabels
                _ = index.setNode(node, labels: nodeLabels)
            case 3:  // a Node goes
                labels[node] = nil
                _ = index.setNode(node, labels: nil)
            case 4...7:  // an agent reports (names may repeat or be unknown routes)
                let states: [RouteState] = [.applied, .refused, .failed]
                let nodeReports = (routeNames + ["unknown"]).filter { _ in Bool.random(using: &random) }.map {
                    report($0, states.randomElement(using: &random) ?? .applied)
                }
                reports[node] = nodeReports
                _ = index.setReports(node, nodeReports)
            case 8:  // a route appears or changes its selection
                let name = routeNames.randomElement(using: &random) ?? "r0"
                let changed = route(
                    name, zone: Bool.random(using: &random) ? zones.randomElement(using: &random) : nil,
                    selector: Bool.random(using: &random) ? ["role": "edge"] : nil)
                routes[name] = changed
                _ = index.setRoute(changed)
            default:  // a route goes, or a NodeOverlayIp goes
                if Bool.random(using: &random) {
                    let name = routeNames.randomElement(using: &random) ?? "r0"
                    routes[name] = nil
                    index.removeRoute(name)
                } else {
                    reports[node] = nil
                    _ = index.setReports(node, nil)
                }
            }
            #expect(index.tallies == recount(routes: routes, labels: labels, reports: reports), "seed \(seed)")
        }
    }

    @Test("an update returns exactly the routes whose tally changed; an unchanged label set or report touches none")
    func updatesReturnChangedRoutes() {
        var index = RouteIndex()
        _ = index.setRoute(route("dal10-only", zone: "dal10"))
        _ = index.setRoute(route("edge", selector: ["role": "edge"]))
        let labels = ["topology.kubernetes.io/zone": "dal10"]
        #expect(index.setNode("a", labels: labels) == ["dal10-only"])
        #expect(index.setNode("a", labels: labels).isEmpty)
        // A label no route reads changes nothing.
        #expect(index.setNode("a", labels: labels.merging(["unrelated": "x"]) { $1 }).isEmpty)
        #expect(index.setNode("a", labels: labels.merging(["role": "edge"]) { $1 }) == ["edge"])
        #expect(index.setReports("a", [report("edge", .applied)]) == ["edge"])
        #expect(index.setReports("a", [report("edge", .applied)]).isEmpty)
        #expect(index.tally(of: "edge")?.applied == 1)
    }

    @Test("status: counts, ready, the Ready condition naming the first problem, and at most 5 not-applied nodes")
    func boundedStatus() throws {
        var index = RouteIndex()
        let onprem = route("onprem", generation: 3)
        _ = index.setRoute(onprem)
        var reports: [String: RouteReport] = [:]
        for number in 0..<40 {
            let node = String(format: "node-%02d", number)
            _ = index.setNode(node, labels: ["topology.kubernetes.io/zone": "dal10"])
            switch number % 4 {
            case 0: reports[node] = report("onprem", .applied)
            case 1: reports[node] = report("onprem", .refused, message: String(repeating: "x", count: 2000))
            case 2: reports[node] = report("onprem", .failed, message: "ENETUNREACH")
            default: break
            }
            if let nodeReport = reports[node] { _ = index.setReports(node, [nodeReport]) }
        }
        let tally = try #require(index.tally(of: "onprem"))
        let status = RouteStatusAggregator.status(
            of: onprem, tally: tally, state: { index.state(of: "onprem", on: $0) }, report: { reports[$0] }, now: now)
        #expect(status.selectedNodes == 40 && status.appliedNodes == 10 && status.refusedNodes == 10)
        #expect(status.failedNodes == 10 && status.pendingNodes == 10 && status.ready == "10/40")
        #expect(status.notApplied?.map(\.hostname) == ["node-01", "node-02", "node-05", "node-06", "node-09"])
        #expect(status.notApplied?.first?.message?.unicodeScalars.count == RouteStatusAggregator.messageLimit)
        #expect(status.notApplied?.first?.gateway == "192.168.100.1" && status.notApplied?.first?.device == "ov0")
        #expect(status.observedGeneration == 3)
        let ready = status.conditions?.condition(ofType: "Ready")
        #expect(ready?.status == .false && ready?.reason == "NotApplied" && ready?.message.contains("node-01: Refused") == true)
        #expect(try KubeJSON.encode(status).count < 4096)
    }

    @Test("a route applied everywhere is Ready; a gone node neither counts nor blocks deletion")
    func readyAndGoneNodes() throws {
        var index = RouteIndex()
        let onprem = route("onprem", zone: "dal10")
        _ = index.setRoute(onprem)
        _ = index.setNode("a", labels: ["topology.kubernetes.io/zone": "dal10"])
        _ = index.setNode("b", labels: ["topology.kubernetes.io/zone": "dal12"])
        _ = index.setReports("a", [report("onprem", .applied)])
        _ = index.setReports("b", [report("onprem", .applied)])
        _ = index.setReports("gone", [report("onprem", .applied)])
        let tally = try #require(index.tally(of: "onprem"))
        #expect(tally.selected == ["a"] && tally.liveReporters == ["a", "b"])
        let reports = ["a": report("onprem", .applied)]
        let status = RouteStatusAggregator.status(
            of: onprem, tally: tally, state: { index.state(of: "onprem", on: $0) }, report: { reports[$0] }, now: now)
        #expect(status.conditions?.isTrue("Ready") == true && status.ready == "1/1" && status.notApplied == nil)
        _ = index.setNode("b", labels: nil)
        #expect(index.tally(of: "onprem")?.liveReporters == ["a"])
    }
}

/// A small deterministic generator (SplitMix64), so a failing seed can be replayed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
