// A tiny in-memory list/watch source for controller tests: the test changes objects, watchers see it.
import KubeClient
import Synchronization
@testable import KubeRuntime

/// Holds objects of one type with a resourceVersion counter; `list` returns a snapshot and `watch`
/// streams every later change. An optional gate holds `list` until the test opens it.
final class InMemoryListWatch<Object: KubernetesObject>: ListWatchSource {
    private struct State {
        var objects: [ObjectKey: Object] = [:]
        var version = 0
        var watchers: [AsyncThrowingStream<WatchEvent<Object>, any Error>.Continuation] = []
    }

    private let state = Mutex(State())
    private let listGate: AsyncGate?

    init(_ objects: [Object] = [], holdListUntil gate: AsyncGate? = nil) {
        listGate = gate
        for object in objects { upsert(object) }
    }

    /// Adds or replaces `object` (with a new resourceVersion) and tells the watchers.
    func upsert(_ object: Object) {
        state.withLock { state in
            state.version += 1
            var stored = object
            stored.metadata.resourceVersion = String(state.version)
            let key = ObjectKey(stored)
            let existed = state.objects[key] != nil
            state.objects[key] = stored
            for watcher in state.watchers { watcher.yield(existed ? .modified(stored) : .added(stored)) }
        }
    }

    /// Removes the object under `key` and tells the watchers.
    func delete(_ key: ObjectKey) {
        state.withLock { state in
            guard var object = state.objects.removeValue(forKey: key) else { return }
            state.version += 1
            object.metadata.resourceVersion = String(state.version)
            for watcher in state.watchers { watcher.yield(.deleted(object)) }
        }
    }

    func list(limit: Int, continueToken: String?) async throws -> ListPage<Object> {
        await listGate?.wait()
        return state.withLock { state in
            ListPage(items: state.objects.sorted { $0.key < $1.key }.map(\.value), resourceVersion: String(state.version))
        }
    }

    func watch(resourceVersion: String, timeout: Duration) async throws -> AsyncThrowingStream<WatchEvent<Object>, any Error> {
        let (stream, continuation) = AsyncThrowingStream<WatchEvent<Object>, any Error>.makeStream()
        state.withLock { $0.watchers.append(continuation) }
        return stream
    }
}
