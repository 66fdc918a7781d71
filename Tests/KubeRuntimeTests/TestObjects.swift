// Test resource types and builders for the KubeRuntime tests.
import KubeClient

/// A namespaced test resource.
struct Widget: KubernetesObject, Equatable {
    static let resource = ResourceDescriptor(
        group: "example.com", version: "v1", plural: "widgets", kind: "Widget", namespaced: true, hasStatusSubresource: false)
    var metadata: ObjectMeta
    var size = 0

    init(_ name: String, namespace: String? = "default", resourceVersion: String? = nil, size: Int = 0) {
        metadata = ObjectMeta(name: name, namespace: namespace)
        metadata.resourceVersion = resourceVersion
        self.size = size
    }
}

/// A cluster-scoped test resource.
struct Gadget: KubernetesObject, Equatable {
    static let resource = ResourceDescriptor(
        group: "example.com", version: "v1", plural: "gadgets", kind: "Gadget", namespaced: false, hasStatusSubresource: false)
    var metadata: ObjectMeta

    init(_ name: String, resourceVersion: String? = nil) {
        metadata = ObjectMeta(name: name)
        metadata.resourceVersion = resourceVersion
    }
}
