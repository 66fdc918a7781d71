// Wires watchers, stores and the work queue to a reconcile function; runs as a Service.
import KubeClient
import Logging
import ServiceLifecycle

/// Reconciles objects of one resource (kube-rs `Controller`, controller-runtime's builder).
///
/// ```swift
/// let controller = Controller(
///     for: KubeClientListWatch<NodeOverlayIp>(client: client), leadership: elector
/// ) { ip in
///     try await reconcile(ip)
///     return .awaitChange
/// }
/// .owns(KubeClientListWatch<Pod>(client: client))
/// .watches(KubeClientListWatch<Node>(client: client)) { node in [ObjectKey(name: node.metadata.name)] }
/// ```
///
/// Rules the controller enforces so reconcilers need not:
/// - It reconciles nothing until every watched store has its first full list (and, with `leadership`,
///   until this process leads).
/// - One reconcile per key at a time; a key changed while it reconciles runs again right after.
/// - It reconciles the *current* cached object, and skips keys whose object is gone (handle deletion with
///   a finalizer, see ``Finalizer``).
/// - A thrown error is retried with per-key backoff; a ``TerminalError`` is not; `.requeue(after:)`
///   reconciles again after the delay; `.awaitChange` after ``ControllerConfiguration/requeueAfterSuccess``.
/// - Graceful shutdown stops taking keys and lets running reconciles finish.
public struct Controller<Object: KubernetesObject>: Service {
    /// Runs one extra watch and schedules the keys it maps to.
    private typealias Trigger = @Sendable (WorkQueue<ObjectKey>, RuntimeClock, Logger) async -> Void

    /// The cache of the primary resource, filled by this controller's watcher. Read it from reconcilers.
    public let store: Store<Object>
    private let source: any ListWatchSource<Object>
    private let reconcile: @Sendable (Object) async throws -> Action
    private let configuration: ControllerConfiguration
    private let leadership: LeaderElector?
    private let clock: RuntimeClock
    private let logger: Logger
    private var triggers: [Trigger] = []
    private var errorHandler: @Sendable (Object, any Error) async -> Void = { _, _ in }
    private var readinessChecks: [@Sendable () async -> Void] = []

    /// Makes a controller of the objects `source` lists and watches.
    /// - Parameters:
    ///   - source: the primary resource.
    ///   - store: the cache to fill (pass one to share it); default a new one, see ``store``.
    ///   - leadership: when given, reconciles start only once this process leads, and stop if it stops leading.
    ///   - reconcile: makes the world match the object; level-based and idempotent.
    public init(
        for source: some ListWatchSource<Object>, store: Store<Object> = Store(),
        configuration: ControllerConfiguration = .init(), leadership: LeaderElector? = nil,
        clock: RuntimeClock = .continuous, logger: Logger = Logger(label: "kube-runtime.controller"),
        reconcile: @escaping @Sendable (Object) async throws -> Action
    ) {
        self.source = source
        self.store = store
        self.configuration = configuration
        self.leadership = leadership
        self.clock = clock
        var logger = logger
        logger[metadataKey: "controller"] = "\(Object.resource.kind)"
        self.logger = logger
        self.reconcile = reconcile
    }

    /// Also reconciles an owner when one of its children changes or goes away: children whose
    /// ownerReferences name an object of this controller's kind trigger that object.
    public func owns<Child: KubernetesObject>(_ source: some ListWatchSource<Child>, store: Store<Child> = Store()) -> Controller {
        let ownerAPIVersion = Object.resource.apiVersion
        let ownerKind = Object.resource.kind
        let namespaced = Object.resource.namespaced
        return watches(source, store: store) { child in
            child.metadata.ownerReferences
                .filter { $0.apiVersion == ownerAPIVersion && $0.kind == ownerKind }
                .map { ObjectKey(namespace: namespaced ? child.metadata.namespace : nil, name: $0.name) }
        }
    }

