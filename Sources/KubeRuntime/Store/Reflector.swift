// Keeps a Store in sync with the API server: a Watcher writing into a Store, run as a Service.
import KubeClient
import Logging
import ServiceLifecycle

/// Fills a ``Store`` from a ``Watcher`` (kube-rs `reflector`). Run it in a `ServiceGroup` to keep a
/// cache of a resource that reconcilers read but that triggers nothing (a controller's own watches
/// fill their stores themselves).
///
/// ```swift
/// let nodes = Reflector(source: KubeClientListWatch<Node>(client: client))
/// // ServiceGroup(services: [elector, nodes, controller], ...); reconcilers read nodes.store
/// ```
public struct Reflector<Object: KubernetesObject>: Service {
    /// The cache this reflector fills.
    public let store: Store<Object>
    private let watcher: Watcher<Object>

    /// Makes a reflector of `source` into `store` (default a new one).
    public init(
        source: some ListWatchSource<Object>, store: Store<Object> = Store(), configuration: WatcherConfiguration = .init(),
        clock: RuntimeClock = .continuous, logger: Logger = Logger(label: "kube-runtime.reflector")
    ) {
        self.store = store
        self.watcher = Watcher(source: source, configuration: configuration, clock: clock, logger: logger)
    }

    /// Keeps the store in sync until graceful shutdown or cancellation.
    public func run() async throws {
        let store = store
        let watcher = watcher
        await cancelWhenGracefulShutdown {
            await watcher.run { event in store.apply(event) }
        }
    }
}

extension Reflector: CustomStringConvertible {
    /// The service's name in lifecycle logs (ServiceGroup prints services), instead of a dump of its fields.
    public var description: String { "reflector of \(Object.resource.plural)" }
}
