// Lease (coordination.k8s.io/v1): the record leader election competes for.

/// A `coordination.k8s.io/v1` Lease.
public struct Lease: KubernetesObject, Hashable {
    /// `coordination.k8s.io/v1` `leases`, namespaced.
    public static let resource = ResourceDescriptor.leases

    /// Standard metadata.
    public var metadata: ObjectMeta
    /// The lease record.
    public var spec: LeaseSpec

    /// A lease.
    public init(metadata: ObjectMeta, spec: LeaseSpec = LeaseSpec()) {
        self.metadata = metadata
        self.spec = spec
    }

    private enum CodingKeys: String, CodingKey {
        case metadata, spec
    }

    /// Decodes a lease; an absent `spec` is empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        spec = try container.decodeIfPresent(LeaseSpec.self, forKey: .spec) ?? LeaseSpec()
    }

    /// Encodes the lease with `apiVersion` and `kind`.
    public func encode(to encoder: any Encoder) throws {
        try encodeTypeMeta(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(spec, forKey: .spec)
    }
}

/// The lease record: who holds it, for how long, since when.
public struct LeaseSpec: Sendable, Hashable, Codable {
    /// The current holder's identity; `nil` or empty when released.
    public var holderIdentity: String?
    /// How long the holder may keep the lease without renewing it.
    public var leaseDurationSeconds: Int?
    /// When the current holder acquired it.
    public var acquireTime: KubeMicroTime?
    /// When the holder last renewed it.
    public var renewTime: KubeMicroTime?
    /// How many times the holder changed.
    public var leaseTransitions: Int?

    /// A lease record.
    public init(
        holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: KubeMicroTime? = nil,
        renewTime: KubeMicroTime? = nil, leaseTransitions: Int? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }
}
