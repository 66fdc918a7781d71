// One phpIPAM subnet listed under several zones is one pool; a zone may not mix address families.
@testable import IPAMphpIPAM
import IPAddressing
import IPAMCore
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM backend: subnets shared by zones, one family per zone")
struct PhpIPAMSharedSubnetTests {
    @Test("nodes of two zones mapped to one subnet id get distinct addresses from it; usage lists the subnet once")
    func sharedSubnet() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [7], "dal12": [7]]))
            var addresses: Set<IPAddress> = []
            for (index, zone) in ["dal10", "dal12", "dal10", "dal12"].enumerated() {
                let allocation = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "n\(index)"), zone: zone, family: .v4)
                #expect(allocation.subnet == IPPrefix("192.168.100.0/24"))
                addresses.insert(allocation.address)
            }
            #expect(addresses.count == 4)
            let usage = try await backend.usage()
            #expect(usage.count == 1)
            #expect(usage.first?.zone == "dal10,dal12")
            #expect(usage.first?.used == 4)
            #expect(try await backend.allocations().count == 4)
        }
    }

    @Test("subnets of both families in one zone are a configuration error naming the subnetMap entry")
    func mixedFamilies() throws {
        let v4 = PhpIPAMSubnet(id: 7, prefix: try IPPrefix(parsing: "192.168.100.0/24"), gateway: try IPAddress(parsing: "192.168.100.1"))
        let v6 = PhpIPAMSubnet(id: 9, prefix: try IPPrefix(parsing: "fd00:100::/64"), gateway: try IPAddress(parsing: "fd00:100::1"))
        #expect(PhpIPAMBackend.mixedFamilies(zone: "dal10", subnets: [v4, v4]) == nil)
        #expect(PhpIPAMBackend.mixedFamilies(zone: "dal10", subnets: [v4, v6]) ==
            "ipam.phpipam.subnetMap.dal10: phpIPAM subnet 7 (192.168.100.0/24) is IPv4 but subnet 9 (fd00:100::/64) is IPv6; a zone may use one address family until dual stack is supported: map the other family's subnets to a zone of their own")
    }
}
