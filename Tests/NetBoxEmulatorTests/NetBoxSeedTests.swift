// Pins the seed (JSON form with defaults, VRFs, roles) and the remaining write checks of nested references.
import Foundation
import HTTP
import NetBoxEmulator
import Testing

@Suite("NetBox emulator: seeds, VRFs, roles and references")
struct NetBoxSeedTests {
    @Test("a JSON seed needs only its prefixes; everything else takes the documented defaults")
    func minimalJSONSeed() async throws {
        let json = #"""
            {"version":"4.4","prefixes":[{"id":7,"prefix":"10.20.0.0/29"}],
             "users":[{"username":"ops","permissions":["ipam.view_prefix","ipam.add_ipaddress","ipam.view_ipaddress"]}],
             "tokens":[{"secret":"1234567890123456789012345678901234567890","username":"ops"}]}
            """#
        let seed = try JSONDecoder().decode(NetBoxSeed.self, from: Data(json.utf8))
        #expect(seed.version == .v4_4)
        #expect(seed.prefixes == [NetBoxSeed.Prefix(id: 7, prefix: "10.20.0.0/29")])
        #expect(seed.tokens.first?.writeEnabled == true && seed.tokens.first?.version == .v1)
        try await NetBoxFixture.with(seed: seed) { fixture async throws in
            let token = "Token 1234567890123456789012345678901234567890"
            let reply = try await fixture.post("/api/ipam/prefixes/7/available-ips/", "{}", authorization: token)
            #expect(reply.status == 201)
            #expect(reply.json?["address"]?.string == "10.20.0.1/29")
            #expect(reply.headers["API-Version"] == "4.4")
            #expect(try await fixture.get("/api/ipam/prefixes/7/", authorization: token).json?["owner"] == nil)
        }
    }

    @Test("a prefix in a VRF offers addresses taken only in the global table, and allocations land in its VRF")
    func vrfPrefix() async throws {
        var seed = NetBoxSeed.example
        seed.vrfs = [NetBoxSeed.VRF(id: 1, name: "overlay", rd: "65000:1")]
        seed.prefixes = [NetBoxSeed.Prefix(id: 1, prefix: "192.168.110.0/24", vrfID: 1)]
        seed.addresses = [
            NetBoxSeed.Address(id: 1, address: "192.168.110.1/24", vrfID: 1, description: "gateway"),
            NetBoxSeed.Address(id: 2, address: "192.168.110.2/24"),
        ]
        try await NetBoxFixture.with(seed: seed) { fixture async throws in
            let offered = try #require(try await fixture.get("/api/ipam/prefixes/1/available-ips/?limit=1").json?[0])
            #expect(offered["address"]?.string == "192.168.110.2/24")
            #expect(offered["vrf"]?["name"]?.string == "overlay")
            let created = try await fixture.post("/api/ipam/prefixes/1/available-ips/", "{}")
            #expect(created.json?["vrf"]?["id"]?.int == 1)
            let duplicate = try await fixture.post("/api/ipam/ip-addresses/", #"{"address":"192.168.110.1/24","vrf":1}"#)
            #expect(duplicate.text == #"{"address":["Duplicate IP address found in VRF overlay: 192.168.110.1/24"]}"#)
            #expect(try await fixture.count("/api/ipam/ip-addresses/?vrf_id=1") == 2)
            #expect(try await fixture.count("/api/ipam/ip-addresses/?vrf_id=null") == 1)
        }
    }

    @Test("first-hop roles are choice objects, filterable, and may share an address with another first-hop address")
    func firstHopRoles() async throws {
        var seed = NetBoxSeed.example
        seed.addresses.append(NetBoxSeed.Address(id: 9, address: "192.168.110.254/24", role: "vrrp"))
        try await NetBoxFixture.with(seed: seed) { fixture async throws in
            let found = try await fixture.get("/api/ipam/ip-addresses/?parent=192.168.110.0/24&role=vrrp")
            #expect(found.json?["count"]?.int == 1)
            #expect(found.json?["results"]?[0]?["role"] == .object(["value": .string("vrrp"), "label": .string("VRRP")]))
            let shared = try await fixture.post("/api/ipam/ip-addresses/", #"{"address":"192.168.110.254/24","role":"hsrp"}"#)
            #expect(shared.status == 201)
            let plain = try await fixture.post("/api/ipam/ip-addresses/", #"{"address":"192.168.110.254/24"}"#)
            #expect(plain.text == #"{"address":["Duplicate IP address found in global table: 192.168.110.254/24"]}"#)
            #expect(try await fixture.post("/api/ipam/ip-addresses/", #"{"address":"192.168.110.9/24","role":"router"}"#).text
                == #"{"role":["router is not a valid choice."]}"#)
        }
    }

    @Test("references by unknown id, by a dictionary and by a bad type fail with NetBox's messages; dns_name is validated")
    func referenceErrors() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let path = "/api/ipam/prefixes/1/available-ips/"
            let cases: [(String, String)] = [
                (#"{"tags":[99]}"#, #"{"tags":["Related object not found using the provided numeric ID: 99"]}"#),
                (#"{"tenant":99}"#, #"{"tenant":["Related object not found using the provided numeric ID: 99"]}"#),
                (#"{"tenant":{"slug":"nope"}}"#, #"{"tenant":["Related object not found using the provided attributes: {'slug': 'nope'}"]}"#),
                (
                    #"{"owner":"iks-overlay"}"#,
                    #"{"owner":["Related objects must be referenced by numeric ID or by dictionary of attributes. Received an unrecognized value: 'iks-overlay'"]}"#
                ),
                (
                    #"{"dns_name":"bad name!"}"#,
                    #"{"dns_name":["Only alphanumeric characters, asterisks, hyphens, periods, and underscores are allowed in DNS names"]}"#
                ),
                (#"{"status":"bogus","tenant":99}"#, #"{"tenant":["Related object not found using the provided numeric ID: 99"],"status":["bogus is not a valid choice."]}"#),
            ]
            for (body, answer) in cases {
                let reply = try await fixture.post(path, body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.text == answer, "\(body)")
            }
            let byName = try await fixture.post(path, #"{"tenant":{"name":"iks"},"owner":{"name":"iks-overlay"}}"#)
            #expect(byName.status == 201)
            #expect(await fixture.emulator.addresses(inPrefix: 1).count == 3)
        }
    }

    @Test("HEAD answers the headers of GET without a body")
    func head() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let reply = try await fixture.call(.head, "/api/ipam/prefixes/1/")
            #expect(reply.status == 200)
            #expect(reply.body.isEmpty)
            #expect(reply.headers["API-Version"] == "4.6")
        }
    }
}
