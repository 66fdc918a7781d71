// A shared informer: one list+watch and one Store per resource, fanned out to every subscriber.
import KubeClient
import Logging
import ServiceLifecycle
import Synchronization

/// Lists and watches one resource once per process, keeps one ``Store`` of it and hands every change to
/// each subscriber (client-go's shared informer, controller-runtime's shared cache, kube-rs' shared
/// reflector). A 410 relists once for all subscribers.
///
/// ```swift
/// let nodes = Informer(source: KubeClientListWatch<Node>(client: client))
/// let controller = Controller(for: addresses, ...).watches(nodes, filter: ChangeFilters.metadataChanged) { change in
///     [ObjectKey(name: change.object.metadata.name)]
/// }
/// // ServiceGroup(services: [nodes, addresses, controller, ...]): informers before their users.
/// ```
///
/// A `transform` (client-go's `SetTransform`) trims every listed or watched object before it is
/// stored or handed to a subscriber, so the cache holds only the fields the process reads: for
/// example ``Transforms/nodeMetadataOnly(_:)``. Filters and subscribers see the transformed objects.
///
/// Subscribers are called one change at a time, in order, on the informer's task: keep them short and
/// non-blocking (schedule work, update an index), and never subscribe from inside one. A subscriber
/// added after the first list first gets every cached object as `added`, so subscribers must treat a
/// repeated `added` as an update.
public final class Informer<Object: KubernetesObject>: Service, Sendable {
    /// The cache, shared by every subscriber.
    public let store: Store<Object>
    private let watcher: Watcher<Object>
    private let subscribers = Mutex<[@Sendable (ObjectChange<Object>) -> Void]>([])
    private let delivered = ReadinessGate()
    private let transform: (@Sendable (Object) -> Object)?

    /// Makes an informer of `source` into `store` (default a new one); `transform`, when given, trims
    /// every object before it is stored.
    public init(
        source: some ListWatchSource<Object>, store: Store<Object> = Store(), configuration: WatcherConfiguration = .init(),
        transform: (@Sendable (Object) -> Object)? = nil,
        clock: RuntimeClock = .continuous, logger: Logger = Logger(label: "kube-runtime.informer")
    ) {
        self.store = store
        self.transform = transform
        self.watcher = Watcher(source: source, configuration: configuration, clock: clock, logger: logger)
    }

    /// Adds `handler`, called with every later change (and at once with every cached object when the
    /// first list is already in).
    public func subscribe(_ handler: @escaping @Sendable (ObjectChange<Object>) -> Void) {
        let store = store
        subscribers.withLock { subscribers in
            subscribers.append(handler)
            if store.isReady {
                for object in store.objects { handler(.added(object)) }
            }
        }
    }

    /// Returns once the first complete list is stored *and* every subscriber has seen it (or early when
    /// the calling task is cancelled).
    public func waitUntilReady() async {
        await delivered.wait()
    }

    /// Whether the first complete list has reached every subscriber.
    public var isReady: Bool { delivered.isOpen }

    /// Keeps the store in sync until graceful shutdown or cancellation.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.runUntilCancelled() }
    }

    /// Keeps the store in sync until the calling task is cancelled (controllers run their private
    /// informers this way).
    func runUntilCancelled() async {
        await watcher.run { event in self.deliver(event) }
    }

    private func deliver(_ received: WatcherEvent<Object>) {
        let event = transform.map { received.map($0) } ?? received
        let changes = store.applyReportingChanges(event)
        if !changes.isEmpty {
            // Delivered under the lock so a subscriber added meanwhile misses nothing (it may see an object twice).
            subscribers.withLock { subscribers in
                for change in changes {
                    for subscriber in subscribers { subscriber(change) }
                }
            }
        }
        if case .initDone = event { delivered.open() }
    }
}

extension Informer: CustomStringConvertible {
    /// The service's name in lifecycle logs (ServiceGroup prints services), instead of a dump of its fields.
    public var description: String { "informer of \(Object.resource.plural)" }
}
