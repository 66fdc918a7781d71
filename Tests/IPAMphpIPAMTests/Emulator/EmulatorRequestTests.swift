// Pins the emulator's envelope, value types, paths and request-body handling.
import HTTP
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM emulator: envelope, types, paths and bodies")
struct EmulatorRequestTests {
    @Test("GET /subnets/{id}/ answers the envelope with numbers as numbers and mask as a string")
    func subnetTypes() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let reply = try await fixture.authorized(.get, "/api/iksnone/subnets/7/")
            #expect(reply.status == 200)
            #expect(reply.headers["Content-Type"] == "application/json; charset=utf-8")
            #expect(reply.json?["code"] == .int(200))
            #expect(reply.json?["success"] == .bool(true))
            let data = try #require(reply.data)
            #expect(data["id"] == .int(7))
            #expect(data["subnet"] == .string("192.168.100.0"))
            #expect(data["mask"] == .string("24"))
            #expect(data["sectionId"] == .int(3))
            #expect(data["isFull"] == .int(0))
            #expect(data["gatewayId"] == .int(11))
            #expect(data["gateway"] == .object(["ip_addr": .string("192.168.100.1"), "id": .int(11)]))
            #expect(data["calculation"]?["Subnet netmask"] == .string("255.255.255.0"))
        }
    }

    @Test("api-stringify-results: 1 turns every number in data into a string")
    func stringify() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let reply = try await fixture.call(
                .get, "/api/iksnone/subnets/8/", headers: [("token", "iksnonestatictoken000000"), ("api-stringify-results", "1")])
            #expect(reply.data?["id"] == .string("8"))
            #expect(reply.data?["gatewayId"] == .string("13"))
            #expect(reply.json?["code"] == .int(200))
        }
    }

    @Test("a subnet without a gateway row has neither gateway nor gatewayId")
    func subnetWithoutGateway() async throws {
        var seed = PhpIPAMSeed.example
        seed.subnets.append(.init(id: 20, cidr: "10.20.0.0/29", gateway: nil))
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            let data = try #require(try await fixture.authorized(.get, "/api/iksnone/subnets/20/").data)
            #expect(data["gateway"] == nil)
            #expect(data["gatewayId"] == nil)
        }
    }

    @Test("the trailing slash is optional and app id and controller are case-insensitive")
    func pathForms() async throws {
        try await EmulatorFixture.with { fixture async throws in
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7").status == 200)
            let free = try await fixture.authorized(.get, "/api/IKSNONE/Subnets/7/first_free/")
            #expect(free.data == .string("192.168.100.2"))
            let query = try await fixture.authorized(.get, "/api/?app_id=iksnone&controller=subnets&id=7")
            #expect(query.data?["id"] == .int(7))
        }
    }

    @Test("form bodies and bodies without Content-Type are read by parse_str, which splits on & only")
    func formBodies() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let token = ("token", "iksnonestatictoken000000")
            let form = try await fixture.call(
                .post, "/api/iksnone/addresses/first_free/7/",
                headers: [token, ("Content-Type", "application/x-www-form-urlencoded")], body: "owner=cluster-a&hostname=n1")
            #expect(form.status == 201)
            let bare = try await fixture.call(.post, "/api/iksnone/addresses/first_free/7/", headers: [token], body: "owner=x\nhostname=y\n")
            #expect(bare.status == 201)
            let rows = await fixture.emulator.addresses(inSubnet: 7)
            let first = try #require(rows.first { $0.ip == "192.168.100.2" })
            #expect(first.owner == "cluster-a")
            #expect(first.hostname == "n1")
            let second = try #require(rows.first { $0.ip == "192.168.100.3" })
            #expect(second.owner == "x\nhostname=y\n")
            #expect(second.hostname == nil)
        }
    }

    @Test("text/plain gets 415, malformed JSON 400 Invalid JSON, an unknown key 400 Invalid request key")
    func bodyErrors() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let token = ("token", "iksnonestatictoken000000")
            let plain = try await fixture.call(.post, "/api/iksnone/addresses/first_free/7/", headers: [token, ("Content-Type", "text/plain")], body: "x")
            #expect(plain.status == 415)
            #expect(plain.message == "Invalid Content type text/plain")
            let broken = try await fixture.callJSON(.post, "/api/iksnone/addresses/first_free/7/", "{\"owner\":")
            #expect(broken.status == 400)
            #expect(broken.message == "Invalid JSON: Syntax error")
            let unknown = try await fixture.callJSON(.post, "/api/iksnone/addresses/first_free/7/", "{\"foo\":1}")
            #expect(unknown.status == 400)
            #expect(unknown.message == "Invalid request key foo")
            let charset = try await fixture.call(
                .post, "/api/iksnone/addresses/first_free/7/",
                headers: [token, ("Content-Type", "application/json; charset=utf-8")], body: "{\"owner\":\"c\"}")
            #expect(charset.status == 201)
        }
    }

    @Test("request counts are kept per route label")
    func requestCounts() async throws {
        try await EmulatorFixture.with { fixture async throws in
            _ = try await fixture.authorized(.get, "/api/iksnone/subnets/7/")
            _ = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/7/")
            _ = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/8/")
            let counts = await fixture.emulator.requestCounts
            #expect(counts["GET subnets/{id}"] == 1)
            #expect(counts["POST addresses/first_free/{id}"] == 2)
            #expect(await fixture.emulator.totalRequests == 3)
        }
    }
}

@Suite("phpIPAM emulator: what counts as HTTPS")
struct EmulatorHTTPSRuleTests {
    @Test("port 443 and TLS count as HTTPS for ssl_token apps; plain port 80 does not")
    func httpsRule() async {
        let emulator = PhpIPAMEmulator()
        let headers = [(name: "token", value: "iksnonestatictoken000000")]
        let plain = await emulator.answer(PhpIPAMRequest(method: "GET", target: "/api/iks/subnets/7/", headers: headers, serverPort: 80))
        #expect(plain.status == 503)
        let port443 = await emulator.answer(PhpIPAMRequest(method: "GET", target: "/api/iks/subnets/7/", headers: headers, serverPort: 443))
        #expect(port443.status == 200)
        let tls = await emulator.answer(PhpIPAMRequest(method: "GET", target: "/api/iks/subnets/7/", headers: headers, isTLS: true, serverPort: 8443))
        #expect(tls.status == 200)
    }
}