    /// Also reconciles the objects that `mapper` names whenever an object of another resource changes or
    /// goes away (controller-runtime `EnqueueRequestsFromMapFunc`).
    public func watches<Other: KubernetesObject>(
        _ source: some ListWatchSource<Other>, store: Store<Other> = Store(),
        mapper: @escaping @Sendable (Other) -> [ObjectKey]
    ) -> Controller {
        var copy = self
        let watcherConfiguration = configuration.watcher
        copy.triggers.append { queue, clock, logger in
            let watcher = Watcher(source: source, configuration: watcherConfiguration, clock: clock, logger: logger)
            await watcher.run { event in
                store.apply(event)
                switch event {
                case .initApply(let object), .apply(let object), .delete(let object):
                    for key in mapper(object) { queue.schedule(key) }
                case .initStarted, .initDone:
                    break
                }
            }
        }
        copy.readinessChecks.append { await store.waitUntilReady() }
        return copy
    }

    /// Also calls `handler` after every failed reconcile, e.g. to publish a Warning event or set a status
    /// condition (controller-runtime surfaces terminal errors this way). `error is TerminalError` tells
    /// whether the key will be retried. The handler runs before the retry is scheduled; keep it short.
    public func onError(_ handler: @escaping @Sendable (_ object: Object, _ error: any Error) async -> Void) -> Controller {
        var copy = self
        copy.errorHandler = handler
        return copy
    }

    /// Runs until graceful shutdown (draining running reconciles) or cancellation.
    public func run() async throws {
        let queue = WorkQueue<ObjectKey>(
            concurrency: configuration.concurrency, retry: configuration.retry, clock: clock, logger: logger)
        let store = store
        let watcher = Watcher(source: source, configuration: configuration.watcher, clock: clock, logger: logger)
        await withDiscardingTaskGroup { group in
            group.addTask {
                await watcher.run { event in
                    store.apply(event)
                    switch event {
                    case .initApply(let object), .apply(let object):
                        queue.schedule(ObjectKey(object))
                    case .initStarted, .initDone, .delete:
                        break
                    }
                }
            }
            for trigger in triggers {
                group.addTask { [clock, logger] in await trigger(queue, clock, logger) }
            }
            if let interval = configuration.resyncInterval {
                group.addTask { [clock] in
                    while (try? await clock.sleep(for: interval)) != nil {
                        queue.scheduleAll(store.keys)
                    }
                }
            }
            if let leadership {
                group.addTask {
                    // Leadership lost: stop taking keys at once (the elector's service then fails the group).
                    for await leading in leadership.leadershipChanges() where !leading && leadership.hasLed {
                        queue.stop()
                        return
                    }
                }
            }
            await withGracefulShutdownHandler {
                guard await waitUntilStarted() else { return }
                logger.info("controller started")
                await queue.run { key in await reconcileOnce(key) }
            } onGracefulShutdown: {
                queue.stop()
            }
            logger.info("controller stopped")
            group.cancelAll()
        }
    }

    /// Waits for every store and for leadership; false if shutdown or cancellation came first.
    private func waitUntilStarted() async -> Bool {
        let checks = [{ [store] in await store.waitUntilReady() }] + readinessChecks
        let leadership = leadership
        let started = try? await cancelWhenGracefulShutdown {
            for check in checks { await check() }
            await leadership?.waitUntilLeader()
            try Task.checkCancellation()
            return true
        }
        return started ?? false
    }

    private func reconcileOnce(_ key: ObjectKey) async -> WorkOutcome {
        guard let object = store.get(key) else {
            logger.debug("object gone from the cache; skipping", metadata: ["key": "\(key)"])
            return .succeeded(requeueAfter: nil)
        }
        do {
            switch try await reconcile(object) {
            case .requeue(let after):
                return .succeeded(requeueAfter: after)
            case .awaitChange:
                return .succeeded(requeueAfter: configuration.requeueAfterSuccess)
            }
        } catch let error as TerminalError {
            logger.error("reconcile failed; not retrying until the object changes", metadata: ["key": "\(key)", "error": "\(error)"])
            await errorHandler(object, error)
            return .failedTerminally
        } catch {
            logger.warning("reconcile failed; will retry", metadata: ["key": "\(key)", "error": "\(error)"])
            await errorHandler(object, error)
            return .failed
        }
    }
}
