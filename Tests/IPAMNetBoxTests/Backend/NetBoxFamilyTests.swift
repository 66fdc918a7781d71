// The NetBox backend serves one address family per zone: a zone mixing families is refused, never served wrongly.
import IPAMConformance
import IPAMCore
@testable import IPAMNetBox
import IPAddressing
import NetBoxEmulator
import Testing

@Suite("NetBox backend: address families")
struct NetBoxFamilyTests {
    /// `zone-a` of the standard fixture plus `mixed`, whose prefixes are of both families.
    let fixture = ConformanceFixture(clusterID: "conformance", zones: ConformanceFixture.standard.zones + [
        ConformanceFixture.Zone(name: "mixed", subnets: [
            ConformanceFixture.Subnet(prefix: "10.77.9.0/29", gateway: "10.77.9.1"),
            ConformanceFixture.Subnet(prefix: "fd00:77:9::/125", gateway: "fd00:77:9::1"),
        ]),
    ])

    @Test("a zone mixing IPv4 and IPv6 prefixes is refused with the prefix map path; single-family zones keep working")
    func mixedZoneIsRefused() async throws {
        try await NetBoxTestServer.with(seed: NetBoxTestSeed.seed(for: fixture)) { server in
            let backend = try server.backend(server.configuration(prefixMap: NetBoxTestSeed.prefixMap(for: fixture)))
            let expected = IPAMError.invalidConfiguration(
                "ipam.netbox.prefixMap.mixed[1]: NetBox prefix 105 (fd00:77:9::/125) is IPv6 but ipam.netbox.prefixMap.mixed[0] "
                    + "(10.77.9.0/29) is IPv4; the NetBox backend serves one address family per zone (no dual stack yet): "
                    + "map the IPv6 prefixes to a zone of their own")
            await #expect(throws: expected) { try await backend.families(inZone: "mixed") }
            await #expect(throws: expected) { try await backend.reserve(fixture.owner("node-1"), zone: "mixed", family: .v4) }
            #expect(try await backend.allocations().isEmpty)
            #expect(try await backend.families(inZone: "zone-a") == [.v4])
            #expect(try await backend.reserve(fixture.owner("node-1"), zone: "zone-a").map(\.cidr) == ["10.77.0.3/29"])
        }
    }
}
