// Pins the emulator's IPv6 subnets to phpipam-api.md §5: the subnet address from first_free, compressed text, usage.
import HTTP
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM emulator: IPv6 subnets")
struct EmulatorIPv6Tests {
    /// Replays the recorded session: create fd00:100::/64 (subnet 9), POST first_free, add the gateway ::1.
    private func createSubnetWithGateway(_ fixture: EmulatorFixture) async throws {
        let created = try await fixture.callJSON(.post, "/api/iksnone/subnets/", #"{"subnet":"fd00:100::","mask":"64","sectionId":"3"}"#)
        #expect(created.status == 201)
        #expect(created.json?["id"] == .string("9"))
        #expect(created.data == .string("fd00:100::/64"))
        let first = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/9/")
        #expect(first.data == .string("fd00:100::"))
        let gateway = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":9,"ip":"fd00:100::1","is_gateway":1}"#)
        #expect(gateway.status == 201)
    }

    @Test("first_free on an empty IPv6 subnet offers the subnet address itself, and POST reserves it")
    func firstFreeOffersSubnetAddress() async throws {
        try await EmulatorFixture.with { fixture async throws in
            #expect(try await fixture.callJSON(.post, "/api/iksnone/subnets/", #"{"subnet":"fd00:100::","mask":"64","sectionId":"3"}"#).status == 201)
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/9/first_free/").data == .string("fd00:100::"))
            #expect(try await fixture.authorized(.get, "/api/iksnone/addresses/first_free/9/").data == .string("fd00:100::"))
            let post = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/9/")
            #expect(post.status == 201)
            #expect(post.data == .string("fd00:100::"))
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/9/first_free/").data == .string("fd00:100::1"))
        }
    }

    @Test("with a gateway row at ::1 the next POSTs give ::2 and ::3, and the subnet shows the gateway object")
    func gatewayAndFollowingAddresses() async throws {
        try await EmulatorFixture.with { fixture async throws in
            try await createSubnetWithGateway(fixture)
            let second = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/9/")
            let third = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/9/")
            #expect([second.data, third.data] == [.string("fd00:100::2"), .string("fd00:100::3")])
            let subnet = try #require(try await fixture.authorized(.get, "/api/iksnone/subnets/9/").data)
            #expect(subnet["subnet"] == .string("fd00:100::"))
            #expect(subnet["mask"] == .string("64"))
            #expect(subnet["gatewayId"] == .int(16))
            #expect(subnet["gateway"] == .object(["ip_addr": .string("fd00:100::1"), "id": .int(16)]))
            // Only the type is recorded for IPv6 (phpipam-api.md shows an IPv4 calculation).
            #expect(subnet["calculation"] == .object(["Type": .string("IPv6")]))
        }
    }

    @Test("usage of a /64 counts hosts in decimal strings larger than 64-bit integers")
    func usageBeyondInt64() async throws {
        try await EmulatorFixture.with { fixture async throws in
            try await createSubnetWithGateway(fixture)
            _ = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/9/")
            _ = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/9/")
            let usage = try #require(try await fixture.authorized(.get, "/api/iksnone/subnets/9/usage/").data)
            #expect(usage["maxhosts"] == .string("18446744073709551616"))
            #expect(usage["freehosts"] == .string("18446744073709551612"))
            #expect(usage["used"] == .string("4"))
        }
    }

    @Test("addresses come back in compressed text form in objects, searches and subnet listings")
    func compressedText() async throws {
        try await EmulatorFixture.with { fixture async throws in
            try await createSubnetWithGateway(fixture)
            let created = try await fixture.callJSON(.post, "/api/iksnone/addresses/first_free/9/", #"{"hostname":"node-6.iks.test"}"#)
            let id = try #require(created.json?["id"]?.string)
            #expect(try await fixture.authorized(.get, "/api/iksnone/addresses/\(id)/").data?["ip"] == .string("fd00:100::2"))
            let byHostname = try await fixture.authorized(.get, "/api/iksnone/addresses/search_hostname/node-6.iks.test/")
            #expect(byHostname.data?[0]?["ip"] == .string("fd00:100::2"))
            let listed = try await fixture.authorized(.get, "/api/iksnone/subnets/9/addresses/")
            #expect(listed.data?.array?.compactMap { $0["ip"]?.string } == ["fd00:100::", "fd00:100::1", "fd00:100::2"])
        }
    }

    @Test("search by IPv6 address matches any spelling of it and answers 404 or 400 like for IPv4")
    func searchByIPv6() async throws {
        try await EmulatorFixture.with { fixture async throws in
            try await createSubnetWithGateway(fixture)
            let found = try await fixture.authorized(.get, "/api/iksnone/addresses/search/FD00:0100:0:0:0:0:0:1/")
            #expect(found.status == 200)
            #expect(found.data?[0]?["ip"] == .string("fd00:100::1"))
            #expect(found.data?[0]?["is_gateway"] == .int(1))
            let inSubnet = try await fixture.authorized(.get, "/api/iksnone/subnets/9/addresses/fd00:100:0::1/")
            #expect(inSubnet.data?.array?.count == 1)
            let missing = try await fixture.authorized(.get, "/api/iksnone/addresses/search/fd00:100::99/")
            #expect(missing.status == 404)
            #expect(missing.message == "Address not found")
            let invalid = try await fixture.authorized(.get, "/api/iksnone/addresses/search/fd00:::1/")
            #expect(invalid.status == 400)
            #expect(invalid.message == "Invalid address")
        }
    }

    @Test("creating an IPv6 address by IP answers 201, 409 when taken and 500 outside the subnet")
    func createWithIP() async throws {
        try await EmulatorFixture.with { fixture async throws in
            try await createSubnetWithGateway(fixture)
            let created = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":9,"ip":"fd00:100::50"}"#)
            #expect(created.status == 201)
            #expect(created.data == nil)
            let taken = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":9,"ip":"fd00:100:0:0::50"}"#)
            #expect(taken.status == 409)
            #expect(taken.message == "IP address already exists")
            let gateway = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":9,"ip":"fd00:100::1"}"#)
            #expect(gateway.status == 409)
            let outside = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":9,"ip":"fd00:200::5"}"#)
            #expect(outside.status == 500)
            #expect(outside.message == "fd00:200::5 is not a valid address for subnet fd00:100::/64")
            let otherFamily = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":9,"ip":"192.168.100.5"}"#)
            #expect(otherFamily.status == 500)
        }
    }

    @Test("an IPv6 address is deleted by IP and subnet")
    func deleteByIP() async throws {
        try await EmulatorFixture.with { fixture async throws in
            try await createSubnetWithGateway(fixture)
            #expect(try await fixture.authorized(.delete, "/api/iksnone/addresses/fd00:100::/9/").message == "Address deleted")
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/9/first_free/").data == .string("fd00:100::"))
        }
    }

    @Test("a seed may hold IPv6 subnets with their gateway and reserved rows")
    func seededIPv6Subnet() async throws {
        var seed = PhpIPAMSeed.example
        seed.subnets.append(.init(id: 20, cidr: "fd00:100::/64", gateway: "fd00:100::1", reserved: ["fd00:100::2"]))
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            let rows = await fixture.emulator.addresses(inSubnet: 20)
            #expect(rows.map(\.ip) == ["fd00:100::1", "fd00:100::2"])
            #expect(rows.map(\.tag) == [2, 3])
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/20/first_free/").data == .string("fd00:100::"))
        }
    }
}
