// Pins the emulator's documented address and subnet behaviour: first_free, create, lookups, update, delete.
import HTTP
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM emulator: addresses and subnets")
struct EmulatorAddressTests {
    @Test("POST first_free answers 201 with a string id, the address as data and a Location header")
    func firstFreeCreate() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let reply = try await fixture.callJSON(.post, "/api/iksnone/addresses/first_free/7/", #"{"hostname":"node-a1","owner":"c1"}"#)
            #expect(reply.status == 201)
            #expect(reply.message == "Address created")
            #expect(reply.json?["id"] == .string("15"))
            #expect(reply.data == .string("192.168.100.2"))
            #expect(reply.headers["Location"] == "/api/iksnone/addresses/15/")
            let row = try #require(try await fixture.authorized(.get, "/api/iksnone/addresses/15/").data)
            #expect(row["id"] == .int(15))
            #expect(row["subnetId"] == .int(7))
            #expect(row["ip"] == .string("192.168.100.2"))
            #expect(row["description"] == .string("API created"))
            #expect(row["tag"] == .int(2))
            #expect(row["is_gateway"] == .int(0))
            #expect(row["custom_cluster"] == .null)
        }
    }

    @Test("first_free goes up in order, skipping gateway and reserved rows and never offering the broadcast")
    func firstFreeOrder() async throws {
        try await EmulatorFixture.with { fixture async throws in
            var handed: [String] = []
            while true {
                let reply = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/8/")
                guard reply.status == 201, let ip = reply.data?.string else {
                    #expect(reply.status == 404)
                    #expect(reply.message == "No free addresses found")
                    break
                }
                handed.append(ip)
            }
            #expect(handed == [2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14].map { "192.168.101.\($0)" })
            let get = try await fixture.authorized(.get, "/api/iksnone/subnets/8/first_free/")
            #expect(get.status == 404)
            #expect(get.message == "No free addresses found")
        }
    }

    @Test("GET first_free reserves nothing")
    func getFirstFreeIsReadOnly() async throws {
        try await EmulatorFixture.with { fixture async throws in
            #expect(try await fixture.authorized(.get, "/api/iksnone/addresses/first_free/7/").data == .string("192.168.100.2"))
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/first_free/").data == .string("192.168.100.2"))
        }
    }

    @Test("a subnet flagged isFull refuses POST first_free with its own message until cleared")
    func isFullFlag() async throws {
        try await EmulatorFixture.with { fixture async throws in
            #expect(try await fixture.callJSON(.patch, "/api/iksnone/subnets/7/", #"{"isFull":1}"#).message == "Subnet updated")
            let post = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/7/")
            #expect(post.status == 404)
            #expect(post.message == "No free addresses found (subnet is full)")
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/first_free/").message == "No free addresses found")
            _ = try await fixture.callJSON(.patch, "/api/iksnone/subnets/7/", #"{"isFull":0}"#)
            #expect(try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/7/").status == 201)
        }
    }

    @Test("unknown subnet ids: 400 on the subnet, 404 on its sub-paths, 400 on POST first_free, 404 Invalid Id for text")
    func subnetIdQuirks() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let subnet = try await fixture.authorized(.get, "/api/iksnone/subnets/9999/")
            #expect(subnet.status == 400)
            #expect(subnet.message == "Invalid subnet Id (9999)")
            let free = try await fixture.authorized(.get, "/api/iksnone/subnets/9999/first_free/")
            #expect(free.status == 404)
            #expect(free.message == "Invalid subnet Id (9999)")
            let rows = try await fixture.authorized(.get, "/api/iksnone/subnets/9999/addresses/")
            #expect(rows.status == 404)
            let text = try await fixture.authorized(.get, "/api/iksnone/subnets/abc/")
            #expect(text.status == 404)
            #expect(text.message == "Invalid Id")
            let post = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/9999/")
            #expect(post.status == 400)
            #expect(post.message == "Invalid subnet identifier")
            let getFree = try await fixture.authorized(.get, "/api/iksnone/addresses/first_free/9999/")
            #expect(getFree.status == 404)
            #expect(getFree.message == "No free addresses found")
        }
    }

    @Test("POST /addresses/ creates the given IP, 409 when taken (gateway too), 500 when outside the subnet")
    func createGivenAddress() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let created = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":7,"ip":"192.168.100.50"}"#)
            #expect(created.status == 201)
            #expect(created.json?["id"] == .string("15"))
            #expect(created.data == nil)
            let again = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":7,"ip_addr":"192.168.100.50"}"#)
            #expect(again.status == 409)
            #expect(again.message == "IP address already exists")
            let gateway = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":7,"ip":"192.168.100.1"}"#)
            #expect(gateway.status == 409)
            let outside = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":7,"ip":"192.168.200.5"}"#)
            #expect(outside.status == 500)
            #expect(outside.message == "192.168.200.5 is not a valid address for subnet 192.168.100.0/24")
            #expect(outside.text.contains(#"192.168.100.0\/24"#))
            let broadcast = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":7,"ip":"192.168.100.255"}"#)
            #expect(broadcast.status == 500)
            let noSubnet = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":99,"ip":"192.168.100.5"}"#)
            #expect(noSubnet.status == 404)
            #expect(noSubnet.message == "Invalid subnet Id")
            let missing = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"ip":"192.168.100.5"}"#)
            #expect(missing.status == 400)
            #expect(missing.message == "SubnetId must be numeric")
            let long = String(repeating: "d", count: 65)
            let tooLong = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":7,"ip":"192.168.100.6","description":"\#(long)"}"#)
            #expect(tooLong.status == 500)
            #expect(tooLong.message?.hasPrefix("Error: SQLSTATE[22001]") == true)
            let badTag = try await fixture.callJSON(.post, "/api/iksnone/addresses/", #"{"subnetId":7,"ip":"192.168.100.6","tag":9}"#)
            #expect(badTag.status == 400)
            #expect(badTag.message == "Tag does not exist")
        }
    }

    @Test("lookups: by id, search by IP, search_hostname case-insensitive, and their 404/400 messages")
    func lookups() async throws {
        try await EmulatorFixture.with { fixture async throws in
            _ = try await fixture.callJSON(.post, "/api/iksnone/addresses/first_free/7/", #"{"hostname":"Case.IKS.test"}"#)
            _ = try await fixture.callJSON(.post, "/api/iksnone/addresses/first_free/8/", #"{"hostname":"Case.IKS.test"}"#)
            #expect(try await fixture.authorized(.get, "/api/iksnone/addresses/9999/").message == "Invalid Id")
            let search = try await fixture.authorized(.get, "/api/iksnone/addresses/search/192.168.100.2/")
            #expect(search.data?.array?.count == 1)
            #expect(try await fixture.authorized(.get, "/api/iksnone/addresses/search/192.168.100.99/").message == "Address not found")
            let invalid = try await fixture.authorized(.get, "/api/iksnone/addresses/search/not-an-ip/")
            #expect(invalid.status == 400)
            #expect(invalid.message == "Invalid address")
            let byName = try await fixture.authorized(.get, "/api/iksnone/addresses/search_hostname/case.iks.test/")
            #expect(byName.data?.array?.count == 2)
            let none = try await fixture.authorized(.get, "/api/iksnone/addresses/search_hostname/nope.iks.test/")
            #expect(none.status == 404)
            #expect(none.message == "Hostname not found")
            let quirk = try await fixture.authorized(.get, "/api/iksnone/addresses/192.168.100.2/7/")
            #expect(quirk.status == 404)
            #expect(quirk.message == "No addresses found")
            let inSubnet = try await fixture.authorized(.get, "/api/iksnone/subnets/7/addresses/192.168.100.2/")
            #expect(inSubnet.data?[0]?["ip"] == .string("192.168.100.2"))
            let postSearch = try await fixture.authorized(.post, "/api/iksnone/addresses/search/192.168.100.4/")
            #expect(postSearch.status == 400)
            #expect(postSearch.message == "SubnetId must be numeric")
        }
    }

    @Test("subnet addresses list every row and filter_by narrows them; no match 404, bad field 400")
    func subnetAddressesFilter() async throws {
        try await EmulatorFixture.with { fixture async throws in
            _ = try await fixture.callJSON(.post, "/api/iksnone/addresses/first_free/8/", #"{"owner":"cluster-f"}"#)
            _ = try await fixture.callJSON(.post, "/api/iksnone/addresses/first_free/8/", #"{"custom_cluster":"cluster-f"}"#)
            let all = try await fixture.authorized(.get, "/api/iksnone/subnets/8/addresses/")
            #expect(all.data?.array?.count == 4)
            #expect(all.data?.array?.contains { $0["tag"] == .int(3) } == true)
            let owned = try await fixture.authorized(.get, "/api/iksnone/subnets/8/addresses/?filter_by=owner&filter_value=cluster-f")
            #expect(owned.data?.array?.map { $0["ip"] } == [.string("192.168.101.2")])
            let custom = try await fixture.authorized(.get, "/api/iksnone/subnets/8/addresses/?filter_by=custom_cluster&filter_value=cluster-f")
            #expect(custom.data?.array?.map { $0["ip"] } == [.string("192.168.101.3")])
            let everywhere = try await fixture.authorized(.get, "/api/iksnone/addresses/?filter_by=owner&filter_value=cluster-f")
            #expect(everywhere.data?.array?.count == 1)
            let none = try await fixture.authorized(.get, "/api/iksnone/subnets/8/addresses/?filter_by=owner&filter_value=other")
            #expect(none.status == 404)
            #expect(none.message == "No results (filter applied)")
            let bad = try await fixture.authorized(.get, "/api/iksnone/subnets/8/addresses/?filter_by=nope&filter_value=x")
            #expect(bad.status == 400)
            #expect(bad.message == "Invalid filter_by")
        }
    }

    @Test("custom fields are listed, and search_linked returns some rows with decimal-string IPs")
    func customFieldsAndLinked() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let fields = try await fixture.authorized(.get, "/api/iksnone/addresses/custom_fields/")
            #expect(fields.data?["custom_cluster"]?["type"] == .string("varchar(128)"))
            _ = try await fixture.callJSON(.post, "/api/iksnone/addresses/first_free/7/", #"{"custom_cluster":"cluster-abc"}"#)
            _ = try await fixture.callJSON(.post, "/api/iksnone/addresses/first_free/7/", #"{"custom_cluster":"cluster-abc"}"#)
            let linked = try await fixture.authorized(.get, "/api/iksnone/addresses/search_linked/cluster-abc/")
            let ips = linked.data?.array?.compactMap { $0["ip"]?.string } ?? []
            #expect(ips.count == 2)
            #expect(ips.contains("192.168.100.3"))
            #expect(ips.contains("3232261122"))
        }
        var seed = PhpIPAMSeed.example
        seed.customFields = []
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            let none = try await fixture.authorized(.get, "/api/iksnone/addresses/custom_fields/")
            #expect(none.status == 404)
            #expect(none.message == "No custom fields defined")
        }
    }

    @Test("tags are listed and tag addresses can be narrowed by subnet")
    func tags() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let tags = try await fixture.authorized(.get, "/api/iksnone/addresses/tags/")
            #expect(tags.data?.array?.count == 4)
            let reserved = try await fixture.authorized(.get, "/api/iksnone/addresses/tags/3/addresses/?subnetId=7")
            #expect(reserved.data?.array?.count == 1)
        }
    }

    @Test("PATCH updates fields, refuses ip changes, 404s unknown ids, and moves the gateway flag")
    func patchAddress() async throws {
        try await EmulatorFixture.with { fixture async throws in
            _ = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/7/")
            let patched = try await fixture.callJSON(.patch, "/api/iksnone/addresses/15/", #"{"description":"patched","custom_cluster":"c9"}"#)
            #expect(patched.status == 200)
            #expect(patched.message == "Address updated")
            let row = try await fixture.authorized(.get, "/api/iksnone/addresses/15/")
            #expect(row.data?["description"] == .string("patched"))
            #expect(row.data?["custom_cluster"] == .string("c9"))
            let ip = try await fixture.callJSON(.patch, "/api/iksnone/addresses/15/", #"{"ip":"192.168.100.9"}"#)
            #expect(ip.status == 400)
            #expect(ip.message == "IP address cannot be changed")
            let missing = try await fixture.callJSON(.patch, "/api/iksnone/addresses/9999/", #"{"note":"x"}"#)
            #expect(missing.status == 404)
            #expect(missing.message == "Address does not exist")
            _ = try await fixture.callJSON(.put, "/api/iksnone/addresses/15/", #"{"is_gateway":1}"#)
            let subnet = try await fixture.authorized(.get, "/api/iksnone/subnets/7/")
            #expect(subnet.data?["gatewayId"] == .int(15))
            let old = try await fixture.authorized(.get, "/api/iksnone/addresses/11/")
            #expect(old.data?["is_gateway"] == .int(0))
        }
    }

    @Test("DELETE by id, by IP and subnet, and the 404 and empty-HTML 500 answers when nothing is there")
    func deletes() async throws {
        try await EmulatorFixture.with { fixture async throws in
            _ = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/7/")
            _ = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/7/")
            let byID = try await fixture.authorized(.delete, "/api/iksnone/addresses/15/")
            #expect(byID.status == 200)
            #expect(byID.message == "Address deleted")
            let again = try await fixture.authorized(.delete, "/api/iksnone/addresses/15/")
            #expect(again.status == 404)
            #expect(again.message == "Address does not exist")
            #expect(try await fixture.authorized(.delete, "/api/iksnone/addresses/abc/").status == 404)
            let wrongSubnet = try await fixture.authorized(.delete, "/api/iksnone/addresses/192.168.100.3/8/")
            #expect(wrongSubnet.status == 404)
            #expect(wrongSubnet.message == "No addresses found")
            let byIP = try await fixture.authorized(.delete, "/api/iksnone/addresses/192.168.100.3/7/")
            #expect(byIP.status == 200)
            let nowhere = try await fixture.authorized(.delete, "/api/iksnone/addresses/192.168.100.3/7/")
            #expect(nowhere.status == 500)
            #expect(nowhere.body.isEmpty)
            #expect(nowhere.headers["Content-Type"]?.hasPrefix("text/html") == true)
        }
    }

    @Test("subnets can be created through the API with null vrf and vlan, and deleting one removes its rows")
    func subnetLifecycle() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let created = try await fixture.callJSON(.post, "/api/iksnone/subnets/", #"{"subnet":"192.168.102.0","mask":29,"sectionId":3}"#)
            #expect(created.status == 201)
            #expect(created.message == "Subnet created")
            #expect(created.json?["id"] == .string("9"))
            #expect(created.data == .string("192.168.102.0/29"))
            let subnet = try await fixture.authorized(.get, "/api/iksnone/subnets/9/")
            #expect(subnet.data?["vrfId"] == .null)
            #expect(subnet.data?["showName"] == .int(0))
            #expect(try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/9/").data == .string("192.168.102.1"))
            let cidr = try await fixture.authorized(.get, "/api/iksnone/subnets/cidr/192.168.102.0/29/")
            #expect(cidr.data?[0]?["id"] == .int(9))
            #expect(cidr.data?[0]?["calculation"] == nil)
            #expect(try await fixture.authorized(.delete, "/api/iksnone/subnets/9/").message == "Subnet deleted")
            #expect(await fixture.emulator.addresses(inSubnet: 9).isEmpty)
            let usage = try await fixture.authorized(.get, "/api/iksnone/subnets/7/usage/")
            #expect(usage.data?["maxhosts"] == .string("254"))
            #expect(usage.data?["Reserved"] == .int(1))
        }
    }
}
