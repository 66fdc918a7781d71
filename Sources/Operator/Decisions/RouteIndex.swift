// Per-StaticRoute counts kept up to date from single-node changes: node → routes and route → nodes indexes.
import KubeClient
import OverlayAPI

/// What the operator knows about every StaticRoute across nodes, updated incrementally.
///
/// The index keeps each live node's labels, each node's route reports (its NodeOverlayIp
/// `status.routes`) and each route's selection, and from them a ``Tally`` per route. A change to one
/// node touches only the routes it could affect: a report change the routes named in the old or new
/// reports, a label change the routes whose selector or zone reads a changed label (every route only
/// when a node appears). Per change the work is O(routes of that node), never O(nodes); only
/// a route whose selection changes is recounted over all nodes.
///
/// Every update returns the names of the routes whose tally changed, so the caller reconciles those.
public struct RouteIndex: Sendable {
    /// The counts of one route.
    public struct Tally: Sendable, Equatable {
        /// Live nodes the route selects.
        public var selected: Set<String> = []
        /// Selected nodes that report it `Applied`.
        public var applied = 0
        /// Selected nodes that report it `Refused`.
        public var refused = 0
        /// Selected nodes that report it `Failed`.
        public var failed = 0
        /// Selected nodes where it is not applied (refused, failed, or not reported yet).
        public var notApplied: Set<String> = []
        /// Live nodes whose agent reports the route in any state, selected or not (a deleted route
        /// waits for these to withdraw it).
        public var liveReporters: Set<String> = []

        /// Selected nodes whose agent has not reported the route yet.
        public var pending: Int { notApplied.count - refused - failed }

        /// An empty tally.
        public init() {}
    }

    /// How a route chooses nodes: its `spec.nodeSelector` and its own `zone` label.
    private struct Selection: Equatable {
        var selector: LabelSelector?
        var zone: String?

        init(_ route: StaticRoute) {
            selector = route.spec.nodeSelector
            zone = route.metadata.labels[Overlay.Label.zone].flatMap { $0.isEmpty ? nil : $0 }
        }

        func selects(_ labels: [String: String]) -> Bool {
            if let selector, !selector.matches(labels: labels) { return false }
            if let zone { return NodeTopology(labels: labels).zone == zone }
            return true
        }

        /// Whether a change of the label keys `changed` could change this selection's verdict.
        func reads(anyOf changed: Set<String>) -> Bool {
            if let zone = zone, !zone.isEmpty, Overlay.NodeLabel.zone.contains(where: changed.contains) { return true }
            guard let selector else { return false }
            return selector.matchLabels.keys.contains(where: changed.contains)
                || selector.matchExpressions.contains { changed.contains($0.key) }
        }
    }

    /// One node's part in one route; two contributions are equal exactly when they count the same.
    private struct Contribution: Equatable {
        var selected = false
        /// The reported state, kept only for a selected node (only then is it counted).
        var state: RouteState?
        /// The node is live and its agent reports the route.
        var reportsLive = false
    }

    private var selections: [String: Selection] = [:]
    private var labels: [String: [String: String]] = [:]
    /// node → route → reported state (the rest of each report stays in the NodeOverlayIp cache).
    private var reports: [String: [String: RouteState]] = [:]
    /// node → routes that select it.
    private var routesOfNode: [String: Set<String>] = [:]
    /// route → counts (and route → selected nodes).
    public private(set) var tallies: [String: Tally] = [:]

    /// An empty index.
    public init() {}

    /// The tally of `route`, nil when the route is unknown.
    public func tally(of route: String) -> Tally? { tallies[route] }

    /// The state `node`'s agent reports for `route`, nil when it reports nothing about it.
    public func state(of route: String, on node: String) -> RouteState? { reports[node]?[route] }

    // MARK: - Updates

    /// Records a StaticRoute (new or changed); a changed selection recounts that route over all nodes.
    public mutating func setRoute(_ route: StaticRoute) -> Set<String> {
        let name = route.metadata.name
        let selection = Selection(route)
        if selections[name] == selection, tallies[name] != nil { return [] }
        let before = tallies[name]
        removeRoute(name)
        selections[name] = selection
        var tally = Tally()
        for node in Set(labels.keys).union(reports.keys) {
            let contribution = contribution(of: node, to: name)
            Self.add(contribution, of: node, to: &tally)
            if contribution.selected { routesOfNode[node, default: []].insert(name) }
        }
        tallies[name] = tally
        return before == tally ? [] : [name]
    }

