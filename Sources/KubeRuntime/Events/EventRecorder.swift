// Publishes events.k8s.io/v1 Events about objects; repeats become series updates; never throws.
import FoundationEssentials
import KubeClient
import Logging
import Synchronization

/// Writes Events for an ``EventRecorder``. ``KubeEventSink`` implements it over a `KubeClient`.
public protocol EventSink: Sendable {
    /// Creates `event` (its namespace is in its metadata).
    func create(_ event: EventsV1Event) async throws
    /// Merge-patches `{"series": series}` onto the Event `name` in `namespace`.
    func updateSeries(name: String, namespace: String, series: EventSeries) async throws
}

/// The kind of an event.
public enum EventType: String, Sendable {
    /// Something expected happened.
    case normal = "Normal"
    /// Something the user may need to act on.
    case warning = "Warning"
}

/// Publishes `events.k8s.io/v1` Events (kube-rs `events.rs` `Recorder`).
///
/// - Name `<regarding name>.<hex nanoseconds>`; namespace of the regarding object, or
///   `clusterScopedNamespace` for cluster-scoped objects.
/// - A repeat within 6 minutes becomes a merge patch of `series {count, lastObservedTime}`.
/// - Publishing never throws into the caller: failures are logged (events are best-effort).
public final class EventRecorder: Sendable {
    private let sink: any EventSink
    private let reportingController: String
    private let reportingInstance: String
    private let clusterScopedNamespace: String
    private let clock: RuntimeClock
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private let cache: Mutex<EventSeriesCache>

    /// Makes a recorder.
    /// - Parameters:
    ///   - reportingController: e.g. `iks.ibm.com/overlay-ip-controller`.
    ///   - reportingInstance: e.g. the pod name (the leader identity works too).
    ///   - clusterScopedNamespace: where events about cluster-scoped objects go. Default `default`.
    public init(
        sink: some EventSink, reportingController: String, reportingInstance: String,
        clusterScopedNamespace: String = "default", clock: RuntimeClock = .continuous,
        wallClock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "kube-runtime.events")
    ) {
        self.sink = sink
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.clusterScopedNamespace = clusterScopedNamespace
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
        self.cache = Mutex(EventSeriesCache())
    }

    /// Publishes an event about `object`.
    public func publish<O: KubernetesObject>(
        _ type: EventType, reason: String, action: String, note: String? = nil, regarding object: O,
        related: ObjectReference? = nil
    ) async {
        await publish(type, reason: reason, action: action, note: note, regarding: Self.reference(to: object), related: related)
    }

    /// Publishes an event about the object `regarding` refers to.
    public func publish(
        _ type: EventType, reason: String, action: String, note: String? = nil, regarding: ObjectReference,
        related: ObjectReference? = nil
    ) async {
        let note = note.map { String($0.prefix(1024)) }
        let key = EventSeriesCache.Key(
            regarding: regarding, related: related, type: type.rawValue, reason: String(reason.prefix(128)),
            action: String(action.prefix(128)), note: note)
        let now = clock.now
        let wallNow = wallClock()
        let write = cache.withLock { $0.occurrence(of: key, now: now) }
        switch write {
        case .create:
            let namespace = regarding.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? clusterScopedNamespace
            let name = Self.eventName(regarding: regarding.name ?? "unknown", at: wallNow)
            let event = EventsV1Event(
                metadata: ObjectMeta(name: name, namespace: namespace), eventTime: KubeMicroTime(wallNow),
                reportingController: reportingController, reportingInstance: reportingInstance,
                action: key.action, reason: key.reason, regarding: regarding, note: note, type: type.rawValue,
                related: related)
            do {
                try await sink.create(event)
                cache.withLock { $0.created(key, name: name, namespace: namespace, now: now) }
            } catch {
                logger.warning(
                    "could not publish an event; continuing without it",
                    metadata: ["reason": "\(key.reason)", "regarding": "\(regarding.name ?? "")", "error": "\(error)"])
            }
        case .updateSeries(let name, let namespace, let count):
            do {
                try await sink.updateSeries(
                    name: name, namespace: namespace, series: EventSeries(count: count, lastObservedTime: KubeMicroTime(wallNow)))
            } catch {
                cache.withLock { $0.forget(key) }
                logger.warning(
                    "could not update an event series; the next repeat creates a new event",
                    metadata: ["event": "\(namespace)/\(name)", "error": "\(error)"])
            }
        }
    }

    /// `<regarding name>.<hex nanoseconds since 1970>` (kube-rs).
    public static func eventName(regarding name: String, at date: Date) -> String {
        let nanos = UInt64(max(0, date.timeIntervalSince1970 * 1e9))
        return "\(name).\(String(nanos, radix: 16))"
    }

    /// An ObjectReference to `object` (apiVersion, kind, name, namespace, uid, resourceVersion).
    public static func reference<O: KubernetesObject>(to object: O) -> ObjectReference {
        ObjectReference(to: object)
    }
}
