// The metered wrapper every backend gets: requests by operation and outcome, latency, and usage as gauges.
import IPAddressing
import IPAMConformance
import IPAMCore
import Prometheus
import Testing

/// A backend whose answers the test sets: one subnet's usage, and a reserve that fails as unreachable.
private struct ScriptedBackend: IPAMBackend {
    let subnet: IPPrefix
    let gateway: IPAddress

    func families(inZone zone: String) async throws -> [IPAddressFamily] { [.v4] }
    func reserve(_ owner: IPAMOwner, zone: String, family: IPAddressFamily) async throws -> IPAllocation {
        throw IPAMError.backendUnavailable("connection refused")
    }
    func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation {
        throw IPAMError.addressHeld(address, by: nil)
    }
    func release(_ owner: IPAMOwner) async throws {}
    func allocations(for owner: IPAMOwner) async throws -> [IPAllocation] { [] }
    func allocations() async throws -> [IPAllocation] { [] }
    func usage() async throws -> [SubnetUsage] {
        [SubnetUsage(zone: "dal10", subnet: subnet, gateway: gateway, assignable: 250, used: 40, coolingDown: 3)]
    }
    func zones(listing subnet: IPPrefix) async throws -> [String] { ["dal10"] }
    func legacyAllocations() async throws -> [LegacyAllocation] {
        throw IPAMError.rejected("legacy records asked")
    }
}

@Suite("Metered IPAM backend")
struct MeteredIPAMBackendTests {
    @Test("each call is counted by operation and outcome and timed; usage becomes allocated, free and cooling gauges")
    func recordsCallsAndUsage() async throws {
        let registry = PrometheusCollectorRegistry()
        let backend = MeteredIPAMBackend(
            ScriptedBackend(subnet: try IPPrefix(parsing: "192.168.100.0/24"), gateway: try IPAddress(parsing: "192.168.100.1")),
            name: "scripted", factory: PrometheusMetricsFactory(registry: registry))
        let owner = IPAMOwner(clusterID: "c1", nodeName: "n1")
        await #expect(throws: IPAMError.self) { try await backend.reserve(owner, zone: "dal10", family: .v4) }
        try await backend.release(owner)
        _ = try await backend.usage()
        await #expect(throws: IPAMError.rejected("legacy records asked")) { try await backend.legacyAllocations() }

        let text = registry.emitToString()
        #expect(text.contains(#"overlay_ipam_requests_total{backend="scripted",operation="reserve",outcome="unavailable"} 1"#), "\(text)")
        #expect(text.contains(#"overlay_ipam_requests_total{backend="scripted",operation="release",outcome="success"} 1"#))
        #expect(text.contains(#"overlay_ipam_request_duration_seconds_count{backend="scripted",operation="reserve"} 1"#))
        #expect(text.contains(#"overlay_ipam_requests_total{backend="scripted",operation="legacy_allocations",outcome="rejected"} 1"#))
        let subnet = #"backend="scripted",zone="dal10",subnet="192.168.100.0/24""#
        #expect(text.contains("overlay_ipam_addresses{\(subnet),state=\"allocated\"} 40"))
        #expect(text.contains("overlay_ipam_addresses{\(subnet),state=\"free\"} 207"))
        #expect(text.contains("overlay_ipam_addresses{\(subnet),state=\"cooling\"} 3"))
    }

    @Test("every requirement reaches the wrapped backend, the ones with default implementations included")
    func forwardsEveryRequirement() async throws {
        let registry = PrometheusCollectorRegistry()
        try await IPAMWrapperForwarding.check { MeteredIPAMBackend($0, name: "probe", factory: PrometheusMetricsFactory(registry: registry)) }
        let text = registry.emitToString()
        for operation in ["zones", "adopt", "legacy_allocations"] {
            #expect(text.contains(#"overlay_ipam_requests_total{backend="probe",operation="\#(operation)",outcome="success"} 1"#), "\(text)")
        }
    }
}
