// One Codable implementation for every resource shaped metadata + spec + status, with defaults for an absent spec or status.

/// A resource made of `metadata`, `spec` and `status` (Node, NodeOverlayIp, StaticRoute).
///
/// Conforming types get `init(from:)` and `encode(to:)` from here: the JSON carries `apiVersion`, `kind`,
/// `metadata`, `spec` and `status`; an object whose JSON omits `status` (or `spec`, where
/// ``absentSpec`` allows it) decodes with the default instead of failing.
public protocol SpecStatusResource: KubernetesObject {
    /// The desired state.
    associatedtype Spec: Codable & Sendable
    /// The observed state.
    associatedtype Status: Codable & Sendable

    /// The desired state.
    var spec: Spec { get set }
    /// The observed state.
    var status: Status { get set }
    /// The spec of an object whose JSON has none; `nil` when the spec is required (decoding then fails).
    static var absentSpec: Spec? { get }
    /// The status of an object whose JSON has none (a new object, before any controller wrote it).
    static var absentStatus: Status { get }

    /// An object with the given parts.
    init(metadata: ObjectMeta, spec: Spec, status: Status)
}

/// The keys of a ``SpecStatusResource`` besides `apiVersion` and `kind`.
private enum SpecStatusCodingKeys: String, CodingKey {
    case metadata, spec, status
}

extension SpecStatusResource {
    /// Decodes the object; an absent `status` (or optional `spec`) becomes its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: SpecStatusCodingKeys.self)
        let spec: Spec
        if let absent = Self.absentSpec {
            spec = try container.decodeIfPresent(Spec.self, forKey: .spec) ?? absent
        } else {
            spec = try container.decode(Spec.self, forKey: .spec)
        }
        self.init(
            metadata: try container.decode(ObjectMeta.self, forKey: .metadata), spec: spec,
            status: try container.decodeIfPresent(Status.self, forKey: .status) ?? Self.absentStatus)
    }

    /// Encodes `apiVersion`, `kind`, `metadata`, `spec` and `status`.
    public func encode(to encoder: any Encoder) throws {
        try encodeTypeMeta(to: encoder)
        var container = encoder.container(keyedBy: SpecStatusCodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(spec, forKey: .spec)
        try container.encode(status, forKey: .status)
    }
}
