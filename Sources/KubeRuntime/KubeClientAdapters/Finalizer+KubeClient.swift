// The finalizer helper's JSON patches sent through a KubeClient.
import KubeClient

extension Finalizer {
    /// A finalizer helper that patches objects through `client`.
    public init(name: String, client: KubeClient) throws(FinalizerNameError) {
        try self.init(name: name) { object, operations in
            _ = try await client.patch(
                Object.self, name: object.metadata.name, namespace: object.metadata.namespace, patch: .json(operations))
        }
    }
}
