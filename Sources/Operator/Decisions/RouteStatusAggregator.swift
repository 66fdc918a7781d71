// StaticRoute status from a route's tally: counts, the Ready condition and a few not-applied nodes.
import KubeClient
import OverlayAPI

/// Turns one route's ``RouteIndex/Tally`` into its status, whose size does not depend on the cluster's.
public enum RouteStatusAggregator {
    /// The longest message copied from an agent's report into the status.
    public static let messageLimit = 256

    /// The status of `route`: counts, `ready` as `applied/selected`, the `Ready` condition and at most
    /// ``StaticRouteStatus/notAppliedLimit`` not-applied nodes (refused and failed first, then pending,
    /// each by name). `state` gives the state a node's agent reports for the route; `report` its whole
    /// report (looked up only for the listed nodes).
    public static func status(
        of route: StaticRoute, tally: RouteIndex.Tally, state: (_ node: String) -> RouteState?,
        report: (_ node: String) -> RouteReport?, now: KubeTime
    ) -> StaticRouteStatus {
        let generation = route.metadata.generation
        let limit = StaticRouteStatus.notAppliedLimit
        var problems: [String] = []
        var pending: [String] = []
        for node in tally.notApplied {
            if state(node) != nil {
                insert(node, into: &problems, keeping: limit)
            } else {
                insert(node, into: &pending, keeping: limit)
            }
        }
        let listed = (problems + pending).prefix(limit).map { node -> NodeRouteStatus in
            guard let reported = state(node) else {
                return NodeRouteStatus(hostname: node, state: "Pending", message: "waiting for the node's agent to report")
            }
            let report = report(node)
            return NodeRouteStatus(
                hostname: node, gateway: report?.gateway, device: report?.device, state: reported.rawValue,
                message: report?.message.map(truncated))
        }
        let selected = tally.selected.count
        let ready = tally.applied == selected
        let message: String
        if ready {
            message = "applied on all \(selected) selected nodes"
        } else if let first = listed.first, first.state != "Pending" {
            message = "applied on \(tally.applied) of \(selected) selected nodes; \(first.hostname): \(first.state ?? "") \(first.message ?? "")"
        } else {
            message = "applied on \(tally.applied) of \(selected) selected nodes"
        }
        var conditions = route.status.conditions ?? []
        conditions.setCondition(
            Condition(
                type: Overlay.ConditionType.ready, status: ready ? .true : .false,
                reason: ready ? "Applied" : (problems.isEmpty ? "Pending" : "NotApplied"), message: message,
                observedGeneration: generation, lastTransitionTime: now))
        return StaticRouteStatus(
            selectedNodes: selected, appliedNodes: tally.applied, refusedNodes: tally.refused, failedNodes: tally.failed,
            pendingNodes: tally.pending, ready: "\(tally.applied)/\(selected)", notApplied: listed.isEmpty ? nil : Array(listed),
            conditions: conditions, observedGeneration: generation)
    }

    /// Keeps `names` the `limit` smallest seen so far, sorted (O(limit) per insert).
    private static func insert(_ name: String, into names: inout [String], keeping limit: Int) {
        if names.count == limit, let last = names.last, name >= last { return }
        let index = names.firstIndex { $0 > name } ?? names.endIndex
        names.insert(name, at: index)
        if names.count > limit { names.removeLast() }
    }

    /// `message` cut to ``messageLimit`` Unicode scalars (what the CRD's `maxLength` counts), ending in "…".
    private static func truncated(_ message: String) -> String {
        let scalars = message.unicodeScalars
        guard scalars.count > messageLimit else { return message }
        var cut = String.UnicodeScalarView()
        cut.append(contentsOf: scalars.prefix(messageLimit - 1))
        return String(cut) + "…"
    }
}
