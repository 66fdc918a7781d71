// One local subnet listed under several zones is one pool, counted once.
import IPAddressing
import IPAMCore
import IPAMLocalSQLite
import TestSupport
import Testing

@Suite("Local backend: a subnet shared by zones")
struct SharedSubnetTests {
    @Test("nodes of two zones listing the same subnet fill one pool; usage lists it once under both names")
    func sharedPool() async throws {
        try await withTemporaryDirectory(prefix: "ipam-shared") { directory in
            let shared = try subnet("10.5.0.0/29", gateway: "10.5.0.1")
            let configuration = localConfiguration(
                database: directory.file("ipam.db"), zones: [("dal10", [shared]), ("dal12", [shared, try subnet("10.6.0.0/30")])])
            let backend = try await openBackend(configuration)
            var addresses: [IPAddress] = []
            for (index, zone) in ["dal10", "dal12", "dal10", "dal12", "dal10"].enumerated() {
                addresses.append(try await backend.reserve(owner("n\(index)"), zone: zone, family: .v4).address)
            }
            #expect(Set(addresses).count == 5)
            #expect(addresses.allSatisfy { shared.subnet.contains($0) })
            // The shared pool is full: dal12 spills over to its own subnet, dal10 has nowhere to go.
            #expect(try await backend.reserve(owner("n5"), zone: "dal12", family: .v4).subnet == IPPrefix("10.6.0.0/30"))
            await #expect(throws: IPAMError.zoneExhausted(zone: "dal10", subnets: ["10.5.0.0/29"])) {
                try await backend.reserve(owner("n6"), zone: "dal10", family: .v4)
            }
            let usage = try await backend.usage()
            #expect(usage.map(\.zone) == ["dal10,dal12", "dal12"])
            #expect(usage.first?.used == 5)
            #expect(try await backend.zones(listing: shared.subnet) == ["dal10", "dal12"])
            #expect(try await backend.zones(listing: try #require(IPPrefix("10.6.0.0/30"))) == ["dal12"])
            #expect(try await backend.zones(listing: try #require(IPPrefix("10.7.0.0/30"))).isEmpty)
            // Reopening with the same configuration keeps the one pool.
            let reopened = try await openBackend(configuration)
            #expect(try await reopened.allocations().count == 6)
        }
    }
}
