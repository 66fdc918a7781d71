// StaticRoute status from the per-node reports in NodeOverlayIp.status.routes: a pure aggregation.
import KubeClient
import OverlayAPI

/// Aggregates what every node's agent reported about one StaticRoute into its status.
public enum RouteStatusAggregator {
    /// What the aggregation needs to know about one node.
    public struct NodeView: Sendable, Hashable {
        /// The node's name.
        public var name: String
        /// The node's labels (for the route's selector); nil when the Node object is gone.
        public var labels: [String: String]?
        /// What the node's agent reports (its NodeOverlayIp `status.routes`), empty when none.
        public var reports: [RouteReport]

        /// Makes a view of one node.
        public init(name: String, labels: [String: String]?, reports: [RouteReport]) {
            self.name = name
            self.labels = labels
            self.reports = reports
        }
    }

    /// The status of `route` given `nodes` (sorted by name in the result): one `nodeStatus` entry per
    /// selected node (`Pending` until its agent reports) and per live node that still reports the route,
    /// counts, `ready` as `applied/selected` and the `Ready` condition.
    public static func status(
        of route: StaticRoute, nodes: [NodeView], now: KubeTime
    ) -> StaticRouteStatus {
        let generation = route.metadata.generation
        var entries: [NodeRouteStatus] = []
        var selected = 0
        var applied = 0
        for node in nodes.sorted(by: { $0.name < $1.name }) {
            guard let labels = node.labels else { continue }
            let isSelected = route.selects(nodeLabels: labels)
            let report = node.reports.first { $0.name == route.metadata.name }
            if isSelected { selected += 1 }
            if let report {
                if isSelected && report.state == .applied { applied += 1 }
                entries.append(
                    NodeRouteStatus(
                        hostname: node.name, gateway: report.gateway, device: report.device, state: report.state.rawValue,
                        message: report.message))
            } else if isSelected {
                entries.append(
                    NodeRouteStatus(hostname: node.name, state: "Pending", message: "waiting for the node's agent to report"))
            }
        }
        var conditions = route.status.conditions ?? []
        let ready = applied == selected
        let problems = entries.filter { $0.state == RouteState.refused.rawValue || $0.state == RouteState.failed.rawValue }
        let message: String
        if ready {
            message = "applied on all \(selected) selected nodes"
        } else if let first = problems.first {
            message = "applied on \(applied) of \(selected) selected nodes; \(first.hostname): \(first.state ?? "") \(first.message ?? "")"
        } else {
            message = "applied on \(applied) of \(selected) selected nodes"
        }
        conditions.setCondition(
            Condition(
                type: Overlay.ConditionType.ready, status: ready ? .true : .false,
                reason: ready ? "Applied" : (problems.isEmpty ? "Pending" : "NotApplied"), message: message,
                observedGeneration: generation, lastTransitionTime: now))
        return StaticRouteStatus(
            nodeStatus: entries, appliedNodes: applied, selectedNodes: selected, ready: "\(applied)/\(selected)",
            conditions: conditions, observedGeneration: generation)
    }

    /// Names of live nodes (Node object present) whose agent still reports `routeName`; deletion of the
    /// route waits for this to be empty. Gone nodes never block.
    public static func liveReporters(of routeName: String, nodes: [NodeView]) -> [String] {
        nodes.filter { $0.labels != nil && $0.reports.contains { $0.name == routeName } }.map(\.name).sorted()
    }
}
