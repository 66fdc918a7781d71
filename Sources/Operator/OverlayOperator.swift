// Assembles the operator: three controllers, the recovery loop, readiness and the leader gauge, as Services.
import IPAMCore
import KubeClient
import KubeRuntime
import Logging
import OpsServer
import OverlayAPI
import ServiceLifecycle

/// The whole operator as a list of `Service`s to run in one `ServiceGroup` after the ``LeaderElector``
/// (services stop in reverse order: controllers drain first, the lease is released last).
///
/// ```swift
/// let overlay = OverlayOperator(context: context, leadership: elector, zones: config.ipam.zoneNames, health: health)
/// let group = ServiceGroup(services: [elector] + overlay.services + [opsServer], ...)
/// ```
/// Controllers (and the recovery loop) act only while `leadership` leads; without an elector they act at once.
public struct OverlayOperator: Sendable {
    /// The services to run: node, address and route controllers, recovery loop, readiness and leader reporters.
    public let services: [any Service]
    /// The recovery loop (tests call ``RecoveryLoop/runOnce()`` directly).
    public let recovery: RecoveryLoop

    /// Builds every loop over `context`.
    /// - Parameters:
    ///   - zones: the configured zone names (for the per-zone allocation gauge).
    ///   - health: gets a `caches` readiness check that passes once every watch cache is filled.
    public init(context: OperatorContext, leadership: LeaderElector?, zones: [String], health: HealthState) {
        let client = context.client
        let configuration = ControllerConfiguration(concurrency: max(1, context.settings.workers))
        let metrics = context.metrics

        func counted<O: KubernetesObject>(_ name: String, _ body: @escaping @Sendable (O) async throws -> Action)
            -> @Sendable (O) async throws -> Action
        {
            { object in
                metrics.reconciled(name)
                do {
                    return try await body(object)
                } catch {
                    metrics.failed(name)
                    throw error
                }
            }
        }

        // Node controller: Nodes, and the NodeOverlayIps they own.
        let nodeControllerAddresses = Store<NodeOverlayIp>()
        let nodeLogic = NodeController(context: context.withLogger("nodes"), addresses: nodeControllerAddresses)
        let nodeController = Controller(
            for: KubeClientListWatch<Node>(client: client), configuration: configuration, leadership: leadership,
            logger: context.logger, reconcile: counted("nodes", nodeLogic.reconcile)
        ).owns(KubeClientListWatch<NodeOverlayIp>(client: client), store: nodeControllerAddresses)

        // Address controller: NodeOverlayIps, triggered by their Node too.
        let addressNodes = Store<Node>()
        let addressLogic = AddressController(context: context.withLogger("addresses"), nodes: addressNodes)
        let addressController = Controller(
            for: KubeClientListWatch<NodeOverlayIp>(client: client), configuration: configuration, leadership: leadership,
            logger: context.logger, reconcile: counted("addresses", addressLogic.reconcile)
        ).watches(KubeClientListWatch<Node>(client: client), store: addressNodes) { node in
            [ObjectKey(name: node.metadata.name)]
        }

        // Route controller: StaticRoutes, re-aggregated when any node or node report changes.
        let routes = Store<StaticRoute>()
        let routeNodes = Store<Node>()
        let routeAddresses = Store<NodeOverlayIp>()
        let routeLogic = RouteController(context: context.withLogger("routes"), nodes: routeNodes, addresses: routeAddresses)
        let everyRoute: @Sendable (any KubernetesObject) -> [ObjectKey] = { _ in routes.keys }
        let routeController = Controller(
            for: KubeClientListWatch<StaticRoute>(client: client), store: routes, configuration: configuration,
            leadership: leadership, logger: context.logger, reconcile: counted("routes", routeLogic.reconcile)
        )
        .watches(KubeClientListWatch<Node>(client: client), store: routeNodes, mapper: everyRoute)
        .watches(KubeClientListWatch<NodeOverlayIp>(client: client), store: routeAddresses, mapper: everyRoute)

        recovery = RecoveryLoop(context: context.withLogger("recovery"), leadership: leadership, zones: zones)
        let readiness = CacheReadiness(
            health: health,
            waits: [
                { await nodeControllerAddresses.waitUntilReady() }, { await nodeController.store.waitUntilReady() },
                { await addressNodes.waitUntilReady() }, { await addressController.store.waitUntilReady() },
                { await routes.waitUntilReady() }, { await routeNodes.waitUntilReady() },
                { await routeAddresses.waitUntilReady() },
            ])
        let leaderGauge = LeaderGauge(leadership: leadership, gauge: metrics.leader)
        services = [nodeController, addressController, routeController, recovery, readiness, leaderGauge]
    }
}

extension OperatorContext {
    /// A copy whose logger names the loop.
    func withLogger(_ loop: String) -> OperatorContext {
        var copy = self
        copy.logger[metadataKey: "loop"] = "\(loop)"
        return copy
    }
}
