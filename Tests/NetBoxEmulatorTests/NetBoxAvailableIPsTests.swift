// Pins available-ips as netbox-api.md §5–§9 records it: what is offered, single and list POSTs, 409, the global lock.
import HTTP
import NetBoxEmulator
import Testing

@Suite("NetBox emulator: available-ips")
struct NetBoxAvailableIPsTests {
    /// A scratch seed: one prefix `cidr` (id 1) plus the given addresses and ranges.
    private func scratch(
        _ cidr: String, isPool: Bool = false, markUtilized: Bool = false, addresses: [NetBoxSeed.Address] = [],
        ranges: [NetBoxSeed.IPRange] = []
    ) -> NetBoxSeed {
        var seed = NetBoxSeed.example
        seed.prefixes = [NetBoxSeed.Prefix(id: 1, prefix: cidr, isPool: isPool, markUtilized: markUtilized)]
        seed.addresses = addresses
        seed.ipRanges = ranges
        return seed
    }

    @Test("GET available-ips is a bare array of family, address with the prefix's mask and vrf, lowest first")
    func bareArray() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let reply = try await fixture.get("/api/ipam/prefixes/1/available-ips/?limit=3")
            #expect(reply.status == 200)
            #expect(
                reply.text
                    == #"[{"family":4,"address":"192.168.110.2/24","vrf":null},{"family":4,"address":"192.168.110.3/24","vrf":null},{"family":4,"address":"192.168.110.4/24","vrf":null}]"#
            )
        }
    }

    @Test("without a limit 50 are listed, limit=0 gives at most 1000, and a /24 gives its 252 free addresses")
    func limits() async throws {
        try await NetBoxFixture.with { fixture async throws in
            #expect(try await fixture.addresses("/api/ipam/prefixes/1/available-ips/").count == 50)
            let all = try await fixture.addresses("/api/ipam/prefixes/1/available-ips/?limit=1000")
            #expect(all.count == 252)
            #expect(all.first == "192.168.110.2/24" && all.last == "192.168.110.254/24")
            #expect(!all.contains("192.168.110.10/24"))
            let v6 = try await fixture.addresses("/api/ipam/prefixes/3/available-ips/?limit=0")
            #expect(v6.count == 1000)
            #expect(v6.first == "fd00:110::2/64" && v6.last == "fd00:110::3e9/64")
            #expect(try await fixture.addresses("/api/ipam/prefixes/1/available-ips/?limit=5000").count == 252)
            #expect(try await fixture.addresses("/api/ipam/prefixes/1/available-ips/?limit=abc").count == 50)
            let small = try await fixture.addresses("/api/ipam/prefixes/2/available-ips/?limit=0")
            #expect(small == (2...14).map { "192.168.111.\($0)/28" })
        }
    }

    @Test("an unknown prefix is a 404 with the recorded detail and a full prefix lists []")
    func unknownAndFull() async throws {
        try await NetBoxFixture.with { fixture async throws in
            for method in [HTTPMethod.get, .post] {
                let reply = try await fixture.call(method, "/api/ipam/prefixes/999999/available-ips/", json: method == .post ? "{}" : nil)
                #expect(reply.status == 404)
                #expect(reply.detail == "No Prefix matches the given query.")
            }
            let fill = "[" + Array(repeating: #"{"description":"fill"}"#, count: 13).joined(separator: ",") + "]"
            #expect(try await fixture.post("/api/ipam/prefixes/2/available-ips/", fill).status == 201)
            let empty = try await fixture.get("/api/ipam/prefixes/2/available-ips/")
            #expect(empty.status == 200 && empty.text == "[]")
        }
    }

    @Test("addresses of every status and any mask are skipped; network and broadcast only on a pool")
    func whatIsSkipped() async throws {
        let taken = [
            NetBoxSeed.Address(id: 1, address: "192.168.112.2/29", status: "deprecated"),
            NetBoxSeed.Address(id: 2, address: "192.168.112.3/29", status: "reserved"),
            NetBoxSeed.Address(id: 3, address: "192.168.112.4/29", status: "dhcp"),
            NetBoxSeed.Address(id: 4, address: "192.168.112.6/32"),
        ]
        try await NetBoxFixture.with(seed: scratch("192.168.112.0/29", addresses: taken)) { fixture async throws in
            #expect(try await fixture.addresses("/api/ipam/prefixes/1/available-ips/") == ["192.168.112.1/29", "192.168.112.5/29"])
        }
        try await NetBoxFixture.with(seed: scratch("192.168.112.0/29", isPool: true, addresses: taken)) { fixture async throws in
            #expect(
                try await fixture.addresses("/api/ipam/prefixes/1/available-ips/")
                    == ["192.168.112.0/29", "192.168.112.1/29", "192.168.112.5/29", "192.168.112.7/29"])
        }
    }

    @Test("a /31 and a /32 offer every address; IPv6 leaves out only the subnet-router anycast unless a pool")
    func smallPrefixesAndIPv6() async throws {
        try await NetBoxFixture.with(seed: scratch("192.168.114.0/31")) { fixture async throws in
            #expect(try await fixture.addresses("/api/ipam/prefixes/1/available-ips/") == ["192.168.114.0/31", "192.168.114.1/31"])
        }
        try await NetBoxFixture.with(seed: scratch("192.168.114.4/32")) { fixture async throws in
            #expect(try await fixture.addresses("/api/ipam/prefixes/1/available-ips/") == ["192.168.114.4/32"])
        }
        try await NetBoxFixture.with(seed: scratch("fd00:111::/126")) { fixture async throws in
            #expect(
                try await fixture.addresses("/api/ipam/prefixes/1/available-ips/")
                    == ["fd00:111::1/126", "fd00:111::2/126", "fd00:111::3/126"])
        }
        try await NetBoxFixture.with(seed: scratch("fd00:111::/126", isPool: true)) { fixture async throws in
            #expect(
                try await fixture.addresses("/api/ipam/prefixes/1/available-ips/")
                    == ["fd00:111::/126", "fd00:111::1/126", "fd00:111::2/126", "fd00:111::3/126"])
        }
    }

    @Test("a range marked populated is skipped, an unmarked reserved range is not, and mark_utilized changes nothing")
    func rangesAndMarkUtilized() async throws {
        let unmarked = NetBoxSeed.IPRange(id: 1, startAddress: "192.168.113.2/24", endAddress: "192.168.113.5/24", status: "reserved")
        try await NetBoxFixture.with(seed: scratch("192.168.113.0/24", ranges: [unmarked])) { fixture async throws in
            #expect(
                try await fixture.addresses("/api/ipam/prefixes/1/available-ips/?limit=4")
                    == ["192.168.113.1/24", "192.168.113.2/24", "192.168.113.3/24", "192.168.113.4/24"])
        }
        var populated = unmarked
        populated.markPopulated = true
        try await NetBoxFixture.with(seed: scratch("192.168.113.0/24", ranges: [populated])) { fixture async throws in
            #expect(
                try await fixture.addresses("/api/ipam/prefixes/1/available-ips/?limit=4")
                    == ["192.168.113.1/24", "192.168.113.6/24", "192.168.113.7/24", "192.168.113.8/24"])
            let range = try await fixture.get("/api/ipam/ip-ranges/1/")
            #expect(range.json?["mark_populated"]?.bool == true)
        }
        try await NetBoxFixture.with(seed: scratch("192.168.112.0/29", markUtilized: true)) { fixture async throws in
            #expect(try await fixture.addresses("/api/ipam/prefixes/1/available-ips/?limit=1") == ["192.168.112.1/29"])
            #expect(try await fixture.post("/api/ipam/prefixes/1/available-ips/", "{}").json?["address"]?.string == "192.168.112.1/29")
        }
    }

    @Test("a single-object POST answers 201 with one full IP-address object carrying what the body set")
    func singlePost() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let body = #"""
                {"description":"pod-a","dns_name":"pod-a.c1.iks.test","status":"active","tenant":1,"tags":[{"slug":"overlay"}],"custom_fields":{"owner_cluster":"c1"},"owner":1}
                """#
            let reply = try await fixture.post("/api/ipam/prefixes/1/available-ips/", body)
            #expect(reply.status == 201)
            let object = try #require(reply.json)
            #expect(object["id"]?.int == 5)
            #expect(object["address"]?.string == "192.168.110.2/24")
            #expect(object["url"]?.string == fixture.server.baseURL + "/api/ipam/ip-addresses/5/")
            #expect(object["display_url"]?.string == fixture.server.baseURL + "/ipam/ip-addresses/5/")
            #expect(object["family"] == .object(["value": .int(4), "label": .string("IPv4")]))
            #expect(object["status"] == .object(["value": .string("active"), "label": .string("Active")]))
            #expect(object["tenant"]?["slug"]?.string == "iks")
            #expect(object["owner"]?["name"]?.string == "iks-overlay")
            #expect(object["tags"]?[0]?["slug"]?.string == "overlay")
            #expect(object["custom_fields"] == .object(["owner_cluster": .string("c1")]))
            #expect(object["nat_outside"] == .array([]))
            #expect(reply.text.hasPrefix(#"{"id":5,"url":"#))
            let bare = try await fixture.post("/api/ipam/prefixes/1/available-ips/", "{}")
            #expect(bare.json?["address"]?.string == "192.168.110.3/24")
            #expect(bare.json?["tags"] == .array([]) && bare.json?["tenant"] == .null && bare.json?["dns_name"]?.string == "")
            #expect(bare.json?["custom_fields"] == .object(["owner_cluster": .null]))
        }
    }

    @Test("a list POST answers 201 with consecutive addresses in request order; [] creates nothing")
    func listPost() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let body = #"""
                [{"description":"pod-b","tags":[1],"custom_fields":{"owner_cluster":"c10"}},{"description":"pod-c","tags":[{"name":"overlay"}]},{"description":"pod-d","dns_name":"pod-d.c2.iks.test"}]
                """#
            let reply = try await fixture.post("/api/ipam/prefixes/1/available-ips/", body)
            #expect(reply.status == 201)
            let items = try #require(reply.json?.array)
            #expect(items.map { $0["address"]?.string } == ["192.168.110.2/24", "192.168.110.3/24", "192.168.110.4/24"])
            #expect(items.map { $0["description"]?.string } == ["pod-b", "pod-c", "pod-d"])
            let one = try await fixture.post("/api/ipam/prefixes/1/available-ips/", "[{}]")
            #expect(one.json?.array?.count == 1)
            let none = try await fixture.post("/api/ipam/prefixes/1/available-ips/", "[]")
            #expect(none.status == 201 && none.text == "[]")
            #expect(await fixture.emulator.addresses(inPrefix: 1).count == 6)
            let v6 = try await fixture.post("/api/ipam/prefixes/3/available-ips/", "[{},{}]")
            #expect(v6.json?.array?.map { $0["address"]?.string } == ["fd00:110::2/64", "fd00:110::3/64"])
        }
    }

    @Test("the body's address is ignored, prefix_length sets the mask, status may be set and dns_name is lower-cased")
    func bodyFields() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let path = "/api/ipam/prefixes/1/available-ips/"
            #expect(try await fixture.post(path, #"{"address":"192.168.110.200/24"}"#).json?["address"]?.string == "192.168.110.2/24")
            #expect(try await fixture.post(path, #"{"prefix_length":32}"#).json?["address"]?.string == "192.168.110.3/32")
            #expect(try await fixture.post(path, #"{"status":"reserved"}"#).json?["status"]?["value"]?.string == "reserved")
            #expect(try await fixture.post(path, #"{"dns_name":"Node9.C9.iks.test"}"#).json?["dns_name"]?.string == "node9.c9.iks.test")
            #expect(try await fixture.post(path, #"{"nosuchkey":1}"#).status == 201)
        }
    }

    @Test("NetBox 4.4 ignores prefix_length, drops unknown custom fields and has no owner field")
    func differencesOn44() async throws {
        var seed = NetBoxSeed.example
        seed.version = .v4_4
        try await NetBoxFixture.with(seed: seed) { fixture async throws in
            let path = "/api/ipam/prefixes/1/available-ips/"
            let sized = try await fixture.post(path, #"{"prefix_length":32}"#)
            #expect(sized.json?["address"]?.string == "192.168.110.2/24")
            #expect(sized.json?.keys.contains("owner") == false)
            let unknown = try await fixture.post(path, #"{"custom_fields":{"nosuchcf":"x"}}"#)
            #expect(unknown.status == 201)
            #expect(unknown.json?["custom_fields"] == .object(["owner_cluster": .null]))
        }
    }

    @Test("invalid bodies are 400 with the recorded messages and allocate nothing")
    func validationErrors() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let path = "/api/ipam/prefixes/1/available-ips/"
            let cases: [(String, String)] = [
                (#"{"status":"bogus"}"#, #"{"status":["bogus is not a valid choice."]}"#),
                (#"{"tags":[{"slug":"nosuchtag"}]}"#, #"{"tags":["Related object not found using the provided attributes: {'slug': 'nosuchtag'}"]}"#),
                (#"{"custom_fields":{"nosuchcf":"x"}}"#, #"{"custom_fields":{"nosuchcf":"Custom field 'nosuchcf' does not exist for this object type."}}"#),
                (#"{"description":"#, #"{"detail":"JSON parse error - Expecting value: line 1 column 16 (char 15)"}"#),
            ]
            for (body, answer) in cases {
                let reply = try await fixture.post(path, body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.text == answer, "\(body)")
            }
            let list = try await fixture.post(path, #"[{},{"status":"bogus"}]"#)
            #expect(list.status == 400)
            #expect(list.text == #"[{},{"status":["bogus is not a valid choice."]}]"#)
            #expect(await fixture.emulator.addresses(inPrefix: 1).count == 2)
        }
    }

    @Test("PUT and DELETE on available-ips are 405 with the Allow header")
    func methodNotAllowed() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let reply = try await fixture.call(.put, "/api/ipam/prefixes/1/available-ips/", json: "{}")
            #expect(reply.status == 405)
            #expect(reply.detail == "Method \"PUT\" not allowed.")
            #expect(reply.headers["Allow"] == "GET, POST, HEAD, OPTIONS")
            #expect(try await fixture.call(.delete, "/api/ipam/prefixes/1/available-ips/").detail == "Method \"DELETE\" not allowed.")
        }
    }

    @Test("a list that does not fit gets 409 and allocates nothing; the exact count then fits, and after it even {} is 409")
    func exhaustion() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let path = "/api/ipam/prefixes/2/available-ips/"
            let fourteen = "[" + Array(repeating: #"{"description":"fill"}"#, count: 14).joined(separator: ",") + "]"
            let refused = try await fixture.post(path, fourteen)
            #expect(refused.status == 409)
            #expect(refused.text == #"{"detail":"Insufficient resources are available to satisfy the request"}"#)
            #expect(try await fixture.addresses(path + "?limit=0").count == 13)
            let thirteen = "[" + Array(repeating: #"{"description":"fill"}"#, count: 13).joined(separator: ",") + "]"
            let filled = try await fixture.post(path, thirteen)
            #expect(filled.status == 201)
            #expect(filled.json?.array?.last?["address"]?.string == "192.168.111.14/28")
            for body in ["{}", "[{}]", #"{"status":"bogus"}"#] {
                let reply = try await fixture.post(path, body)
                #expect(reply.status == 409, "\(body)")
                #expect(reply.detail == "Insufficient resources are available to satisfy the request")
            }
        }
    }

    @Test("a freed address is handed out again by the next allocation")
    func freedAddressIsReused() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let path = "/api/ipam/prefixes/1/available-ips/"
            let first = try await fixture.post(path, "{}")
            _ = try await fixture.post(path, "{}")
            #expect(try await fixture.call(.delete, "/api/ipam/ip-addresses/\(first.json?["id"]?.int ?? 0)/").status == 204)
            #expect(try await fixture.post(path, "{}").json?["address"]?.string == "192.168.110.2/24")
        }
    }

    @Test("20 parallel allocations get 20 distinct addresses; on a prefix with 13 free, 13 succeed and 7 get 409")
    func parallelAllocations() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let wide = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<20 { group.addTask { try await fixture.post("/api/ipam/prefixes/1/available-ips/", "{}") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(wide.allSatisfy { $0.status == 201 })
            #expect(Set(wide.compactMap { $0.json?["address"]?.string }).count == 20)
            let narrow = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<20 { group.addTask { try await fixture.post("/api/ipam/prefixes/2/available-ips/", "{}") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(narrow.filter { $0.status == 201 }.count == 13)
            #expect(narrow.filter { $0.status == 409 }.count == 7)
            #expect(Set(narrow.compactMap { $0.json?["address"]?.string }).count == 13)
        }
    }

    @Test(
        "one lock serialises allocations across prefixes: an allocation on another prefix waits for the one in progress",
        .timeLimit(.minutes(1)))
    func globalAllocationLock() async throws {
        try await NetBoxFixture.with { fixture async throws in
            await fixture.emulator.pauseAllocations()
            async let first = fixture.post("/api/ipam/prefixes/1/available-ips/", "{}")
            await fixture.emulator.waitForAllocations(holding: 1, waiting: 0)
            async let second = fixture.post("/api/ipam/prefixes/3/available-ips/", "{}")
            await fixture.emulator.waitForAllocations(holding: 1, waiting: 1)
            #expect(await fixture.emulator.addresses(inPrefix: 3).count == 1)
            await fixture.emulator.resumeAllocations()
            let (a, b) = try await (first, second)
            #expect(a.status == 201 && b.status == 201)
            #expect(await fixture.emulator.addresses(inPrefix: 3).count == 2)
        }
    }
}
