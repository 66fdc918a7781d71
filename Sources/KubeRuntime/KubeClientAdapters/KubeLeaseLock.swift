// Leader election's Lease calls over a KubeClient (coordination.k8s.io/v1).
import KubeClient

/// Reads and writes one `coordination.k8s.io/v1` Lease through a `KubeClient`.
/// RBAC: `get`, `create`, `update` on `leases.coordination.k8s.io` in the Lease's namespace.
public struct KubeLeaseLock: LeaseLock {
    private let client: KubeClient
    private let name: String
    private let namespace: String

    /// The Lease `name` in `namespace`.
    public init(client: KubeClient, name: String, namespace: String) {
        self.client = client
        self.name = name
        self.namespace = namespace
    }

    /// Uses the lease named in `configuration`.
    public init(client: KubeClient, configuration: LeaderElectionConfiguration) {
        self.init(client: client, name: configuration.leaseName, namespace: configuration.leaseNamespace)
    }

    /// GETs the Lease; a 404 is nil.
    public func get() async throws -> (record: LeaseRecord, resourceVersion: String)? {
        do {
            let lease = try await client.get(Lease.self, name: name, namespace: namespace)
            return (Self.record(of: lease.spec), lease.metadata.resourceVersion ?? "")
        } catch let error as KubeAPIError where error.reason == .notFound {
            return nil
        }
    }

    /// POSTs a new Lease holding `record`.
    public func create(_ record: LeaseRecord) async throws -> String {
        let lease = Lease(metadata: ObjectMeta(name: name, namespace: namespace), spec: Self.spec(of: record))
        return try await client.create(lease).metadata.resourceVersion ?? ""
    }

    /// PUTs `record` conditioned on `resourceVersion` (a 409 means another replica wrote first).
    public func update(_ record: LeaseRecord, resourceVersion: String) async throws -> String {
        var metadata = ObjectMeta(name: name, namespace: namespace)
        metadata.resourceVersion = resourceVersion
        let lease = Lease(metadata: metadata, spec: Self.spec(of: record))
        return try await client.update(lease).metadata.resourceVersion ?? ""
    }

    static func record(of spec: LeaseSpec) -> LeaseRecord {
        LeaseRecord(
            holderIdentity: spec.holderIdentity, leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
            acquireTime: spec.acquireTime?.date, renewTime: spec.renewTime?.date, leaseTransitions: spec.leaseTransitions ?? 0)
    }

    static func spec(of record: LeaseRecord) -> LeaseSpec {
        LeaseSpec(
            holderIdentity: record.holderIdentity, leaseDurationSeconds: record.leaseDurationSeconds,
            acquireTime: record.acquireTime.map(KubeMicroTime.init), renewTime: record.renewTime.map(KubeMicroTime.init),
            leaseTransitions: record.leaseTransitions)
    }
}