    /// Forgets a deleted StaticRoute.
    public mutating func removeRoute(_ name: String) {
        guard let tally = tallies.removeValue(forKey: name) else {
            selections[name] = nil
            return
        }
        selections[name] = nil
        for node in tally.selected {
            routesOfNode[node]?.remove(name)
            if routesOfNode[node]?.isEmpty == true { routesOfNode[node] = nil }
        }
    }

    /// Records a node's labels (nil: the Node is gone); returns the routes whose tally changed.
    public mutating func setNode(_ node: String, labels newLabels: [String: String]?) -> Set<String> {
        let oldLabels = labels[node]
        if oldLabels == newLabels { return [] }
        let affected: [String]
        if let oldLabels, let newLabels {
            var changed = Set<String>()
            for (key, value) in oldLabels where newLabels[key] != value { changed.insert(key) }
            for key in newLabels.keys where oldLabels[key] == nil { changed.insert(key) }
            affected = selections.compactMap { $0.value.reads(anyOf: changed) ? $0.key : nil }
        } else if oldLabels != nil {
            // The node goes: only the routes that select it or that it reports.
            affected = Array((routesOfNode[node] ?? []).union(reports[node]?.keys ?? [:].keys))
        } else {
            affected = Array(selections.keys)  // a node appears: every route may select it
        }
        return update(node, routes: affected) { $0.labels[node] = newLabels }
    }

    /// Records a node's route reports (its NodeOverlayIp `status.routes`; nil when the object is gone);
    /// returns the routes whose tally changed.
    public mutating func setReports(_ node: String, _ newReports: [RouteReport]?) -> Set<String> {
        var byRoute: [String: RouteState] = [:]
        for report in newReports ?? [] { byRoute[report.name] = report.state }
        let oldReports = reports[node] ?? [:]
        if oldReports == byRoute { return [] }
        let affected = Set(oldReports.keys).union(byRoute.keys).filter { selections[$0] != nil }
        return update(node, routes: Array(affected)) { $0.reports[node] = byRoute.isEmpty ? nil : byRoute }
    }

    /// Applies `change` to the node state and moves `node`'s contribution to each of `routes` from the
    /// old to the new state.
    private mutating func update(_ node: String, routes: [String], change: (inout RouteIndex) -> Void) -> Set<String> {
        let before = routes.map { contribution(of: node, to: $0) }
        change(&self)
        var changed = Set<String>()
        for (route, old) in zip(routes, before) {
            let new = contribution(of: node, to: route)
            guard new != old, tallies[route] != nil else { continue }
            // In place: a copy of the tally would copy its node sets (O(nodes)) on every change.
            Self.remove(old, of: node, from: &tallies[route, default: Tally()])
            Self.add(new, of: node, to: &tallies[route, default: Tally()])
            changed.insert(route)
            if new.selected {
                routesOfNode[node, default: []].insert(route)
            } else {
                routesOfNode[node]?.remove(route)
                if routesOfNode[node]?.isEmpty == true { routesOfNode[node] = nil }
            }
        }
        return changed
    }

    // MARK: - Contributions

    private func contribution(of node: String, to route: String) -> Contribution {
        guard let selection = selections[route], let nodeLabels = labels[node] else { return Contribution() }
        let state = reports[node]?[route]
        let selected = selection.selects(nodeLabels)
        return Contribution(selected: selected, state: selected ? state : nil, reportsLive: state != nil)
    }

    private static func add(_ contribution: Contribution, of node: String, to tally: inout Tally) {
        if contribution.reportsLive { tally.liveReporters.insert(node) }
        guard contribution.selected else { return }
        tally.selected.insert(node)
        switch contribution.state {
        case .applied: tally.applied += 1
        case .refused: tally.refused += 1; tally.notApplied.insert(node)
        case .failed: tally.failed += 1; tally.notApplied.insert(node)
        case nil: tally.notApplied.insert(node)
        }
    }

    private static func remove(_ contribution: Contribution, of node: String, from tally: inout Tally) {
        if contribution.reportsLive { tally.liveReporters.remove(node) }
        guard contribution.selected else { return }
        tally.selected.remove(node)
        switch contribution.state {
        case .applied: tally.applied -= 1
        case .refused: tally.refused -= 1; tally.notApplied.remove(node)
        case .failed: tally.failed -= 1; tally.notApplied.remove(node)
        case nil: tally.notApplied.remove(node)
        }
    }
}
