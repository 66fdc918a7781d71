// StaticRoute: keeps its finalizer, aggregates node reports into status (coalesced), finishes deletion.
import KubeClient
import KubeRuntime
import Logging
import OverlayAPI
import Synchronization

/// Reconciles one StaticRoute from the node reports in every NodeOverlayIp's `status.routes`.
///
/// Status writes are coalesced per route (``OperatorSettings/routeStatusInterval``): the status is
/// computed on every trigger but written at most once per interval, so a burst of node reports costs a
/// few writes. Deletion removes the finalizer once no live node reports the route; gone nodes never block.
final class RouteController: Sendable {
    let context: OperatorContext
    let nodes: Store<Node>
    let addresses: Store<NodeOverlayIp>
    private let throttle: Mutex<WriteThrottle<String>>
    /// Real time for the throttle (it paces API writes, so it is never a test's manual clock).
    private let clock = RuntimeClock.continuous

    init(context: OperatorContext, nodes: Store<Node>, addresses: Store<NodeOverlayIp>) {
        self.context = context
        self.nodes = nodes
        self.addresses = addresses
        self.throttle = Mutex(WriteThrottle(interval: context.settings.routeStatusInterval))
    }

    func reconcile(_ route: StaticRoute) async throws -> Action {
        let name = route.metadata.name
        if route.metadata.isBeingDeleted { return try await finishDeletion(route) }
        if let adoption = FinalizerEdit.adopt(route.metadata.finalizers, ours: Overlay.routeFinalizer, legacy: Overlay.legacyFinalizer) {
            _ = try await context.client.patch(StaticRoute.self, name: name, patch: .json(adoption))
            return .awaitChange
        }
        let desired = RouteStatusAggregator.status(of: route, nodes: nodeViews(), now: context.now)
        guard desired != route.status else { return .awaitChange }
        let now = clock.now
        switch throttle.withLock({ $0.decide(name, now: now) }) {
        case .deferFor(let delay):
            return .requeue(after: delay)
        case .writeNow:
            throttle.withLock { $0.wrote(name, at: now) }
            do {
                _ = try await context.client.patchStatus(StaticRoute.self, name: name, patch: .merge(try desired.patch()))
            } catch let error as KubeAPIError where error.isNotFound {}
            return .awaitChange
        }
    }

    private func finishDeletion(_ route: StaticRoute) async throws -> Action {
        let name = route.metadata.name
        guard let removal = FinalizerEdit.remove([Overlay.routeFinalizer, Overlay.legacyFinalizer], from: route.metadata.finalizers)
        else { return .awaitChange }
        let reporters = RouteStatusAggregator.liveReporters(of: name, nodes: nodeViews())
        guard reporters.isEmpty else {
            context.logger.debug("route still reported by live nodes", metadata: ["route": "\(name)", "nodes": "\(reporters.count)"])
            // Node report changes trigger this route; the requeue is a fallback.
            return .requeue(after: .seconds(30))
        }
        do {
            _ = try await context.client.patch(StaticRoute.self, name: name, patch: .json(removal))
        } catch let error as KubeAPIError where error.isNotFound {}
        throttle.withLock { $0.forget(name) }
        return .awaitChange
    }

    /// Every node known from a Node or a NodeOverlayIp, with its labels (nil when the Node is gone) and reports.
    private func nodeViews() -> [RouteStatusAggregator.NodeView] {
        var labels: [String: [String: String]] = [:]
        for node in nodes.objects { labels[node.metadata.name] = node.metadata.labels }
        var reports: [String: [RouteReport]] = [:]
        for object in addresses.objects { reports[object.metadata.name] = object.status.routes ?? [] }
        return Set(labels.keys).union(reports.keys).map { name in
            RouteStatusAggregator.NodeView(name: name, labels: labels[name], reports: reports[name] ?? [])
        }
    }
}
