// A read-mostly cache of one resource, filled by a watcher, with a readiness gate.
import KubeClient
import Synchronization

/// An in-memory cache of one resource, written by one watcher and read by many (kube-rs `reflector`).
///
/// - `initStarted` starts a new buffer, `initApply` fills it, `initDone` swaps it in atomically (so
///   objects deleted while the watch was down disappear) and opens the readiness gate once.
/// - `apply` and `delete` change the cache directly.
///
/// Readers get value snapshots; nothing they hold changes underneath them.
public final class Store<Object: KubernetesObject>: Sendable {
    private struct State {
        var objects: [ObjectKey: Object] = [:]
        var buffer: [ObjectKey: Object]?
        var nextWaiterID: UInt64 = 0
        var conditionWaiters: [UInt64: ConditionWaiter] = [:]
    }

    private struct ConditionWaiter {
        let condition: @Sendable ([ObjectKey: Object]) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    private let state = Mutex(State())
    private let readiness = ReadinessGate()

    /// Makes an empty store that is not ready yet.
    public init() {}

    /// The object stored under `key`. For a cluster-scoped resource, a key with a namespace is looked up
    /// again without it (kube-rs `Store::get`).
    public func get(_ key: ObjectKey) -> Object? {
        state.withLock { state in
            if let object = state.objects[key] { return object }
            if key.namespace != nil, !Object.resource.namespaced {
                return state.objects[ObjectKey(namespace: nil, name: key.name)]
            }
            return nil
        }
    }

    /// The object named `name` in `namespace` (nil for cluster-scoped).
    public func get(name: String, namespace: String? = nil) -> Object? {
        get(ObjectKey(namespace: namespace, name: name))
    }

    /// A snapshot of every stored object, in key order.
    public var objects: [Object] {
        state.withLock { state in state.objects.sorted { $0.key < $1.key }.map(\.value) }
    }

    /// A snapshot of every stored key, in order.
    public var keys: [ObjectKey] {
        state.withLock { state in state.objects.keys.sorted() }
    }

    /// The number of stored objects.
    public var count: Int { state.withLock { $0.objects.count } }

    /// Whether the first complete list has been stored.
    public var isReady: Bool { readiness.isOpen }

    /// Returns once the first complete list has been stored (at once if it already has), or early when
    /// the calling task is cancelled (check ``isReady``).
    public func waitUntilReady() async {
        await readiness.wait()
    }

    /// Returns once `condition` holds for the stored objects (checked now and after every change), or
    /// early when the calling task is cancelled. Handy in tests and for "wait until cached" logic.
    public func waitUntil(_ condition: @escaping @Sendable (_ objects: [ObjectKey: Object]) -> Bool) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let satisfied = state.withLock { state -> Bool in
                    if Task.isCancelled || condition(state.objects) { return true }
                    state.conditionWaiters[id] = ConditionWaiter(condition: condition, continuation: continuation)
                    return false
                }
                if satisfied { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.conditionWaiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    /// Applies one watcher event to the cache.
    public func apply(_ event: WatcherEvent<Object>) {
        _ = applyReportingChanges(event)
    }

    /// Applies one watcher event to the cache and returns what changed, with previous states: one
    /// change for `apply` and `delete`, none while a (re)list fills its buffer, and at `initDone` one per
    /// object listed that is new (`added`) or has another resourceVersion (`modified`), plus a `deleted`
    /// for every object the list no longer has.
    public func applyReportingChanges(_ event: WatcherEvent<Object>) -> [ObjectChange<Object>] {
        let (changes, listed, satisfied) = state.withLock {
            state -> ([ObjectChange<Object>], Bool, [CheckedContinuation<Void, Never>]) in
            let (changes, listed) = Self.apply(event, to: &state)
            guard !state.conditionWaiters.isEmpty else { return (changes, listed, []) }
            let ready = state.conditionWaiters.filter { $0.value.condition(state.objects) }
            for id in ready.keys { state.conditionWaiters[id] = nil }
            return (changes, listed, ready.values.map(\.continuation))
        }
        if listed { readiness.open() }
        for waiter in satisfied { waiter.resume() }
        return changes
    }

    /// Applies `event` to `state`; returns the changes and whether it completed a list.
    private static func apply(_ event: WatcherEvent<Object>, to state: inout State) -> ([ObjectChange<Object>], Bool) {
        switch event {
        case .initStarted:
            state.buffer = [:]
        case .initApply(let object):
            state.buffer = state.buffer ?? [:]
            state.buffer?[ObjectKey(object)] = object
        case .initDone:
            let listed = state.buffer ?? [:]
            var changes: [ObjectChange<Object>] = []
            changes.reserveCapacity(listed.count)
            for (key, object) in listed {
                guard let old = state.objects[key] else {
                    changes.append(.added(object))
                    continue
                }
                // Same resourceVersion: the object did not change while the watch was down.
                let version = object.metadata.resourceVersion
                if version == nil || version != old.metadata.resourceVersion { changes.append(.modified(old: old, new: object)) }
            }
            for (key, object) in state.objects where listed[key] == nil {
                changes.append(.deleted(object))
            }
            state.objects = listed
            state.buffer = nil
            return (changes, true)
        case .apply(let object):
            let key = ObjectKey(object)
            let old = state.objects.updateValue(object, forKey: key)
            return ([old.map { .modified(old: $0, new: object) } ?? .added(object)], false)
        case .delete(let object):
            state.objects[ObjectKey(object)] = nil
            return ([.deleted(object)], false)
        }
        return ([], false)
    }
}
