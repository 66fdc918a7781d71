// Pins authentication, permissions and the envelope headers of netbox-api.md §1–§2 and §15.
import Foundation
import HTTP
import NetBoxEmulator
import TestSupport
import Testing

@Suite("NetBox emulator: authentication and envelope")
struct NetBoxAuthTests {
    @Test("a request without credentials gets 403 (never 401) and no WWW-Authenticate header")
    func noCredentials() async throws {
        try await NetBoxFixture.with { fixture async throws in
            for path in ["/api/status/", "/api/ipam/prefixes/"] {
                let reply = try await fixture.get(path, authorization: nil)
                #expect(reply.status == 403)
                #expect(reply.detail == "Authentication credentials were not provided.")
                #expect(reply.headers["WWW-Authenticate"] == nil)
            }
        }
    }

    @Test("every 4.6 authentication failure is a 403 with the recorded detail")
    func failuresOn46() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let v2 = NetBoxSeed.exampleTokenV2
            let cases: [(String, String)] = [
                ("Token 0000000000000000000000000000000000000000", "Invalid v1 token"),
                ("Token a b", "Invalid authorization header: Must be in the form \"Bearer <key>.<token>\" or \"Token <token>\""),
                ("Basic aWtzOmlrcy1wYXNzd29yZA==", "Authentication credentials were not provided."),
                ("Bearer nbt_\(v2.key ?? "").0000000000000000000000000000000000000000", "Invalid v2 token"),
                ("Bearer \(v2.key ?? "").\(v2.secret)", "Invalid v1 token"),
                (
                    "Bearer nbt_nodot",
                    "Invalid authorization header: Could not parse key from v2 token. Did you mean to use 'Token' instead of 'Bearer'?"
                ),
            ]
            for (header, detail) in cases {
                let reply = try await fixture.get("/api/ipam/prefixes/", authorization: header)
                #expect(reply.status == 403, "\(header)")
                #expect(reply.detail == detail, "\(header)")
            }
        }
    }

    @Test("v1 tokens work with either keyword in any case, v2 tokens with Bearer and with Token")
    func acceptedForms() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let v1 = NetBoxSeed.exampleToken.secret
            let v2 = NetBoxSeed.exampleTokenV2
            for header in [
                "Token \(v1)", "token \(v1)", "Bearer \(v1)", "Bearer nbt_\(v2.key ?? "").\(v2.secret)",
                "Token nbt_\(v2.key ?? "").\(v2.secret)",
            ] {
                #expect(try await fixture.get("/api/status/", authorization: header).status == 200, "\(header)")
            }
        }
    }

    @Test("a read-only token reads but gets 403 on allocation and delete, with v1 and v2 alike")
    func readOnlyTokens() async throws {
        try await NetBoxFixture.with { fixture async throws in
            for token in [NetBoxSeed.exampleReadOnlyToken, NetBoxSeed.exampleReadOnlyTokenV2] {
                #expect(try await fixture.get("/api/ipam/prefixes/1/", authorization: token.authorization).status == 200)
                let allocation = try await fixture.post("/api/ipam/prefixes/1/available-ips/", "{}", authorization: token.authorization)
                #expect(allocation.status == 403)
                #expect(allocation.detail == "You do not have permission to perform this action.")
                let delete = try await fixture.call(.delete, "/api/ipam/ip-addresses/2/", authorization: token.authorization)
                #expect(delete.status == 403)
            }
            #expect(await fixture.emulator.address(id: 2) != nil)
            #expect(await fixture.emulator.addresses(inPrefix: 1).count == 2)
        }
    }

    @Test("a user without the object permission gets 403 where the superuser gets through")
    func objectPermissions() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let devices = try await fixture.get("/api/dcim/devices/")
            #expect(devices.status == 403)
            #expect(devices.detail == "You do not have permission to perform this action.")
            #expect(try await fixture.post("/api/dcim/devices/", "{}").status == 403)
            #expect(try await fixture.call(.delete, "/api/dcim/sites/2/").status == 403)
            #expect(try await fixture.get("/api/extras/custom-fields/").status == 403)
            #expect(try await fixture.get("/api/dcim/devices/", authorization: NetBoxFixture.adminToken).status == 200)
            #expect(try await fixture.get("/api/dcim/sites/", authorization: NetBoxFixture.token).status == 200)
        }
    }

    @Test("NetBox 4.4 ignores Bearer headers, says Invalid token, and refuses a token with spaces")
    func failuresOn44() async throws {
        var seed = NetBoxSeed.example
        seed.version = .v4_4
        try await NetBoxFixture.with(seed: seed) { fixture async throws in
            let v2 = NetBoxSeed.exampleTokenV2
            let cases: [(String, String)] = [
                ("Bearer nbt_\(v2.key ?? "").\(v2.secret)", "Authentication credentials were not provided."),
                ("Bearer \(NetBoxSeed.exampleToken.secret)", "Authentication credentials were not provided."),
                ("Token 0000000000000000000000000000000000000000", "Invalid token"),
                ("Token a b", "Invalid token header. Token string should not contain spaces."),
            ]
            for (header, detail) in cases {
                let reply = try await fixture.get("/api/status/", authorization: header)
                #expect(reply.status == 403, "\(header)")
                #expect(reply.detail == detail, "\(header)")
                #expect(reply.headers["API-Version"] == "4.4")
            }
            #expect(try await fixture.get("/api/status/").json?["netbox-version"]?.string == "4.4.10")
        }
    }

    @Test("every answer carries API-Version and a fresh X-Request-ID; a 201 has no Location and a 204 no body")
    func envelopeHeaders() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let first = try await fixture.get("/api/status/")
            let second = try await fixture.get("/api/ipam/prefixes/999/")
            #expect(first.status == 200 && second.status == 404)
            for reply in [first, second] {
                #expect(reply.headers["API-Version"] == "4.6")
                #expect(reply.headers["Content-Type"] == "application/json")
                #expect(reply.headers["X-Request-ID"]?.count == 36)
            }
            #expect(first.headers["X-Request-ID"] != second.headers["X-Request-ID"])
            #expect(first.headers["Allow"] == "GET, HEAD, OPTIONS")
            #expect(first.json?["netbox-version"]?.string == "4.6.8")
            let created = try await fixture.post("/api/ipam/prefixes/1/available-ips/", "{}")
            #expect(created.status == 201)
            #expect(created.headers["Location"] == nil)
            let deleted = try await fixture.call(.delete, "/api/ipam/ip-addresses/\(created.json?["id"]?.int ?? 0)/")
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)
        }
    }

    @Test("an Accept header naming another API version gets 406, the server's own version passes")
    func acceptVersion() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let wrong = try await fixture.call(.get, "/api/status/", headers: [("Accept", "application/json; version=4.0")])
            #expect(wrong.status == 406)
            #expect(wrong.detail == "Invalid version in \"Accept\" header.")
            #expect(wrong.headers["API-Version"] == "4.6")
            let right = try await fixture.call(.get, "/api/status/", headers: [("Accept", "application/json; version=4.6")])
            #expect(right.status == 200)
        }
    }

    @Test("a form-encoded body gets 415 and allocates nothing")
    func formBody() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let reply = try await fixture.call(
                .post, "/api/ipam/prefixes/1/available-ips/", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                json: "description=x")
            #expect(reply.status == 415)
            #expect(reply.detail == "Unsupported media type \"application/x-www-form-urlencoded\" in request.")
            #expect(await fixture.emulator.addresses(inPrefix: 1).count == 2)
        }
    }

    @Test("an unknown API path gets Django's HTML 404 page even when JSON is asked for")
    func unknownPath() async throws {
        try await NetBoxFixture.with { fixture async throws in
            let reply = try await fixture.call(.get, "/api/ipam/nosuch/", headers: [("Accept", "application/json")])
            #expect(reply.status == 404)
            #expect(reply.headers["Content-Type"]?.hasPrefix("text/html") == true)
            #expect(reply.text.contains("<title>Page Not Found | NetBox</title>"))
            #expect(reply.json == nil)
        }
    }

    @Test("the server answers over TLS with https links")
    func tls() async throws {
        let certificates = try await TLSTestCertificates.shared()
        let chain = try Array(Data(contentsOf: URL(fileURLWithPath: certificates.serverCertificatePath)))
        let key = try Array(Data(contentsOf: URL(fileURLWithPath: certificates.serverKeyPath)))
        let tls = NetBoxServer.TLS(certificateChainPEM: chain, privateKeyPEM: key)
        try await NetBoxFixture.with(tls: tls, clientTLS: .init(certificateAuthority: .file(certificates.caCertificatePath))) {
            fixture async throws in
            #expect(fixture.server.baseURL.hasPrefix("https://127.0.0.1:"))
            let reply = try await fixture.get("/api/ipam/prefixes/1/")
            #expect(reply.status == 200)
            #expect(reply.json?["url"]?.string == fixture.server.baseURL + "/api/ipam/prefixes/1/")
        }
    }
}
