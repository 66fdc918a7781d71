// Taking over from the original controller: its rows are adopted in place, partial matches are left alone;
// released addresses cool down in phpIPAM; steady use needs no new login.
import Foundation
import IPAddressing
import IPAMCore
import IPAMphpIPAM
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM backend: the original controller's rows, cool-down and request counts")
struct PhpIPAMTakeoverTests {
    /// Writes a row as the original controller did: `owner=<node>\n` as an untyped body, no hostname.
    static func writeLegacyRow(_ fixture: EmulatorFixture, node: String) async throws -> String {
        let reply = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/7/")
        #expect(reply.status == 201)
        let ip = try #require(reply.data?.string)
        let id = try #require(reply.json?["id"]?.string)
        let patch = try await fixture.call(
            .patch, "/api/iksnone/addresses/\(id)/", headers: [("token", "iksnonestatictoken000000")], body: "owner=\(node)\n")
        #expect(patch.status == 200)
        return ip
    }

    @Test("a row of the original controller (owner with a newline, no hostname) is adopted in place with one PATCH")
    func legacyRowIsAdoptedInPlace() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let ip = try await Self.writeLegacyRow(fixture, node: "node-a")
            let before = try #require(await fixture.emulator.addresses(inSubnet: 7).first { $0.ip == ip })
            #expect(before.owner == "node-a\n")
            #expect(before.hostname == nil)

            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [7]]))
            let owner = IPAMOwner(clusterID: "cluster-a", nodeName: "node-a")
            let legacy = try await backend.legacyAllocations()
            #expect(legacy.map(\.recordedOwner) == ["node-a\n"])
            #expect(legacy.first?.nodeName == "node-a")

            let address = try #require(IPAddress(ip))
            await fixture.emulator.resetRequestCounts()
            let adopted = try #require(try await backend.adoptLegacyAllocation(owner, address: address))
            #expect(adopted.allocation.address.description == ip)
            #expect(adopted.previousOwner == "node-a\n")
            #expect(adopted.location == "phpIPAM address \(before.id)")
            let counts = await fixture.emulator.requestCounts
            #expect(counts["PATCH addresses/{id}"] == 1)
            #expect(counts["DELETE addresses/{id}"] == nil && counts["POST addresses/first_free/{id}"] == nil)

            let after = try #require(await fixture.emulator.addresses(inSubnet: 7).first { $0.ip == ip })
            #expect(after.id == before.id)
            #expect(after.hostname == "node-a")
            #expect(after.owner == "cluster-a")
            #expect(after.fields["description"] == "overlay IP of node-a")
            #expect(try await backend.allocation(for: owner, family: .v4) == adopted.allocation)
            #expect(try await backend.legacyAllocations().isEmpty)
            // The node's next reserve keeps the adopted address; no second row appears.
            #expect(try await backend.reserve(owner, zone: "dal10", family: .v4) == adopted.allocation)
            #expect(await fixture.emulator.addresses(inSubnet: 7).filter { $0.hostname == "node-a" }.count == 1)
        }
    }

    @Test("rows that match only partly (another node, another address) are never touched")
    func partialMatchesAreLeftAlone() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let ip = try await Self.writeLegacyRow(fixture, node: "node-b")
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [7]]))
            let address = try #require(IPAddress(ip))
            let otherAddress = try #require(address.advanced(by: 5))
            #expect(try await backend.adoptLegacyAllocation(IPAMOwner(clusterID: "cluster-a", nodeName: "node-c"), address: address) == nil)
            #expect(
                try await backend.adoptLegacyAllocation(IPAMOwner(clusterID: "cluster-a", nodeName: "node-b"), address: otherAddress) == nil)
            let row = try #require(await fixture.emulator.addresses(inSubnet: 7).first { $0.ip == ip })
            #expect(row.owner == "node-b\n")
            #expect(row.hostname == nil)
            // A reclaim of the legacy row's address by another node is refused, naming no holder.
            let error = await ipamError {
                _ = try await backend.reclaim(IPAMOwner(clusterID: "cluster-a", nodeName: "node-c"), address: address)
            }
            #expect(error == .addressHeld(address, by: nil))
        }
    }

    @Test("a reclaim of this cluster's cooling-down address gives the row back to the owner")
    func reclaimTakesBackCoolingRow() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend()
            let owner = IPAMOwner(clusterID: "cluster-a", nodeName: "n1")
            let held = try await backend.reserve(owner, zone: "dal10", family: .v4)
            try await backend.release(owner)
            let reclaimed = try await backend.reclaim(owner, address: held.address)
            #expect(reclaimed == held)
            let row = try #require(await fixture.emulator.addresses(inSubnet: 8).first { $0.ip == held.address.description })
            #expect(row.hostname == "n1")
            #expect(row.fields["description"] == "overlay IP of n1")
            let usage = try #require(try await backend.usage().first)
            #expect(usage.used == 1 && usage.coolingDown == 0)
        }
    }

    @Test("50 new owners at once ask for the subnet's description once and cost two requests each")
    func concurrentNewOwnersShareTheSubnetLookup() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [7]]))
            _ = try await backend.allocation(for: IPAMOwner(clusterID: "cluster-a", nodeName: "nobody"), family: .v4)  // logs in
            await fixture.emulator.resetRequestCounts()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask { _ = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "n\(index)"), zone: "dal10", family: .v4) }
                }
                try await group.waitForAll()
            }
            let counts = await fixture.emulator.requestCounts
            #expect(counts["GET subnets/{id}"] == 1)
            #expect(counts["POST addresses/first_free/{id}"] == 50)
            #expect(counts["GET addresses/search_hostname/{value}"] == 50)
        }
    }

    @Test("allocations() makes one listing per mapped subnet, and steady use over 12 hours logs in only once")
    func bulkListingAndNoRelogin() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(appID: "iksnone", subnetMap: ["dal10": [8, 7]]))
            for index in 0..<5 { _ = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "n\(index)"), zone: "dal10", family: .v4) }
            _ = try await backend.allocations()  // reads subnet 7's prefix and gateway once
            await fixture.emulator.resetRequestCounts()
            #expect(try await backend.allocations().count == 5)
            #expect(await fixture.emulator.requestCounts == ["GET subnets/{id}/addresses": 2])

            for _ in 0..<12 {
                fixture.clock.advance(by: 3600)
                _ = try await backend.allocations()
            }
            let logins = await fixture.emulator.requestCounts["POST user"] ?? 0
            #expect(logins == 0)
        }
    }
}
