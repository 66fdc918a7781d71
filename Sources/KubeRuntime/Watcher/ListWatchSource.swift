// The two calls a watcher makes (list a page, open a watch), as a protocol so tests can script them.
import KubeClient

/// Lists and watches one resource. ``KubeClientListWatch`` implements it over a `KubeClient`; tests use
/// scripted fakes.
public protocol ListWatchSource<Object>: Sendable {
    /// The watched resource's object type.
    associatedtype Object: KubernetesObject

    /// Lists one page of at most `limit` objects, continuing from `continueToken` (nil: first page).
    func list(limit: Int, continueToken: String?) async throws -> ListPage<Object>

    /// Opens a watch of changes after `resourceVersion`; the server ends it after about `timeout`.
    /// Cancelling the consuming task must end the stream.
    func watch(resourceVersion: String, timeout: Duration) async throws -> AsyncThrowingStream<WatchEvent<Object>, any Error>
}
