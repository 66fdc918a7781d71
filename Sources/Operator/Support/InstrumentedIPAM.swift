// An IPAM backend wrapper that times every call into the operator's latency histogram.
import IPAddressing
import IPAMCore

/// Forwards to a backend and records each call's latency in ``OperatorMetrics``.
public struct InstrumentedIPAM: IPAMBackend {
    private let backend: any IPAMBackend
    private let metrics: OperatorMetrics

    /// Wraps `backend`.
    public init(_ backend: any IPAMBackend, metrics: OperatorMetrics) {
        self.backend = backend
        self.metrics = metrics
    }

    private func timed<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let start = clock.now
        defer { metrics.ipamCall(operation, took: start.duration(to: clock.now)) }
        return try await body()
    }

    public func families(inZone zone: String) async throws -> [IPAddressFamily] {
        try await timed("families") { try await backend.families(inZone: zone) }
    }

    public func reserve(_ owner: IPAMOwner, zone: String, family: IPAddressFamily) async throws -> IPAllocation {
        try await timed("reserve") { try await backend.reserve(owner, zone: zone, family: family) }
    }

    /// Forwarded as one call (`reserveZone`), so the backend's own whole-zone reservation is used.
    public func reserve(_ owner: IPAMOwner, zone: String) async throws -> [IPAllocation] {
        try await timed("reserveZone") { try await backend.reserve(owner, zone: zone) }
    }

    public func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation {
        try await timed("reclaim") { try await backend.reclaim(owner, address: address) }
    }

    public func release(_ owner: IPAMOwner) async throws {
        try await timed("release") { try await backend.release(owner) }
    }

    public func allocations(for owner: IPAMOwner) async throws -> [IPAllocation] {
        try await timed("allocation") { try await backend.allocations(for: owner) }
    }

    public func allocations() async throws -> [IPAllocation] {
        try await timed("allocations") { try await backend.allocations() }
    }

    public func usage() async throws -> [SubnetUsage] {
        try await timed("usage") { try await backend.usage() }
    }

    public func zones(listing subnet: IPPrefix) async throws -> [String] {
        try await timed("zones") { try await backend.zones(listing: subnet) }
    }

    public func adoptLegacyAllocation(_ owner: IPAMOwner, address: IPAddress) async throws -> AdoptedAllocation? {
        try await timed("adopt") { try await backend.adoptLegacyAllocation(owner, address: address) }
    }

    public func legacyAllocations() async throws -> [LegacyAllocation] {
        try await timed("legacyAllocations") { try await backend.legacyAllocations() }
    }
}
