// Pins prefix reads and filters (§4), pagination (§13) and the field shapes of list answers.
import NetBoxEmulator
import Testing

@Suite("NetBox emulator: prefixes and pagination")
struct NetBoxListTests {
    @Test("a prefix is a bare object with scope, nested tenant, owner and tags, and every custom field")
    func onePrefix() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let reply = try await fixture.get("/api/ipam/prefixes/1/")
            #expect(reply.status == 200)
            let prefix = try #require(reply.json)
            #expect(prefix["prefix"]?.string == "192.168.110.0/24")
            #expect(prefix["display"]?.string == "192.168.110.0/24")
            #expect(prefix["scope_type"]?.string == "dcim.site")
            #expect(prefix["scope_id"]?.int == 1)
            #expect(prefix["scope"]?["slug"]?.string == "dal10")
            #expect(prefix["site"] == nil)
            #expect(prefix["tenant"]?["slug"]?.string == "iks")
            #expect(prefix["owner"]?["name"]?.string == "iks-overlay")
            #expect(prefix["tags"]?[0]?["color"]?.string == "2196f3")
            #expect(prefix["custom_fields"] == .object(["owner_cluster": .null]))
            #expect(prefix["is_pool"]?.bool == false && prefix["mark_utilized"]?.bool == false)
            #expect(prefix["_depth"]?.int == 0)
            let missing = try await fixture.get("/api/ipam/prefixes/999/")
            #expect(missing.status == 404 && missing.detail == "No Prefix matches the given query.")
        }
    }

    @Test("prefix filters select as recorded and an unknown filter name is ignored")
    func prefixFilters() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let cases: [(String, [String])] = [
                ("", ["192.168.110.0/24", "192.168.111.0/28", "fd00:110::/64"]),
                ("?prefix=192.168.110.0/24", ["192.168.110.0/24"]),
                ("?prefix=192.168.110.0%2F24", ["192.168.110.0/24"]),
                ("?q=192.168.110", ["192.168.110.0/24"]),
                ("?site=dal10", ["192.168.110.0/24", "fd00:110::/64"]),
                ("?site_id=2", ["192.168.111.0/28"]),
                ("?tag=overlay", ["192.168.110.0/24", "192.168.111.0/28", "fd00:110::/64"]),
                ("?tenant=iks&owner_id=1&status=active", ["192.168.110.0/24", "192.168.111.0/28", "fd00:110::/64"]),
                ("?family=6", ["fd00:110::/64"]),
                ("?contains=192.168.111.5", ["192.168.111.0/28"]),
                ("?within_include=192.168.0.0/16", ["192.168.110.0/24", "192.168.111.0/28"]),
                ("?mask_length=28", ["192.168.111.0/28"]),
                ("?prefix=not-a-prefix", []),
                ("?nosuchfilter=1", ["192.168.110.0/24", "192.168.111.0/28", "fd00:110::/64"]),
            ]
            for (query, expected) in cases {
                let reply = try await fixture.get("/api/ipam/prefixes/" + query)
                #expect(reply.status == 200, "\(query)")
                #expect(reply.json?["results"]?.array?.compactMap { $0["prefix"]?.string } == expected, "\(query)")
                #expect(reply.json?["count"]?.int == expected.count, "\(query)")
            }
        }
    }

    @Test("an unknown site or tag slug and a bad status are a 400 naming the filter")
    func invalidFilterValues() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let cases: [(String, String)] = [
                ("/api/ipam/prefixes/?site=nosuchsite", #"{"site":["Select a valid choice. nosuchsite is not one of the available choices."]}"#),
                ("/api/ipam/prefixes/?tag=nosuchtag", #"{"tag":["Select a valid choice. nosuchtag is not one of the available choices."]}"#),
                ("/api/ipam/ip-addresses/?status=bogus", #"{"status":["Select a valid choice. bogus is not one of the available choices."]}"#),
                (
                    "/api/ipam/ip-addresses/?present_in_vrf_id=0",
                    #"{"present_in_vrf_id":["Select a valid choice. That choice is not one of the available choices."]}"#
                ),
            ]
            for (path, body) in cases {
                let reply = try await fixture.get(path)
                #expect(reply.status == 400, "\(path)")
                #expect(reply.text == body, "\(path)")
            }
        }
    }

    /// A fixture whose prefix 1 holds 67 addresses (.1, .10 and 65 allocated), as in the recorded pagination probe.
    private func withSixtySevenAddresses(_ body: (NetBoxFixture) async throws -> Void) async throws {
        var seed = NetBoxSeed.example
        seed.addresses = Array(seed.addresses.prefix(2))
        try await NetBoxFixture.with(seed: seed) { fixture async throws in
            let many = "[" + Array(repeating: "{}", count: 65).joined(separator: ",") + "]"
            #expect(try await fixture.post("/api/ipam/prefixes/1/available-ips/", many).status == 201)
            try await body(fixture)
        }
    }

    @Test("lists are count/next/previous/results with absolute links whose query is sorted by name")
    func paginationLinks() async throws {
        try await withSixtySevenAddresses { fixture async throws in
            let base = fixture.server.baseURL + "/api/ipam/ip-addresses/"
            let first = try #require(try await fixture.get("/api/ipam/ip-addresses/?limit=2").json)
            #expect(first["count"]?.int == 67)
            #expect(first["next"]?.string == base + "?limit=2&offset=2")
            #expect(first["previous"] == .null)
            #expect(first["results"]?.array?.count == 2)
            let second = try #require(try await fixture.get("/api/ipam/ip-addresses/?limit=2&offset=2").json)
            #expect(second["next"]?.string == base + "?limit=2&offset=4")
            #expect(second["previous"]?.string == base + "?limit=2")
            let third = try #require(try await fixture.get("/api/ipam/ip-addresses/?offset=4&limit=2&tag=overlay&status=active").json)
            #expect(third["previous"]?.string == base + "?limit=2&offset=2&status=active&tag=overlay")
            let plain = try #require(try await fixture.get("/api/ipam/ip-addresses/").json)
            #expect(plain["results"]?.array?.count == 50)
            #expect(plain["next"]?.string == base + "?limit=50&offset=50")
        }
    }

    @Test("limit=0 and limit=5000 list everything with next null, limit=abc means 50, an offset past the end is empty")
    func paginationLimits() async throws {
        try await withSixtySevenAddresses { fixture async throws in
            for query in ["?limit=0", "?limit=5000"] {
                let page = try #require(try await fixture.get("/api/ipam/ip-addresses/" + query).json)
                #expect(page["results"]?.array?.count == 67, "\(query)")
                #expect(page["next"] == .null, "\(query)")
            }
            #expect(try await fixture.get("/api/ipam/ip-addresses/?limit=abc").json?["results"]?.array?.count == 50)
            let beyond = try #require(try await fixture.get("/api/ipam/ip-addresses/?offset=100000").json)
            #expect(beyond["results"] == .array([]))
            #expect(beyond["next"] == .null)
            #expect(beyond["previous"]?.string == fixture.server.baseURL + "/api/ipam/ip-addresses/?limit=50&offset=99950")
        }
    }

    @Test("brief=true keeps id, url, display, family, address, description; fields= keeps exactly those named")
    func briefAndFields() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let brief = try await fixture.get("/api/ipam/ip-addresses/?brief=true&limit=1").json?["results"]?[0]
            #expect(brief?.keys == ["id", "url", "display", "family", "address", "description"])
            let fields = try await fixture.get("/api/ipam/ip-addresses/?fields=id,address&limit=1").json?["results"]?[0]
            #expect(fields == .object(["id": .int(1), "address": .string("192.168.110.1/24")]))
        }
    }

    @Test("an admin creates a scratch prefix and a populated range through the API, and available-ips honours both")
    func createPrefixAndRange() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let admin = NetBoxFixture.adminToken
            let prefix = try await fixture.post("/api/ipam/prefixes/", #"{"prefix":"192.168.113.0/24","scope_type":"dcim.site","scope_id":1}"#, authorization: admin)
            #expect(prefix.status == 201)
            let id = try #require(prefix.json?["id"]?.int)
            #expect(id == 4)
            let range = try await fixture.post(
                "/api/ipam/ip-ranges/", #"{"start_address":"192.168.113.2/24","end_address":"192.168.113.5/24","status":"reserved","mark_populated":true}"#,
                authorization: admin)
            #expect(range.status == 201)
            #expect(range.json?["size"]?.int == 4)
            #expect(
                try await fixture.addresses("/api/ipam/prefixes/\(id)/available-ips/?limit=2") == ["192.168.113.1/24", "192.168.113.6/24"])
            let duplicate = try await fixture.post("/api/ipam/prefixes/", #"{"prefix":"192.168.113.0/24"}"#, authorization: admin)
            #expect(duplicate.text == #"{"prefix":["Duplicate prefix found in global table: 192.168.113.0/24"]}"#)
        }
    }

    @Test("deleting a site deletes the prefixes scoped to it and leaves the addresses alone")
    func siteDeleteCascades() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let deleted = try await fixture.call(.delete, "/api/dcim/sites/2/", authorization: NetBoxFixture.adminToken)
            #expect(deleted.status == 204)
            let prefix = try await fixture.get("/api/ipam/prefixes/2/")
            #expect(prefix.status == 404 && prefix.detail == "No Prefix matches the given query.")
            #expect(await fixture.emulator.address(id: 3)?.address == "192.168.111.1/28")
        }
    }

    @Test("an unknown object is a 404 before its body is read, and a path without its slash is redirected")
    func lookupBeforeBody() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let broken = #"{"description":"#
            #expect(try await fixture.post("/api/ipam/prefixes/999/available-ips/", broken).status == 404)
            #expect(try await fixture.call(.patch, "/api/ipam/ip-addresses/999/", json: broken).status == 404)
            #expect(try await fixture.call(.patch, "/api/ipam/ip-addresses/1/", json: broken).status == 400)
            let redirect = try await fixture.get("/api/ipam/prefixes?limit=1")
            #expect(redirect.status == 301)
            #expect(redirect.headers["Location"] == "/api/ipam/prefixes/?limit=1")
        }
    }
}
