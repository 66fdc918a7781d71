// The phpIPAM backend with IPv6 and dual-stack zones: one address per family, the IPv6 subnet address kept out.
@testable import IPAMphpIPAM
import IPAddressing
import IPAMCore
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM backend: IPv6 and dual-stack zones")
struct PhpIPAMDualStackTests {
    /// The example server plus subnet 20 = fd00:100::/64 (gateway ::1) and subnet 21 = fd00:101::/126
    /// (gateway ::1; after the kept-out subnet address it holds two nodes: ::2 and ::3).
    static let seed: PhpIPAMSeed = {
        var seed = PhpIPAMSeed.example
        seed.subnets += [
            .init(id: 20, cidr: "fd00:100::/64", description: "iks zone A v6", gateway: "fd00:100::1"),
            .init(id: 21, cidr: "fd00:101::/126", description: "iks zone B v6", gateway: "fd00:101::1"),
        ]
        return seed
    }()

    static func owner(_ node: String) -> IPAMOwner { IPAMOwner(clusterID: "cluster-a", nodeName: node) }

    static func address(_ text: String) throws -> IPAddress { try IPAddress(parsing: text) }

    @Test("a dual-stack zone gives each node one address per family in configuration order, idempotently")
    func oneAddressPerFamily() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [8, 21, 20]]))
            #expect(try await backend.families(inZone: "dal10") == [.v4, .v6])
            let owner = Self.owner("node-1")
            let reserved = try await backend.reserve(owner, zone: "dal10")
            #expect(reserved.map(\.cidr) == ["192.168.101.2/28", "fd00:101::2/126"])
            #expect(reserved.map(\.gateway) == [try Self.address("192.168.101.1"), try Self.address("fd00:101::1")])
            #expect(reserved.map(\.zone) == ["dal10", "dal10"])
            #expect(try await backend.allocations(for: owner) == reserved)
            #expect(try await backend.reserve(owner, zone: "dal10") == reserved)
            #expect(try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [8, 21, 20]])).reserve(owner, zone: "dal10") == reserved)
            let rows = await fixture.emulator.addresses(inSubnet: 8) + fixture.emulator.addresses(inSubnet: 21)
            #expect(rows.filter { $0.hostname == "node-1" }.map(\.ip) == ["192.168.101.2", "fd00:101::2"])
            #expect(try await backend.allocations().map(\.address) == reserved.map(\.address))
        }
    }

    @Test("the family order follows the first subnet of each family: an IPv6-first zone is IPv6-primary")
    func ipv6First() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [20, 8]]))
            #expect(try await backend.families(inZone: "dal10") == [.v6, .v4])
            let reserved = try await backend.reserve(Self.owner("node-1"), zone: "dal10")
            #expect(reserved.map(\.cidr) == ["fd00:100::2/64", "192.168.101.2/28"])
            // allocations(for:) orders by address: IPv4 first.
            #expect(try await backend.allocations(for: Self.owner("node-1")).map(\.cidr) == ["192.168.101.2/28", "fd00:100::2/64"])
        }
    }

    @Test("the IPv6 subnet address first_free offers is never handed out: a reserved row of the cluster keeps it out")
    func subnetAddressKeptOut() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["v6": [20]]))
            _ = try await backend.families(inZone: "v6")  // describes the subnet once
            await fixture.emulator.resetRequestCounts()
            let first = try await backend.reserve(Self.owner("node-1"), zone: "v6", family: .v6)
            #expect(first.cidr == "fd00:100::2/64")
            // The first node of a fresh IPv6 subnet: first_free (the subnet address), PATCH it, first_free, lookup.
            #expect(await fixture.emulator.requestCounts == [
                "POST addresses/first_free/{id}": 2, "PATCH addresses/{id}": 1, "GET addresses/search_hostname/{value}": 1,
            ])
            let keptOut = try #require(await fixture.emulator.addresses(inSubnet: 20).first { $0.ip == "fd00:100::" })
            #expect(keptOut.tag == 3)
            #expect(keptOut.owner == "cluster-a")
            #expect(keptOut.hostname == "")
            #expect(keptOut.fields["description"] == "overlay: never handed out")

            await fixture.emulator.resetRequestCounts()
            let second = try await backend.reserve(Self.owner("node-2"), zone: "v6", family: .v6)
            #expect(second.cidr == "fd00:100::3/64")
            #expect(await fixture.emulator.totalRequests == 2)
            #expect(try await backend.allocations().map(\.cidr) == ["fd00:100::2/64", "fd00:100::3/64"])
            let usage = try #require(try await backend.usage().first)
            #expect(usage.used == 2)
            #expect(usage.coolingDown == 0)
            // A /64 has more hosts than Int holds: the count saturates instead of overflowing.
            #expect(usage.assignable == Int.max)
        }
    }

    @Test("a dual-stack node costs two requests per family; an IPv4 node still costs two")
    func requestCounts() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [7, 20], "v4": [8]]))
            _ = try await backend.reserve(Self.owner("warm-up"), zone: "dal10")
            _ = try await backend.reserve(Self.owner("warm-up"), zone: "v4")
            await fixture.emulator.resetRequestCounts()
            _ = try await backend.reserve(Self.owner("node-1"), zone: "dal10")
            #expect(await fixture.emulator.requestCounts == ["POST addresses/first_free/{id}": 2, "GET addresses/search_hostname/{value}": 2])
            await fixture.emulator.resetRequestCounts()
            _ = try await backend.reserve(Self.owner("node-2"), zone: "v4")
            #expect(await fixture.emulator.requestCounts == ["POST addresses/first_free/{id}": 1, "GET addresses/search_hostname/{value}": 1])
            await fixture.emulator.resetRequestCounts()
            _ = try await backend.reserve(Self.owner("node-1"), zone: "dal10")
            #expect(await fixture.emulator.requestCounts == ["GET addresses/{id}": 2])
        }
    }

    @Test("a full IPv6 subnet spills over to the zone's next IPv6 subnet, never to IPv4")
    func spillOverWithinFamily() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [21, 8, 20]]))
            var v6: [String] = []
            for node in ["node-1", "node-2", "node-3"] {
                v6.append(try await backend.reserve(Self.owner(node), zone: "dal10", family: .v6).cidr)
            }
            #expect(v6 == ["fd00:101::2/126", "fd00:101::3/126", "fd00:100::2/64"])
            // The /126 has hosts ::1–::3 (the subnet address is none); minus the gateway two are assignable, both used.
            let full = try #require(try await backend.usage().first { $0.subnet == IPPrefix("fd00:101::/126") })
            #expect(full.assignable == 2 && full.used == 2 && full.free == 0)
        }
    }

    @Test("one exhausted family fails naming its subnets while the other family still serves the node")
    func oneFamilyExhausted() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [7, 21]]))
            _ = try await backend.reserve(Self.owner("node-1"), zone: "dal10")
            _ = try await backend.reserve(Self.owner("node-2"), zone: "dal10")
            let error = await ipamError { _ = try await backend.reserve(Self.owner("node-3"), zone: "dal10") }
            #expect(error == .zoneExhausted(zone: "dal10", subnets: ["fd00:101::/126 (phpIPAM subnet 21)"]))
            // The IPv4 address reserved before the failure stays held; the node holds no IPv6 address.
            let held = try await backend.allocations(for: Self.owner("node-3"))
            #expect(held.map(\.cidr) == ["192.168.100.4/24"])
        }
    }

    @Test("a reserve of a family the zone lacks fails with familyNotInZone")
    func familyNotInZone() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [8]]))
            let error = await ipamError { _ = try await backend.reserve(Self.owner("node-1"), zone: "dal10", family: .v6) }
            #expect(error == .familyNotInZone(zone: "dal10", family: .v6, families: [.v4]))
        }
    }

    @Test("release frees both families with the cool-down marking; the cool-down row is not an allocation")
    func releaseBoth() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [8, 20]]))
            let owner = Self.owner("node-1")
            let reserved = try await backend.reserve(owner, zone: "dal10")
            try await backend.release(owner)
            #expect(try await backend.allocations(for: owner).isEmpty)
            #expect(try await backend.allocations().isEmpty)
            let rows = await fixture.emulator.addresses(inSubnet: 8) + fixture.emulator.addresses(inSubnet: 20)
            let released = rows.filter { row in reserved.contains { $0.address.description == row.ip } }
            #expect(released.count == 2)
            #expect(released.allSatisfy { $0.fields["description"]?.hasPrefix("overlay cool-down until ") == true && $0.hostname == "" })
            // The kept-out subnet address is untouched by the release.
            #expect(rows.contains { $0.ip == "fd00:100::" && $0.tag == 3 })
            try await backend.release(owner)
        }
    }

    @Test("a crash between the two families leaks nothing: a new backend keeps the IPv4 address and adds IPv6")
    func crashBetweenFamilies() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            let configuration = fixture.configuration(subnetMap: ["dal10": [8, 20]])
            let owner = Self.owner("node-1")
            let first = try await fixture.backend(configuration).reserve(owner, zone: "dal10", family: .v4)
            // The process dies here; a new one reserves the zone again.
            let restarted = try await fixture.backend(configuration)
            let reserved = try await restarted.reserve(owner, zone: "dal10")
            #expect(reserved.first == first)
            #expect(reserved.map(\.address.family) == [.v4, .v6])
            let mine = await (fixture.emulator.addresses(inSubnet: 8) + fixture.emulator.addresses(inSubnet: 20)).filter { $0.hostname == "node-1" }
            #expect(mine.count == 2)
            try await restarted.release(owner)
            #expect(try await restarted.allocations().isEmpty)
        }
    }

    @Test("a crash after first_free handed out the subnet address: no allocation there, the next reserve keeps it out")
    func crashBeforeKeepingOut() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            // What a crash between POST first_free and the PATCH leaves: the subnet address marked as node-1's.
            await fixture.emulator.insertAddress(
                subnetID: 20, ip: "fd00:100::", hostname: "node-1", fields: ["owner": "cluster-a", "description": "overlay IP of node-1"])
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["v6": [20]]))
            #expect(try await backend.allocations().isEmpty)
            #expect(try await backend.allocations(for: Self.owner("node-1")).isEmpty)
            let reserved = try await backend.reserve(Self.owner("node-1"), zone: "v6", family: .v6)
            #expect(reserved.cidr == "fd00:100::2/64")
            let keptOut = try #require(await fixture.emulator.addresses(inSubnet: 20).first { $0.ip == "fd00:100::" })
            #expect(keptOut.tag == 3 && keptOut.hostname == "")
        }
    }

    @Test("reclaim works per family: another family is fine, a second address of one family and the subnet address are refused")
    func reclaimPerFamily() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [8, 20]]))
            let owner = Self.owner("node-1")
            let v4 = try await backend.reserve(owner, zone: "dal10", family: .v4)
            let v6 = try await backend.reclaim(owner, address: try Self.address("fd00:100:0:0::50"))
            #expect(v6.cidr == "fd00:100::50/64")
            #expect(try await backend.allocations(for: owner) == [v4, v6])
            let second = await ipamError { _ = try await backend.reclaim(owner, address: try Self.address("fd00:100::51")) }
            #expect(second == .rejected("cluster-a/node-1 already holds fd00:100::50, not fd00:100::51; release it first"))
            let router = await ipamError { _ = try await backend.reclaim(Self.owner("node-2"), address: try Self.address("fd00:100::")) }
            #expect(router == .rejected(
                "fd00:100:: is the network, broadcast, subnet-router or gateway address of fd00:100::/64 and is never handed out"))
            #expect(try await backend.reserve(owner, zone: "dal10") == [v4, v6])
        }
    }

    @Test("the original controller's IPv4 rows are taken over unchanged in a dual-stack zone, which then adds IPv6")
    func takeoverInDualStackZone() async throws {
        try await EmulatorFixture.with(seed: Self.seed) { fixture async throws in
            let ip = try await PhpIPAMTakeoverTests.writeLegacyRow(fixture, node: "node-a")
            let before = try #require(await fixture.emulator.addresses(inSubnet: 7).first { $0.ip == ip })
            let backend = try await fixture.backend(fixture.configuration(subnetMap: ["dal10": [7, 20]]))
            let owner = Self.owner("node-a")
            #expect(try await backend.legacyAllocations().map(\.address) == [try Self.address(ip)])
            let adopted = try #require(try await backend.adoptLegacyAllocation(owner, address: try Self.address(ip)))
            let reserved = try await backend.reserve(owner, zone: "dal10")
            #expect(reserved.first == adopted.allocation)
            #expect(reserved.last?.cidr == "fd00:100::2/64")
            let after = try #require(await fixture.emulator.addresses(inSubnet: 7).first { $0.ip == ip })
            #expect(after.id == before.id)
            #expect(await fixture.emulator.addresses(inSubnet: 7).filter { $0.hostname == "node-a" }.count == 1)
        }
    }

    @Test("never handed out: IPv4 network, broadcast and gateway; the IPv6 subnet address and gateway; anything outside")
    func mustNotHandOut() throws {
        let v4 = PhpIPAMSubnet(id: 8, prefix: try IPPrefix(parsing: "192.168.101.0/28"), gateway: try Self.address("192.168.101.1"))
        for text in ["192.168.101.0", "192.168.101.15", "192.168.101.1", "192.168.102.2", "fd00:100::2"] {
            #expect(v4.mustNotHandOut(try Self.address(text)), "\(text)")
        }
        #expect(!v4.mustNotHandOut(try Self.address("192.168.101.2")))
        #expect(!v4.mustNotHandOut(try Self.address("192.168.101.14")))
        let v6 = PhpIPAMSubnet(id: 20, prefix: try IPPrefix(parsing: "fd00:100::/64"), gateway: try Self.address("fd00:100::1"))
        for text in ["fd00:100::", "fd00:100:0:0:0:0:0:0", "fd00:100::1", "fd00:101::2", "192.168.101.2"] {
            #expect(v6.mustNotHandOut(try Self.address(text)), "\(text)")
        }
        #expect(!v6.mustNotHandOut(try Self.address("fd00:100::2")))
        #expect(!v6.mustNotHandOut(try Self.address("fd00:100::ffff:ffff:ffff:ffff")))
    }
}
