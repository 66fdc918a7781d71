// An IPAM backend wrapper that counts calls per operation (benchmarks and tests read the counts).
import IPAddressing
import IPAMCore
import Synchronization

/// Forwards to a backend and counts each call by operation (`families`, `reserve`, `reserveZone`, `reclaim`, `release`,
/// `allocation`, `allocations`, `usage`, `zones`, `adopt`, `legacyAllocations`), so a benchmark or test can check how
/// often the IPAM is asked.
public final class CountingIPAM: IPAMBackend {
    private let backend: any IPAMBackend
    private let counts = Mutex<[String: Int]>([:])

    /// Wraps `backend`.
    public init(_ backend: any IPAMBackend) {
        self.backend = backend
    }

    /// Calls per operation since the start or the last ``reset()``.
    public var calls: [String: Int] { counts.withLock { $0 } }

    /// All calls since the start or the last ``reset()``.
    public var total: Int { counts.withLock { $0.values.reduce(0, +) } }

    /// Sets every count back to zero.
    public func reset() {
        counts.withLock { $0 = [:] }
    }

    private func counted<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        counts.withLock { $0[operation, default: 0] += 1 }
        return try await body()
    }

    public func families(inZone zone: String) async throws -> [IPAddressFamily] {
        try await counted("families") { try await backend.families(inZone: zone) }
    }

    public func reserve(_ owner: IPAMOwner, zone: String, family: IPAddressFamily) async throws -> IPAllocation {
        try await counted("reserve") { try await backend.reserve(owner, zone: zone, family: family) }
    }

    /// Forwarded as one call (`reserveZone`), so the backend's own whole-zone reservation is used.
    public func reserve(_ owner: IPAMOwner, zone: String) async throws -> [IPAllocation] {
        try await counted("reserveZone") { try await backend.reserve(owner, zone: zone) }
    }

    public func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation {
        try await counted("reclaim") { try await backend.reclaim(owner, address: address) }
    }

    public func release(_ owner: IPAMOwner) async throws {
        try await counted("release") { try await backend.release(owner) }
    }

    public func allocations(for owner: IPAMOwner) async throws -> [IPAllocation] {
        try await counted("allocation") { try await backend.allocations(for: owner) }
    }

    public func allocations() async throws -> [IPAllocation] {
        try await counted("allocations") { try await backend.allocations() }
    }

    public func usage() async throws -> [SubnetUsage] {
        try await counted("usage") { try await backend.usage() }
    }

    public func zones(listing subnet: IPPrefix) async throws -> [String] {
        try await counted("zones") { try await backend.zones(listing: subnet) }
    }

    public func adoptLegacyAllocation(_ owner: IPAMOwner, address: IPAddress) async throws -> AdoptedAllocation? {
        try await counted("adopt") { try await backend.adoptLegacyAllocation(owner, address: address) }
    }

    public func legacyAllocations() async throws -> [LegacyAllocation] {
        try await counted("legacyAllocations") { try await backend.legacyAllocations() }
    }
}
