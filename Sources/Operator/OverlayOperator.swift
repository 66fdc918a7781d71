// Assembles the operator: shared informers, three controllers, the recovery loop, readiness and the leader gauge.
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
    /// The services to run: the Node, NodeOverlayIp and StaticRoute informers, the node, address and route
    /// controllers, the recovery loop, readiness and leader reporters.
    public let services: [any Service]
    /// The recovery loop (tests call ``RecoveryLoop/runOnce()`` directly).
    public let recovery: RecoveryLoop

    /// Builds every loop over `context`.
    /// - Parameters:
    ///   - zones: the configured zone names (for the per-zone allocation gauge).
    ///   - health: gets a `caches` readiness check that passes once every informer has its first list.
    public init(context: OperatorContext, leadership: LeaderElector?, zones: [String], health: HealthState) {
        let client = context.client
        let metrics = context.metrics
        var configuration = ControllerConfiguration(concurrency: max(1, context.settings.workers), metricsFactory: metrics.factory)
        configuration.watcher.metricsFactory = metrics.factory
        /// The configuration of the controller `name` (the `controller` label of its metrics).
        func named(_ name: String) -> ControllerConfiguration {
            var copy = configuration
            copy.name = name
            return copy
        }

        // One list+watch and one cache per resource, shared by every controller (services start in
        // order and stop in reverse: the informers start first and stop last).
        let watcher = configuration.watcher
        // The caches keep only what the controllers read: of a Node its metadata without annotations
        // (no kubelet status), of the others everything but annotations.
        let nodes = Informer(
            source: KubeClientListWatch<Node>(client: client), configuration: watcher, transform: Transforms.nodeMetadataOnly,
            logger: context.logger)
        let addresses = Informer(
            source: KubeClientListWatch<NodeOverlayIp>(client: client), configuration: watcher,
            transform: Transforms.withoutAnnotations, logger: context.logger)
        let routes = Informer(
            source: KubeClientListWatch<StaticRoute>(client: client), configuration: watcher,
            transform: Transforms.withoutAnnotations, logger: context.logger)

        // Node controller: Nodes, and the NodeOverlayIps they own. Kubelet status heartbeats pass no filter.
        let nodeLogic = NodeController(context: context.withLogger("nodes"), addresses: addresses.store)
        let nodeController = Controller(
            for: nodes, filter: ChangeFilters.metadataChanged, configuration: named("nodes"), leadership: leadership,
            logger: context.logger, reconcile: nodeLogic.reconcile
        ).owns(addresses, filter: ChangeFilters.metadataChanged)

        // Address controller: NodeOverlayIps (not their route reports), and their Node's labels and lifecycle.
        let addressLogic = AddressController(context: context.withLogger("addresses"), nodes: nodes.store)
        let addressController = Controller(
            for: addresses, filter: AddressController.isRelevant, configuration: named("addresses"), leadership: leadership,
            logger: context.logger, reconcile: addressLogic.reconcile
        ).watches(nodes, filter: ChangeFilters.metadataChanged) { change in
            [ObjectKey(name: change.object.metadata.name)]
        }

        // Route controller: StaticRoutes, reconciled only when a change touched their counts (route index).
        let routeLogic = RouteController(context: context.withLogger("routes"), addresses: addresses.store)
        routes.subscribe(routeLogic.routeChanged)  // before the controller's own trigger, so it reads the new index
        let routeController = Controller(
            for: routes, configuration: named("routes"), leadership: leadership, logger: context.logger,
            reconcile: routeLogic.reconcile
        )
        .watches(nodes, filter: ChangeFilters.metadataChanged, mapper: routeLogic.nodeChanged)
        .watches(addresses, mapper: routeLogic.reportsChanged)

        recovery = RecoveryLoop(
            context: context.withLogger("recovery"), leadership: leadership, zones: zones, addresses: addresses.store)
        let readiness = CacheReadiness(
            health: health,
            waits: [{ await nodes.waitUntilReady() }, { await addresses.waitUntilReady() }, { await routes.waitUntilReady() }])
        let leaderGauge = LeaderGauge(leadership: leadership, gauge: metrics.leader)
        services = [nodes, addresses, routes, nodeController, addressController, routeController, recovery, readiness, leaderGauge]
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
