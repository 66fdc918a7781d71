// Wires watchers, stores and the work queue to a reconcile function; runs as a Service.
import KubeClient
import Logging
import ServiceLifecycle
import Synchronization

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
/// Its sources are either watches of its own (`for: source`, `.owns(source)`, `.watches(source)`) or
/// shared ``Informer``s that run as services of their own (`for: informer`, `.owns(informer)`,
/// `.watches(informer)`), optionally with a ``ChangeFilter``.
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
    /// The cache of the primary resource. Read it from reconcilers.
    public let store: Store<Object>
    private let primary: Informer<Object>
    private let queue: WorkQueue<ObjectKey>
    private let metrics: ReconcileMetrics
    /// Failed attempts per key since its last success, so a failure is logged when it starts and when it clears.
    private let failures = FailureCounts()
    private let reconcile: @Sendable (Object) async throws -> Action
    private let configuration: ControllerConfiguration
    private let leadership: LeaderElector?
    private let clock: RuntimeClock
    private let logger: Logger
    /// Informers this controller made itself and so runs itself (the primary one included when made here).
    private var privateInformers: [@Sendable () async -> Void] = []
    private var errorHandler: @Sendable (Object, any Error) async -> Void = { _, _ in }
    private var readinessChecks: [@Sendable () async -> Void] = []

    /// Makes a controller of the objects `source` lists and watches, with its own watch.
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
        let informer = Informer(source: source, store: store, configuration: configuration.watcher, clock: clock, logger: logger)
        self.init(
            for: informer, configuration: configuration, leadership: leadership, clock: clock, logger: logger, reconcile: reconcile)
        privateInformers.append { await informer.runUntilCancelled() }
    }

    /// Makes a controller of the objects a shared `informer` caches (run the informer as a Service of
    /// its own, before this controller). Changes that `filter` drops trigger nothing; deletions never do
    /// (handle them with a finalizer, see ``Finalizer``).
    public init(
        for informer: Informer<Object>, filter: @escaping ChangeFilter<Object> = ChangeFilters.all,
        configuration: ControllerConfiguration = .init(), leadership: LeaderElector? = nil,
        clock: RuntimeClock = .continuous, logger: Logger = Logger(label: "kube-runtime.controller"),
        reconcile: @escaping @Sendable (Object) async throws -> Action
    ) {
        self.primary = informer
        self.store = informer.store
        self.configuration = configuration
        self.leadership = leadership
        self.clock = clock
        var logger = logger
        logger[metadataKey: "controller"] = "\(Object.resource.kind)"
        self.logger = logger
        self.reconcile = reconcile
        let name = configuration.name ?? Object.resource.kind.lowercased()
        metrics = ReconcileMetrics(controller: name, factory: configuration.metricsFactory)
        let queue = WorkQueue<ObjectKey>(
            concurrency: configuration.concurrency, retry: configuration.retry, clock: clock, logger: logger,
            metrics: WorkQueueMetrics(name: name, factory: configuration.metricsFactory))
        self.queue = queue
        informer.subscribe { change in
            if case .deleted = change { return }
            if filter(change) { queue.schedule(ObjectKey(change.object)) }
        }
    }

    /// Also reconciles an owner when one of its children changes or goes away: children whose
    /// ownerReferences name an object of this controller's kind trigger that object.
    public func owns<Child: KubernetesObject>(_ source: some ListWatchSource<Child>, store: Store<Child> = Store()) -> Controller {
        let informer = Informer(source: source, store: store, configuration: configuration.watcher, clock: clock, logger: logger)
        var copy = owns(informer)
        copy.privateInformers.append { await informer.runUntilCancelled() }
        return copy
    }

    /// Also reconciles an owner when one of its children (cached by a shared `informer`) changes as
    /// `filter` passes, appears or goes away.
    public func owns<Child: KubernetesObject>(
        _ informer: Informer<Child>, filter: @escaping ChangeFilter<Child> = ChangeFilters.all
    ) -> Controller {
        let ownerAPIVersion = Object.resource.apiVersion
        let ownerKind = Object.resource.kind
        let namespaced = Object.resource.namespaced
        return watches(informer, filter: filter) { change in
            let child = change.object
            return child.metadata.ownerReferences
                .filter { $0.apiVersion == ownerAPIVersion && $0.kind == ownerKind }
                .map { ObjectKey(namespace: namespaced ? child.metadata.namespace : nil, name: $0.name) }
        }
    }

    /// Also reconciles the objects that `mapper` names whenever an object of another resource changes or
    /// goes away (controller-runtime `EnqueueRequestsFromMapFunc`), with a watch of its own.
    public func watches<Other: KubernetesObject>(
        _ source: some ListWatchSource<Other>, store: Store<Other> = Store(),
        mapper: @escaping @Sendable (Other) -> [ObjectKey]
    ) -> Controller {
        let informer = Informer(source: source, store: store, configuration: configuration.watcher, clock: clock, logger: logger)
        var copy = watches(informer) { change in mapper(change.object) }
        copy.privateInformers.append { await informer.runUntilCancelled() }
        return copy
    }

    /// Also reconciles the objects that `mapper` names for each change of a shared `informer` that
    /// `filter` passes. `mapper` runs on the informer's task, in order: it may also update an index.
    public func watches<Other: KubernetesObject>(
        _ informer: Informer<Other>, filter: @escaping ChangeFilter<Other> = ChangeFilters.all,
        mapper: @escaping @Sendable (ObjectChange<Other>) -> [ObjectKey]
    ) -> Controller {
        var copy = self
        let queue = queue
        informer.subscribe { change in
            guard filter(change) else { return }
            let keys = mapper(change)
            if !keys.isEmpty { queue.scheduleAll(keys) }
        }
        copy.readinessChecks.append { await informer.waitUntilReady() }
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
        let queue = queue
        let store = store
        await withDiscardingTaskGroup { group in
            for informer in privateInformers {
                group.addTask { await informer() }
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
        let checks = [{ [primary] in await primary.waitUntilReady() }] + readinessChecks
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
        let started = clock.now
        do {
            switch try await reconcile(object) {
            case .requeue(let after):
                metrics.record(result: "requeue_after", duration: clock.now - started)
                recovered(key)
                return .succeeded(requeueAfter: after)
            case .awaitChange:
                metrics.record(result: "success", duration: clock.now - started)
                recovered(key)
                return .succeeded(requeueAfter: configuration.requeueAfterSuccess)
            }
        } catch let error as TerminalError {
            metrics.record(result: "error", duration: clock.now - started)
            failures.clear(key)
            logger.error("reconcile failed; not retrying until the object changes", metadata: ["key": "\(key)", "error": "\(error)"])
            await errorHandler(object, error)
            return .failedTerminally
        } catch {
            metrics.record(result: "error", duration: clock.now - started)
            // Logged when the key starts failing; the retries after it at debug level (the metrics count them).
            let attempt = failures.failed(key)
            logger.log(
                level: attempt == 1 ? .warning : .debug, "reconcile failed; retrying with backoff",
                metadata: ["key": "\(key)", "error": "\(error)", "attempt": "\(attempt)"])
            await errorHandler(object, error)
            return .failed
        }
    }

    /// Logs that `key` reconciles again after failing, with the number of failed attempts.
    private func recovered(_ key: ObjectKey) {
        if let attempts = failures.clear(key) {
            logger.info("reconcile succeeded again", metadata: ["key": "\(key)", "failedAttempts": "\(attempts)"])
        }
    }
}

/// Failed attempts per key since its last success or terminal failure.
private final class FailureCounts: Sendable {
    private let counts = Mutex<[ObjectKey: Int]>([:])

    /// Counts one more failure of `key`; returns how many in a row.
    func failed(_ key: ObjectKey) -> Int {
        counts.withLock { counts in
            counts[key, default: 0] += 1
            return counts[key] ?? 1
        }
    }

    /// Forgets `key`'s failures; returns how many there were, if any.
    @discardableResult
    func clear(_ key: ObjectKey) -> Int? {
        counts.withLock { $0.removeValue(forKey: key) }
    }
}

extension Controller: CustomStringConvertible {
    /// The service's name in lifecycle logs (ServiceGroup prints services), instead of a dump of its fields.
    public var description: String { "controller \(metrics.controller)" }
}
