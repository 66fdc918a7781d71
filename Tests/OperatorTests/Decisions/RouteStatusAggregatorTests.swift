// Pure tests: aggregating node reports into StaticRoute status.
import Foundation
import KubeClient
import Operator
import OverlayAPI
import Testing

@Suite("StaticRoute status aggregation")
struct RouteStatusAggregatorTests {
    private let now = KubeTime(Date(timeIntervalSince1970: 1_700_000_000))
    private let route = StaticRoute(
        metadata: ObjectMeta(name: "onprem", generation: 3), spec: StaticRouteSpec(subnet: "10.0.0.0/24", nodeSelector: nil))

    private func view(_ name: String, zone: String? = "dal10", _ state: RouteState? = nil, live: Bool = true) -> RouteStatusAggregator.NodeView {
        let reports = state.map { [RouteReport(name: "onprem", subnet: "10.0.0.0/24", gateway: "192.168.100.1", device: "ov0", state: $0, message: $0 == .refused ? "overlaps" : nil)] } ?? []
        return RouteStatusAggregator.NodeView(
            name: name, labels: live ? zone.map { ["topology.kubernetes.io/zone": $0] } ?? [:] : nil, reports: reports)
    }

    @Test("selected nodes without a report are Pending; counts and Ready follow the reports")
    func aggregation() {
        let status = RouteStatusAggregator.status(of: route, nodes: [view("b", .refused), view("a", .applied), view("c")], now: now)
        #expect(status.nodeStatus?.map(\.hostname) == ["a", "b", "c"])
        #expect(status.nodeStatus?.map(\.state) == ["Applied", "Refused", "Pending"])
        #expect(status.appliedNodes == 1 && status.selectedNodes == 3 && status.ready == "1/3")
        #expect(status.observedGeneration == 3)
        let ready = status.conditions?.condition(ofType: "Ready")
        #expect(ready?.status == .false && ready?.reason == "NotApplied" && ready?.message.contains("b: Refused overlaps") == true)
        let all = RouteStatusAggregator.status(of: route, nodes: [view("a", .applied)], now: now)
        #expect(all.conditions?.isTrue("Ready") == true && all.ready == "1/1")
    }

    @Test("the route's zone label limits selection; gone nodes are ignored")
    func zoneLabelAndGoneNodes() {
        var zoned = route
        zoned.metadata.labels = ["zone": "dal12"]
        let status = RouteStatusAggregator.status(
            of: zoned, nodes: [view("a", .applied), view("b", zone: "dal12"), view("gone", .applied, live: false)], now: now)
        #expect(status.selectedNodes == 1 && status.appliedNodes == 0)
        #expect(status.nodeStatus?.map(\.hostname) == ["a", "b"])
        #expect(RouteStatusAggregator.liveReporters(of: "onprem", nodes: [view("a", .applied), view("gone", .applied, live: false)]) == ["a"])
    }
}
