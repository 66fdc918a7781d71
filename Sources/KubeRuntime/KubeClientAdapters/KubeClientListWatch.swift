// The watcher's list/watch calls over a KubeClient.
import KubeClient

/// Lists and watches one resource through a `KubeClient`, optionally narrowed by namespace and selectors.
public struct KubeClientListWatch<Object: KubernetesObject>: ListWatchSource {
    private let client: KubeClient
    private let namespace: String?
    private let labelSelector: String?
    private let fieldSelector: String?

    /// Watches `Object`s through `client`.
    /// - Parameters:
    ///   - namespace: one namespace, or nil for cluster-scoped resources / all namespaces.
    ///   - labelSelector: e.g. `app=overlay`.
    ///   - fieldSelector: e.g. `metadata.name=node-1` (the agent watches only its own object this way).
    public init(client: KubeClient, namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil) {
        self.client = client
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
    }

    /// Lists one page through the client (`limit`, `continue`, the selectors).
    public func list(limit: Int, continueToken: String?) async throws -> ListPage<Object> {
        let list = try await client.list(
            Object.self, namespace: namespace,
            options: ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector, limit: limit, continueToken: continueToken))
        return ListPage(items: list.items, resourceVersion: list.metadata.resourceVersion, continueToken: list.metadata.continueToken)
    }

    /// Opens a watch through the client from `resourceVersion` with bookmarks and `timeoutSeconds`.
    public func watch(resourceVersion: String, timeout: Duration) async throws -> AsyncThrowingStream<WatchEvent<Object>, any Error> {
        client.watch(
            Object.self, namespace: namespace,
            options: WatchOptions(
                resourceVersion: resourceVersion, labelSelector: labelSelector, fieldSelector: fieldSelector,
                timeoutSeconds: Int(timeout.components.seconds), allowBookmarks: true))
    }
}
