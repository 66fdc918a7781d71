// KubernetesObject: the protocol every typed resource conforms to.

/// A typed Kubernetes object: its resource descriptor plus `metadata`; the rest is up to the type.
///
/// Conforming types do not need to model `apiVersion` and `kind`: `KubeClient` writes both from
/// `resource` into every body it sends, and decoding ignores them. Types may still encode them
/// (the built-in ones do, through `encodeTypeMeta(to:)`), so a plain `JSONEncoder` gives a full object.
public protocol KubernetesObject: Codable, Sendable {
    /// Where the resource lives in the API and how it is addressed.
    static var resource: ResourceDescriptor { get }
    /// Name, namespace, labels, resourceVersion and the rest of the standard metadata.
    var metadata: ObjectMeta { get set }
}

extension KubernetesObject {
    /// The object's `apiVersion` (`group/version`, or `version` for the core group).
    public static var apiVersion: String { resource.apiVersion }
    /// The object's `kind`.
    public static var kind: String { resource.kind }

    /// Writes `apiVersion` and `kind` for this type into `encoder` (call it from `encode(to:)`).
    public func encodeTypeMeta(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeMetaCodingKeys.self)
        try container.encode(Self.resource.apiVersion, forKey: .apiVersion)
        try container.encode(Self.resource.kind, forKey: .kind)
    }

    /// `namespace/name`, or `name` for cluster-scoped objects; for logs.
    public var objectKey: String {
        if let namespace = metadata.namespace, !namespace.isEmpty { return "\(namespace)/\(metadata.name)" }
        return metadata.name
    }
}

/// The `apiVersion` and `kind` keys shared by every object.
public enum TypeMetaCodingKeys: String, CodingKey {
    /// `apiVersion`.
    case apiVersion
    /// `kind`.
    case kind
}

/// Encodes an object with its `apiVersion` and `kind` added from its resource descriptor.
struct TypedObjectEnvelope<T: KubernetesObject>: Encodable {
    let object: T

    func encode(to encoder: any Encoder) throws {
        // Both containers share the encoder's storage, so the object's own keys land next to these two.
        try object.encode(to: encoder)
        try object.encodeTypeMeta(to: encoder)
    }
}
