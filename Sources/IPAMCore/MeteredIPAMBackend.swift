// Wraps any IPAM backend so every call is counted and timed, and usage() becomes per-subnet gauges (swift-metrics).
import CoreMetrics
import IPAddressing
import Metrics

/// Forwards every call to a backend and records it through swift-metrics:
/// `overlay_ipam_requests_total{backend, operation, outcome}` and
/// `overlay_ipam_request_duration_seconds{backend, operation}`; each ``usage()`` answer also sets
/// `overlay_ipam_addresses{backend, zone, subnet, state}` (`allocated`, `free`, `cooling`).
///
/// ``IPAMConfiguration/makeBackend(clusterID:logger:)`` wraps every backend it opens, so a new backend
/// is metered without code of its own.
public struct MeteredIPAMBackend: IPAMBackend {
    /// The wrapped backend.
    public let backend: any IPAMBackend
    private let name: String
    private let factory: any MetricsFactory

    /// Wraps `backend`, labelling its metrics `backend="name"` (the `ipam.backend` name).
    /// - Parameter factory: Where the metrics go; the process-wide `MetricsSystem` by default.
    public init(_ backend: any IPAMBackend, name: String, factory: any MetricsFactory = MetricsSystem.factory) {
        self.backend = backend
        self.name = name
        self.factory = factory
    }

    public func families(inZone zone: String) async throws -> [IPAddressFamily] {
        try await measured("families") { try await backend.families(inZone: zone) }
    }

    public func reserve(_ owner: IPAMOwner, zone: String, family: IPAddressFamily) async throws -> IPAllocation {
        try await measured("reserve") { try await backend.reserve(owner, zone: zone, family: family) }
    }

    /// Forwarded whole (operation `reserve_zone`), so a backend that reserves every family in one step (the
    /// local one) keeps doing so.
    public func reserve(_ owner: IPAMOwner, zone: String) async throws -> [IPAllocation] {
        try await measured("reserve_zone") { try await backend.reserve(owner, zone: zone) }
    }

    public func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation {
        try await measured("reclaim") { try await backend.reclaim(owner, address: address) }
    }

    public func release(_ owner: IPAMOwner) async throws {
        try await measured("release") { try await backend.release(owner) }
    }

    public func allocations(for owner: IPAMOwner) async throws -> [IPAllocation] {
        try await measured("allocation") { try await backend.allocations(for: owner) }
    }

    public func allocations() async throws -> [IPAllocation] {
        try await measured("allocations") { try await backend.allocations() }
    }

    public func usage() async throws -> [SubnetUsage] {
        let subnets = try await measured("usage") { try await backend.usage() }
        for usage in subnets {
            for (state, count) in [("allocated", usage.used), ("free", usage.free), ("cooling", usage.coolingDown)] {
                Gauge(
                    label: "overlay_ipam_addresses",
                    dimensions: [("backend", name), ("zone", usage.zone), ("subnet", "\(usage.subnet)"), ("state", state)],
                    factory: factory
                ).record(count)
            }
        }
        return subnets
    }

    public func zones(listing subnet: IPPrefix) async throws -> [String] {
        try await measured("zones") { try await backend.zones(listing: subnet) }
    }

    public func adoptLegacyAllocation(_ owner: IPAMOwner, address: IPAddress) async throws -> AdoptedAllocation? {
        try await measured("adopt") { try await backend.adoptLegacyAllocation(owner, address: address) }
    }

    public func legacyAllocations() async throws -> [LegacyAllocation] {
        try await measured("legacy_allocations") { try await backend.legacyAllocations() }
    }

    private func measured<T>(_ operation: String, _ call: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        let outcome: String
        defer {
            Counter(
                label: "overlay_ipam_requests_total",
                dimensions: [("backend", name), ("operation", operation), ("outcome", outcome)], factory: factory
            ).increment()
            Timer(
                label: "overlay_ipam_request_duration_seconds", dimensions: [("backend", name), ("operation", operation)],
                factory: factory
            ).record(duration: started.duration(to: .now))
        }
        do {
            let result = try await call()
            outcome = "success"
            return result
        } catch {
            outcome = Self.outcome(of: error)
            throw error
        }
    }

    /// The `outcome` label of a failed call: the ``IPAMError`` case, `cancelled`, or `error` for anything else.
    static func outcome(of error: any Error) -> String {
        switch error {
        case let error as IPAMError:
            switch error {
            case .unknownZone: "unknown_zone"
            case .zoneExhausted: "zone_exhausted"
            case .addressHeld: "address_held"
            case .addressOutsideZones: "address_outside_zones"
            case .backendUnavailable: "unavailable"
            case .rejected: "rejected"
            case .invalidConfiguration: "invalid_configuration"
            case .familyNotInZone: "family_not_in_zone"
            }
        case is CancellationError: "cancelled"
        default: "error"
        }
    }
}
