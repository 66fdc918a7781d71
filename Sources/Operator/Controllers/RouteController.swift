// StaticRoute: keeps its finalizer, writes its bounded status from the route index (coalesced), finishes deletion.
import KubeClient
import KubeRuntime
import Logging
import OverlayAPI
import Synchronization

/// Reconciles one StaticRoute from the ``RouteIndex``, which the Node, NodeOverlayIp and StaticRoute
/// informers keep up to date change by change (``nodeChanged(_:)`` and friends return the routes to
/// reconcile, so a node change never requeues every route).
///
/// Status writes happen only when the status changed, and are coalesced per route
/// (``OperatorSettings/routeStatusInterval``): within the interval after a write a reconcile only
/// requeues itself, so a burst of node reports costs a few writes and little CPU. Deletion removes the
/// finalizer once no live node reports the route, or after ``OperatorSettings/routeDeletionTimeout``
/// with a Warning Event naming the nodes whose agent did not answer (gone nodes never block).
final class RouteController: Sendable {
    /// The most node names one Warning Event lists.
    static let namedNodeLimit = 10

    let context: OperatorContext
    /// The NodeOverlayIp cache, for the full reports of the few nodes a status lists.
    let addresses: Store<NodeOverlayIp>
    private let index = Mutex(RouteIndex())
    private let throttle: Mutex<WriteThrottle<String>>
    /// Real time for the throttle (it paces API writes, so it is never a test's manual clock).
    private let clock = RuntimeClock.continuous
    /// When this process first saw each route deleting, on the policy clock.
    private let deletionSeen = Mutex<[String: Duration]>([:])

    init(context: OperatorContext, addresses: Store<NodeOverlayIp>) {
        self.context = context
        self.addresses = addresses
        self.throttle = Mutex(WriteThrottle(interval: context.settings.routeStatusInterval))
    }

    // MARK: - Index updates (on the informers' tasks)

    /// A StaticRoute changed: record its selection (the controller's own trigger reconciles it).
    func routeChanged(_ change: ObjectChange<StaticRoute>) {
        index.withLock { index in
            if case .deleted(let route) = change {
                index.removeRoute(route.metadata.name)
            } else {
                _ = index.setRoute(change.object)
            }
        }
    }

    /// A Node changed (labels, creation, deletion): the routes whose counts changed.
    func nodeChanged(_ change: ObjectChange<Node>) -> [ObjectKey] {
        let node = change.object
        let labels: [String: String]? = if case .deleted = change { nil } else { node.metadata.labels }
        return Self.keys(index.withLock { $0.setNode(node.metadata.name, labels: labels) })
    }

    /// A NodeOverlayIp changed: the routes named in its old or new reports whose counts changed.
    func reportsChanged(_ change: ObjectChange<NodeOverlayIp>) -> [ObjectKey] {
        let object = change.object
        let reports: [RouteReport]? = if case .deleted = change { nil } else { object.status.routes }
        return Self.keys(index.withLock { $0.setReports(object.metadata.name, reports) })
    }

    private static func keys(_ routes: Set<String>) -> [ObjectKey] {
        routes.map { ObjectKey(name: $0) }
    }

    // MARK: - Reconcile

    func reconcile(_ route: StaticRoute) async throws -> Action {
        let name = route.metadata.name
        if route.metadata.isBeingDeleted { return try await finishDeletion(route) }
        if let adoption = FinalizerEdit.adopt(route.metadata.finalizers, ours: Overlay.routeFinalizer, legacy: Overlay.legacyFinalizer) {
            _ = try await context.client.patch(StaticRoute.self, name: name, patch: .json(adoption))
            return .awaitChange
        }
        let now = clock.now
        if case .deferFor(let delay) = throttle.withLock({ $0.decide(name, now: now) }) {
            // Written moments ago: look again when the interval ends (cheap, however many triggers come).
            return .requeue(after: delay)
        }
        let desired = index.withLock { index -> StaticRouteStatus? in
            guard let tally = index.tally(of: name) else { return nil }
            return RouteStatusAggregator.status(
                of: route, tally: tally, state: { index.state(of: name, on: $0) },
                report: { addresses.get(name: $0)?.status.routes?.last { $0.name == name } }, now: context.now)
        }
        guard let desired, desired != route.status else { return .awaitChange }
        throttle.withLock { $0.wrote(name, at: now) }
        do {
            _ = try await context.client.patchStatus(StaticRoute.self, name: name, patch: .merge(try desired.patch()))
        } catch let error as KubeAPIError where error.isNotFound {}
        return .awaitChange
    }

    private func finishDeletion(_ route: StaticRoute) async throws -> Action {
        let name = route.metadata.name
        guard let removal = FinalizerEdit.remove([Overlay.routeFinalizer, Overlay.legacyFinalizer], from: route.metadata.finalizers)
        else { return .awaitChange }
        let reporters = index.withLock { $0.tally(of: name)?.liveReporters ?? [] }
        if !reporters.isEmpty {
            let now = context.policyClock.now
            let firstSeen = deletionSeen.withLock { seen in
                if let since = seen[name] { return since }
                seen[name] = now
                return now
            }
            let timeout = context.settings.routeDeletionTimeout
            let waited = now - firstSeen
            if waited < timeout {
                context.logger.debug("route still reported by live nodes", metadata: ["route": "\(name)", "nodes": "\(reporters.count)"])
                // Report changes trigger this route; the requeue catches the timeout.
                return .requeue(after: min(timeout - waited, context.settings.releasePollInterval))
            }
            let note = Self.timeoutNote(reporters: reporters, timeout: timeout)
            context.logger.warning("finishing route deletion without all agents", metadata: ["route": "\(name)", "nodes": "\(reporters.count)"])
            await context.events.publish(.warning, reason: "WithdrawalTimedOut", action: "DeleteRoute", note: note, regarding: route)
        }
        do {
            _ = try await context.client.patch(StaticRoute.self, name: name, patch: .json(removal))
        } catch let error as KubeAPIError where error.isNotFound {}
        throttle.withLock { $0.forget(name) }
        _ = deletionSeen.withLock { $0.removeValue(forKey: name) }
        return .awaitChange
    }

    /// The Warning Event's note: the first ``namedNodeLimit`` nodes by name and how many more.
    static func timeoutNote(reporters: Set<String>, timeout: Duration) -> String {
        let named = reporters.sorted().prefix(namedNodeLimit).joined(separator: ", ")
        let more = reporters.count > namedNodeLimit ? " and \(reporters.count - namedNodeLimit) more" : ""
        return "deleted after waiting \(timeout.components.seconds)s for the agents of \(named)\(more) to withdraw the route;"
            + " each agent removes it when it next runs"
    }
}
