// Informer transforms: trim cached objects to the fields a process reads (client-go's SetTransform).
import KubeClient

/// Ready-made `transform`s for ``Informer``: each drops fields from every cached object so that a
/// large cluster's cache costs only what the process reads. Use one only when nothing in the process
/// reads the dropped fields from the cache (writes that need them fetch the object first).
public enum Transforms {
    /// The object without annotations (kubectl's `last-applied-configuration`, tools' notes). Labels,
    /// finalizers, owners and every other field stay.
    @Sendable
    public static func withoutAnnotations<Object: KubernetesObject>(_ object: Object) -> Object {
        guard !object.metadata.annotations.isEmpty else { return object }
        var trimmed = object
        trimmed.metadata.annotations = [:]
        return trimmed
    }

    /// The Node's metadata without annotations: no spec and no status (the kubelet's addresses and
    /// conditions, which are most of a Node and change on every heartbeat). Name, uid,
    /// resourceVersion, generation, labels, finalizers, owners and the creation and deletion time
    /// stamps stay.
    @Sendable
    public static func nodeMetadataOnly(_ node: Node) -> Node {
        var metadata = node.metadata
        metadata.annotations = [:]
        return Node(metadata: metadata)
    }
}
