// One phpIPAM subnet listed under several zones is one pool.
@testable import IPAMphpIPAM
import IPAddressing
import IPAMCore
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM backend: subnets shared by zones")
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
}
