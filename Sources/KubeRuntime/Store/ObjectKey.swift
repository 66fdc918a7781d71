// The identity of an object inside one resource: optional namespace plus name.
import KubeClient

/// Identifies an object of a known resource: its namespace (nil for cluster-scoped resources) and name.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The namespace, or nil for a cluster-scoped object.
    public var namespace: String?
    /// The object's name.
    public var name: String

    /// Makes a key from a namespace (nil for cluster-scoped) and a name.
    public init(namespace: String? = nil, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// The key of `object`, from its metadata.
    public init(_ object: some KubernetesObject) {
        self.init(namespace: object.metadata.namespace, name: object.metadata.name)
    }

    /// `namespace/name`, or just `name` when cluster-scoped.
    public var description: String {
        namespace.map { "\($0)/\(name)" } ?? name
    }

    /// Orders by namespace (cluster-scoped first), then name.
    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace ?? "", lhs.name) < (rhs.namespace ?? "", rhs.name)
    }
}
