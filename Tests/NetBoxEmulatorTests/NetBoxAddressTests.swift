// Pins IP-address searches (§10), PATCH semantics, DELETE (§11) and create validation (§8, §12).
import NetBoxEmulator
import Testing

@Suite("NetBox emulator: IP addresses")
struct NetBoxAddressTests {
    /// The recorded §10 probe: owners marked by dns_name, description, tag, tenant, owner and custom field.
    private func withOwnedAddresses(_ body: (NetBoxFixture) async throws -> Void) async throws {
        try await NetBoxFixture.with { fixture async throws in
            let path = "/api/ipam/prefixes/1/available-ips/"
            let bodies = [
                #"{"dns_name":"node1.c1.iks.test","description":"owner c1 pod","tags":[{"slug":"overlay"}],"custom_fields":{"owner_cluster":"c1"}}"#,
                #"{"dns_name":"node1.c10.iks.test","description":"owner c10 pod","tags":[{"slug":"overlay"}],"custom_fields":{"owner_cluster":"c10"}}"#,
                #"{"dns_name":"Node9.C9.iks.test","description":"Owner X","custom_fields":{"owner_cluster":"c9"},"tenant":1,"owner":1}"#,
            ]
            for body in bodies { #expect(try await fixture.post(path, body).status == 201) }
            try await body(fixture)
        }
    }

    @Test("text filters: exact is case-sensitive and whole, __ie/__ic/__isw loosen it, repeated values are OR-ed")
    func textFilters() async throws {
        try await withOwnedAddresses { fixture async throws in
            let cases: [(String, Int)] = [
                ("?dns_name=node1.c1.iks.test", 1), ("?dns_name=NODE1.C1.IKS.TEST", 0), ("?dns_name__ie=node9.c9.iks.test", 1),
                ("?dns_name__ic=c1.iks", 1), ("?dns_name__isw=node1.c1", 2), ("?description=owner%20c1%20pod", 1),
                ("?description=owner", 0), ("?description__ic=owner", 3), ("?description=Owner%20X&description=zzz", 1),
                ("?tag=overlay&parent=192.168.110.0/24&description__isw=owner", 2), ("?tag_id=1", 2),
                ("?q=c1.iks", 1), ("?q=owner%20c1", 2), ("?q=owner%20x", 1),
                ("?tenant=iks", 1), ("?owner_id=1", 1), ("?owner=iks-overlay", 1),
                ("?parent=192.168.110.0/24&status=reserved", 1), ("?address=192.168.110.1", 1), ("?address=192.168.110.1/24", 1),
                ("?address=192.168.110.1/32", 0), ("?parent=not-a-prefix", 0),
            ]
            for (query, count) in cases {
                #expect(try await fixture.count("/api/ipam/ip-addresses/" + query) == count, "\(query)")
            }
        }
    }

    @Test("a custom field with exact filter logic matches whole values only; lookups match partially; unknown cf filters are ignored")
    func customFieldFilters() async throws {
        try await withOwnedAddresses { fixture async throws in
            let cases: [(String, Int)] = [
                ("?cf_owner_cluster=c1", 1), ("?cf_owner_cluster=C1", 0), ("?cf_owner_cluster__ic=c1", 2),
                ("?cf_owner_cluster__ie=C9", 1), ("?cf_owner_cluster=c9&cf_owner_cluster=c8", 1),
                ("?cf_owner_cluster__empty=false", 3), ("?cf_nosuchcf=x&cf_owner_cluster=c1", 1),
            ]
            for (query, count) in cases {
                #expect(try await fixture.count("/api/ipam/ip-addresses/" + query) == count, "\(query)")
            }
        }
    }

    @Test("a custom field with the default loose filter logic matches by substring")
    func looseCustomField() async throws {
        var seed = NetBoxSeed.example
        seed.customFields = [NetBoxSeed.CustomField(id: 1, name: "owner_cluster")]
        try await NetBoxFixture.with(seed: seed) { fixture async throws in
            for cluster in ["c1", "c10"] {
                _ = try await fixture.post("/api/ipam/prefixes/1/available-ips/", #"{"custom_fields":{"owner_cluster":"\#(cluster)"}}"#)
            }
            #expect(try await fixture.count("/api/ipam/ip-addresses/?cf_owner_cluster=c1") == 2)
        }
    }

    @Test("PATCH changes only the given fields: tags replace the list, custom_fields merge and null clears one")
    func patchSemantics() async throws {
        try await withOwnedAddresses { fixture async throws in
            let id = 5
            let changed = try await fixture.call(
                .patch, "/api/ipam/ip-addresses/\(id)/", json: #"{"custom_fields":{"owner_cluster":"c2"},"description":"re-owned"}"#)
            #expect(changed.status == 200)
            #expect(changed.json?["description"]?.string == "re-owned")
            #expect(changed.json?["dns_name"]?.string == "node1.c1.iks.test")
            #expect(changed.json?["custom_fields"] == .object(["owner_cluster": .string("c2")]))
            let kept = try await fixture.call(.patch, "/api/ipam/ip-addresses/\(id)/", json: #"{"custom_fields":{}}"#)
            #expect(kept.json?["custom_fields"] == .object(["owner_cluster": .string("c2")]))
            let untagged = try await fixture.call(.patch, "/api/ipam/ip-addresses/\(id)/", json: #"{"tags":[]}"#)
            #expect(untagged.json?["tags"] == .array([]))
            let cleared = try await fixture.call(.patch, "/api/ipam/ip-addresses/\(id)/", json: #"{"custom_fields":{"owner_cluster":null}}"#)
            #expect(cleared.json?["custom_fields"] == .object(["owner_cluster": .null]))
            #expect(await fixture.emulator.address(id: id)?.customFields == [:])
        }
    }

    @Test("DELETE answers 204 with no body, then 404; a bulk DELETE with a list of ids answers 204")
    func deletes() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let created = try await fixture.post("/api/ipam/prefixes/1/available-ips/", "[{},{}]")
            let ids = created.json?.array?.compactMap { $0["id"]?.int } ?? []
            #expect(ids.count == 2)
            let first = try await fixture.call(.delete, "/api/ipam/ip-addresses/\(ids[0])/")
            #expect(first.status == 204 && first.body.isEmpty)
            let again = try await fixture.call(.delete, "/api/ipam/ip-addresses/\(ids[0])/")
            #expect(again.status == 404)
            #expect(again.detail == "No IPAddress matches the given query.")
            let bulk = try await fixture.call(.delete, "/api/ipam/ip-addresses/", json: #"[{"id":\#(ids[1])}]"#)
            #expect(bulk.status == 204)
            #expect(await fixture.emulator.address(id: ids[1]) == nil)
        }
    }

    @Test("creating an address directly checks format, required fields, global uniqueness and SLAAC, as recorded")
    func createValidation() async throws {
        var seed = NetBoxSeed.example
        seed.addresses.append(NetBoxSeed.Address(id: 9, address: "192.168.112.6/32"))
        try await NetBoxFixture.with(seed: seed) { fixture async throws in
            let path = "/api/ipam/ip-addresses/"
            let cases: [(String, String)] = [
                (#"{"address":"300.1.1.1/24"}"#, #"{"address":["Invalid IP address format: 300.1.1.1/24"]}"#),
                (#"{"description":"x"}"#, #"{"address":["This field is required."]}"#),
                (#"{"address":"192.168.112.6/29"}"#, #"{"address":["Duplicate IP address found in global table: 192.168.112.6/32"]}"#),
                (#"{"address":"192.168.112.7/29","status":"slaac"}"#, #"{"status":["Only IPv6 addresses can be assigned SLAAC status"]}"#),
            ]
            for (body, answer) in cases {
                let reply = try await fixture.post(path, body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.text == answer, "\(body)")
            }
            let created = try await fixture.post(path, #"{"address":"192.168.112.7/29","role":"vrrp","dns_name":"GW.Example"}"#)
            #expect(created.status == 201)
            #expect(created.json?["role"] == .object(["value": .string("vrrp"), "label": .string("VRRP")]))
            #expect(created.json?["dns_name"]?.string == "gw.example")
        }
    }

    @Test("NetBox 4.4 answers an unparsable address with its 500 KeyError body")
    func invalidAddressOn44() async throws {
        var seed = NetBoxSeed.example
        seed.version = .v4_4
        try await NetBoxFixture.with(seed: seed) { fixture async throws in
            let reply = try await fixture.post("/api/ipam/ip-addresses/", #"{"address":"300.1.1.1/24"}"#)
            #expect(reply.status == 500)
            #expect(reply.text == #"{"error":"'data'","exception":"KeyError","netbox_version":"4.4.10","python_version":"3.11.7"}"#)
        }
    }

    @Test("a custom field defined only for prefixes does not exist for addresses")
    func customFieldMustBeDefinedForAddresses() async throws {
        var seed = NetBoxSeed.example
        seed.customFields = [NetBoxSeed.CustomField(id: 1, name: "owner_cluster", objectTypes: ["ipam.prefix"], filterLogic: .exact)]
        try await NetBoxFixture.with(seed: seed) { fixture async throws in
            let reply = try await fixture.post("/api/ipam/prefixes/1/available-ips/", #"{"custom_fields":{"owner_cluster":"c1"}}"#)
            #expect(reply.status == 400)
            #expect(reply.text == #"{"custom_fields":{"owner_cluster":"Custom field 'owner_cluster' does not exist for this object type."}}"#)
        }
    }
}
