// The phpIPAM backend against the emulator: allocation shape, round trips, races, full zones, configuration errors.
import Foundation
import IPAddressing
import IPAMCore
import IPAMphpIPAM
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM backend")
struct PhpIPAMBackendTests {
    @Test("reserve creates a row marked with hostname and owner and returns prefix length, gateway and zone")
    func reserveMarksRow() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend()
            let owner = IPAMOwner(clusterID: "cluster-a", nodeName: "node-1")
            let allocation = try await backend.reserve(owner, zone: "dal10", family: .v4)
            #expect(allocation.cidr == "192.168.101.2/28")
            #expect(allocation.gateway == IPAddress("192.168.101.1"))
            #expect(allocation.subnet == IPPrefix("192.168.101.0/28"))
            #expect(allocation.zone == "dal10")
            let row = try #require(await fixture.emulator.addresses(inSubnet: 8).first { $0.ip == "192.168.101.2" })
            #expect(row.hostname == "node-1")
            #expect(row.owner == "cluster-a")
            #expect(row.fields["description"] == "overlay IP of node-1")
        }
    }

    @Test("a new owner costs two requests, create and one lookup; a cached owner costs one round trip")
    func roundTrips() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend()
            _ = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "warm-up"), zone: "dal10", family: .v4)
            await fixture.emulator.resetRequestCounts()
            let owner = IPAMOwner(clusterID: "cluster-a", nodeName: "node-1")
            _ = try await backend.reserve(owner, zone: "dal10", family: .v4)
            #expect(await fixture.emulator.requestCounts == [
                "POST addresses/first_free/{id}": 1, "GET addresses/search_hostname/{value}": 1,
            ])
            await fixture.emulator.resetRequestCounts()
            _ = try await backend.reserve(owner, zone: "dal10", family: .v4)
            #expect(await fixture.emulator.requestCounts == ["GET addresses/{id}": 1])
        }
    }

    @Test("the owner's existing row is returned by a second backend instead of reserving another")
    func existingRowIsFound() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let owner = IPAMOwner(clusterID: "cluster-a", nodeName: "node-1")
            let first = try await fixture.backend().reserve(owner, zone: "dal10", family: .v4)
            let second = try await fixture.backend().reserve(owner, zone: "dal10", family: .v4)
            #expect(first == second)
            #expect(await fixture.emulator.addresses(inSubnet: 8).filter { $0.hostname == "node-1" }.count == 1)
        }
    }

    @Test("rows of another cluster with the same node name are not taken for the owner's")
    func otherClusterIgnored() async throws {
        try await EmulatorFixture.with { fixture async throws in
            await fixture.emulator.insertAddress(subnetID: 8, ip: "192.168.101.2", hostname: "node-1", fields: ["owner": "cluster-b"])
            let mine = try await fixture.backend().reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "node-1"), zone: "dal10", family: .v4)
            #expect(mine.address == IPAddress("192.168.101.3"))
            let listed = try await fixture.backend().allocations()
            #expect(listed.map(\.address) == [IPAddress("192.168.101.3")])
        }
    }

    @Test("when a race left two rows for one owner, the oldest is kept and the newer deleted")
    func raceKeepsOldest() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend()
            let owner = IPAMOwner(clusterID: "cluster-a", nodeName: "node-1")
            let first = try await backend.reserve(owner, zone: "dal10", family: .v4)
            #expect(first.address == IPAddress("192.168.101.2"))
            // Another process reserved for the same owner too (a higher address).
            await fixture.emulator.insertAddress(subnetID: 8, ip: "192.168.101.9", hostname: "node-1", fields: ["owner": "cluster-a"])
            let fresh = try await fixture.backend()
            let settled = try await fresh.reserve(owner, zone: "dal10", family: .v4)
            #expect(settled == first)
            #expect(await fixture.emulator.addresses(inSubnet: 8).filter { $0.hostname == "node-1" }.map(\.ip) == ["192.168.101.2"])
        }
    }

    @Test("a full subnet spills over to the next, and a full zone fails with zoneExhausted naming it")
    func fullZone() async throws {
        var seed = PhpIPAMSeed.example
        seed.subnets.append(.init(id: 30, cidr: "10.30.0.0/30", gateway: "10.30.0.1"))
        seed.subnets.append(.init(id: 31, cidr: "10.31.0.0/30", gateway: "10.31.0.1", isFull: true))
        seed.subnets.append(.init(id: 32, cidr: "10.32.0.0/30", gateway: "10.32.0.1"))
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["tiny": [30, 31, 32]]))
            let first = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "n1"), zone: "tiny", family: .v4)
            #expect(first.address == IPAddress("10.30.0.2"))
            let second = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "n2"), zone: "tiny", family: .v4)
            #expect(second.address == IPAddress("10.32.0.2"))
            let error = await ipamError {
                _ = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "n3"), zone: "tiny", family: .v4)
            }
            guard case .zoneExhausted(let zone, let subnets) = error else {
                Issue.record("expected zoneExhausted, got \(String(describing: error))")
                return
            }
            #expect(zone == "tiny")
            #expect(subnets.count == 3)
        }
    }

    @Test("a subnet without a gateway is a configuration error that says so")
    func subnetWithoutGateway() async throws {
        var seed = PhpIPAMSeed.example
        seed.subnets.append(.init(id: 40, cidr: "10.40.0.0/29", gateway: nil))
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["z": [40]]))
            let error = await ipamError { _ = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "n1"), zone: "z", family: .v4) }
            guard case .invalidConfiguration(let message) = error else {
                Issue.record("expected invalidConfiguration, got \(String(describing: error))")
                return
            }
            #expect(message.contains("has no gateway"))
            #expect(message.contains("ipam.phpipam.subnetMap.z"))
            #expect(await fixture.emulator.addresses(inSubnet: 40).isEmpty)
        }
    }

    @Test("an unknown subnet id is a configuration error naming it")
    func unknownSubnet() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["z": [9999]]))
            let error = await ipamError { _ = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "n1"), zone: "z", family: .v4) }
            guard case .invalidConfiguration(let message) = error else {
                Issue.record("expected invalidConfiguration, got \(String(describing: error))")
                return
            }
            #expect(message.contains("9999"))
        }
    }

    @Test("a custom owner field marks and finds the cluster's rows")
    func customOwnerField() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let configuration = fixture.configuration(ownerField: "custom_cluster")
            let backend = try await fixture.backend(configuration)
            let owner = IPAMOwner(clusterID: "cluster-a", nodeName: "node-1")
            let allocation = try await backend.reserve(owner, zone: "dal10", family: .v4)
            let row = try #require(await fixture.emulator.addresses(inSubnet: 8).first { $0.ip == allocation.address.description })
            #expect(row.fields["custom_cluster"] == "cluster-a")
            #expect(row.owner == nil)
            #expect(try await fixture.backend(configuration).allocations() == [allocation])
        }
    }

    @Test("usage counts gateway and reserved rows as not assignable")
    func usage() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend()
            _ = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "n1"), zone: "dal10", family: .v4)
            let usage = try await backend.usage()
            #expect(usage.map(\.subnet) == [IPPrefix("192.168.101.0/28"), IPPrefix("192.168.100.0/24")].compactMap { $0 })
            #expect(usage.first?.assignable == 12)
            #expect(usage.first?.used == 1)
            #expect(usage.last?.assignable == 252)
            #expect(usage.last?.used == 0)
        }
    }

    @Test("release keeps the row as cooling down, a second release succeeds, and the row goes once the cool-down ended")
    func release() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend()
            let owner = IPAMOwner(clusterID: "cluster-a", nodeName: "n1")
            let held = try await backend.reserve(owner, zone: "dal10", family: .v4)
            try await backend.release(owner)
            try await backend.release(owner)
            #expect(try await backend.allocation(for: owner, family: .v4) == nil)
            let row = try #require(await fixture.emulator.addresses(inSubnet: 8).first { $0.ip == held.address.description })
            #expect(row.hostname == "")
            #expect(row.owner == "cluster-a")
            #expect(row.fields["description"] == "overlay cool-down until 2026-11-18T11:11:40Z")
            #expect(try await backend.allocations().isEmpty)
            #expect(await fixture.emulator.addresses(inSubnet: 8).count == 3)

            fixture.clock.advance(by: 300)
            #expect(try await backend.allocations().isEmpty)
            #expect(await fixture.emulator.addresses(inSubnet: 8).count == 2)
        }
    }
}
