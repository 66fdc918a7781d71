// The three Lease calls leader election makes, as a protocol so tests can fake them.

/// Reads and writes the Lease that leader election uses. ``KubeLeaseLock`` implements it over a
/// `KubeClient`; tests may fake it.
public protocol LeaseLock: Sendable {
    /// Reads the Lease: its record and resourceVersion, or nil when it does not exist.
    func get() async throws -> (record: LeaseRecord, resourceVersion: String)?
    /// Creates the Lease with `record`; returns the new resourceVersion. Fails if it already exists.
    func create(_ record: LeaseRecord) async throws -> String
    /// Replaces the Lease's record if its resourceVersion is still `resourceVersion` (else a conflict);
    /// returns the new resourceVersion.
    func update(_ record: LeaseRecord, resourceVersion: String) async throws -> String
}
