// Pins the emulator's documented auth behaviour: app security, tokens, the user controller, login blocks.
import Foundation
import HTTP
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM emulator: apps, tokens and logins")
struct EmulatorAuthTests {
    @Test("an ssl_token app refuses plain HTTP with 503, login included")
    func sslTokenRefusesPlainHTTP() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let login = try await fixture.call(.post, "/api/iks/user/", headers: [EmulatorFixture.basic("iks", "iks-password")])
            #expect(login.status == 503)
            #expect(login.message == "SSL connection is required for API")
            let read = try await fixture.authorized(.get, "/api/iks/subnets/7/")
            #expect(read.status == 503)
            #expect(read.json?["code"] == .int(503))
            #expect(read.json?["success"] == .bool(false))
            #expect(read.data == nil)
        }
    }

    @Test("X-Forwarded-Proto https counts as HTTPS only when the server trusts forwarded headers")
    func forwardedProto() async throws {
        var seed = PhpIPAMSeed.example
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            let refused = try await fixture.call(.get, "/api/iks/subnets/7/", headers: [("X-Forwarded-Proto", "https"), ("token", "iksnonestatictoken000000")])
            #expect(refused.status == 503)
        }
        seed.trustXForwardedHeaders = true
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            let accepted = try await fixture.call(.get, "/api/iks/subnets/7/", headers: [("X-Forwarded-Proto", "https"), ("token", "iksnonestatictoken000000")])
            #expect(accepted.status == 200)
        }
    }

    @Test("a none app works over plain HTTP with a token and answers 401 Unauthorized without one")
    func noneAppNeedsToken() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let withToken = try await fixture.authorized(.get, "/api/iksnone/subnets/7/")
            #expect(withToken.status == 200)
            let without = try await fixture.call(.get, "/api/iksnone/subnets/7/")
            #expect(without.status == 401)
            #expect(without.message == "Unauthorized")
            let wrong = try await fixture.authorized(.get, "/api/iksnone/subnets/7/", token: "not-a-token")
            #expect(wrong.status == 401)
            #expect(wrong.message == "Unauthorized")
        }
    }

    @Test("unknown apps, disabled apps, a disabled API and unknown controllers get their documented errors")
    func appErrors() async throws {
        var seed = PhpIPAMSeed.example
        seed.apps.append(.init(id: "off", security: .none, permissions: .disabled))
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            let unknown = try await fixture.authorized(.get, "/api/nope/subnets/7/")
            #expect(unknown.status == 400)
            #expect(unknown.message == "Invalid application id")
            let disabled = try await fixture.authorized(.get, "/api/off/subnets/7/")
            #expect(disabled.status == 503)
            #expect(disabled.message == "Application disabled")
            let controller = try await fixture.authorized(.get, "/api/iksnone/printers/")
            #expect(controller.status == 400)
            #expect(controller.message == "Invalid controller")
        }
        seed.apiEnabled = false
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            let off = try await fixture.authorized(.get, "/api/iksnone/subnets/7/")
            #expect(off.status == 503)
            #expect(off.message == "API server disabled")
        }
    }

    @Test("a read-only app may read but gets 401 invalid permissions on writes")
    func readOnlyApp() async throws {
        var seed = PhpIPAMSeed.example
        seed.apps.append(.init(id: "ro", security: .none, permissions: .readOnly))
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            #expect(try await fixture.authorized(.get, "/api/ro/subnets/7/").status == 200)
            for method in [HTTPMethod.post, .patch, .delete] {
                let write = try await fixture.authorized(method, "/api/ro/addresses/first_free/7/")
                #expect(write.status == 401)
                #expect(write.message == "invalid permissions")
            }
        }
    }

    @Test("POST /user/ issues a 24-character token expiring in 6 h, formatted without a zone")
    func loginIssuesToken() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let reply = try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("iks", "iks-password")])
            #expect(reply.status == 200)
            let token = try #require(reply.data?["token"]?.string)
            #expect(token.count == 24)
            #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
            // The manual clock starts at 2026-11-18 11:06:40 UTC.
            #expect(reply.data?["expires"] == .string("2026-11-18 17:06:40"))
        }
    }

    @Test("a valid token is returned again with its expiry pushed forward; an expired one is replaced")
    func tokenRenewal() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let auth = [EmulatorFixture.basic("iks", "iks-password")]
            let first = try await fixture.call(.post, "/api/iksnone/user/", headers: auth)
            fixture.clock.advance(by: 3600)
            let second = try await fixture.call(.post, "/api/iksnone/user/", headers: auth)
            #expect(second.data?["token"] == first.data?["token"])
            #expect(second.data?["expires"] == .string("2026-11-18 18:06:40"))
            let oldToken = try #require(first.data?["token"]?.string)
            fixture.clock.advance(by: 6 * 3600 + 1)
            let expired = try await fixture.authorized(.get, "/api/iksnone/subnets/7/", token: oldToken)
            #expect(expired.status == 401)
            let third = try await fixture.call(.post, "/api/iksnone/user/", headers: auth)
            let newToken = try #require(third.data?["token"]?.string)
            #expect(newToken != oldToken)
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/", token: oldToken).status == 401)
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/", token: newToken).status == 200)
        }
    }

    @Test("every authenticated call moves the token expiry to now + 6 h")
    func callsExtendToken() async throws {
        try await EmulatorFixture.with { fixture async throws in
            fixture.clock.advance(by: 5 * 3600)
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/").status == 200)
            fixture.clock.advance(by: 5 * 3600)
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/").status == 200)
        }
    }

    @Test("the token works in the token and phpipam-token headers and for every app")
    func tokenHeaders() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let login = try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("iks", "iks-password")])
            let token = try #require(login.data?["token"]?.string)
            #expect(try await fixture.call(.get, "/api/iksnone/subnets/7/", headers: [("phpipam-token", token)]).status == 200)
            #expect(try await fixture.call(.get, "/api/iksnone/subnets/7/", headers: [("token", token)]).status == 200)
        }
    }

    @Test("login failures: no credentials 400, wrong password or unknown user 500, disabled user 500")
    func loginFailures() async throws {
        var seed = PhpIPAMSeed.example
        seed.users.append(.init(username: "gone", password: "pw", disabled: true))
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            let none = try await fixture.call(.post, "/api/iksnone/user/")
            #expect(none.status == 400)
            #expect(none.message == "Please provide username and password")
            let wrong = try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("iks", "nope")])
            #expect(wrong.status == 500)
            #expect(wrong.message == "Invalid username or password")
            let unknown = try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("who", "nope")])
            #expect(unknown.message == "Invalid username or password")
            let disabled = try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("gone", "pw")])
            #expect(disabled.status == 500)
            #expect(disabled.message == "User account is disabled")
        }
    }

    @Test("GET, PATCH and DELETE /user/ report, extend and remove the token; errors are 403")
    func userController() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let missing = try await fixture.call(.get, "/api/iksnone/user/")
            #expect(missing.status == 403)
            #expect(missing.message == "Please provide token")
            let invalid = try await fixture.authorized(.get, "/api/iksnone/user/", token: "bogus")
            #expect(invalid.status == 403)
            #expect(invalid.message == "Invalid token")
            let info = try await fixture.authorized(.get, "/api/iksnone/user/token_expires/")
            #expect(info.status == 200)
            #expect(info.data?["expires"] == .string("2026-11-18 17:06:40"))
            fixture.clock.advance(by: 600)
            let extended = try await fixture.authorized(.patch, "/api/iksnone/user/")
            #expect(extended.data?["expires"] == .string("2026-11-18 17:16:40"))
            let logout = try await fixture.authorized(.delete, "/api/iksnone/user/")
            #expect(logout.status == 200)
            #expect(logout.data == .array([.string("Token removed")]))
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/").status == 401)
        }
    }

    @Test("GET /user/ with an expired token answers 403 Token expired")
    func expiredTokenOnUser() async throws {
        try await EmulatorFixture.with { fixture async throws in
            fixture.clock.advance(by: 6 * 3600 + 5)
            let reply = try await fixture.authorized(.get, "/api/iksnone/user/")
            #expect(reply.status == 403)
            #expect(reply.message == "Token expired")
        }
    }

    @Test("more than 10 failed logins block the IP for every request for 5 minutes, valid tokens included")
    func loginBlock() async throws {
        try await EmulatorFixture.with { fixture async throws in
            for _ in 0..<11 {
                _ = try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("iks", "bad")])
            }
            let blocked = try await fixture.authorized(.get, "/api/iksnone/subnets/7/")
            #expect(blocked.status == 500)
            #expect(blocked.message == "Your IP has been blocked for 5 minutes because of excessive login failures")
            let rightPassword = try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("iks", "iks-password")])
            #expect(rightPassword.status == 500)
            fixture.clock.advance(by: 301)
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/").status == 200)
        }
    }

    @Test("ten failed logins do not block, and a successful login resets the counter")
    func loginCounterReset() async throws {
        try await EmulatorFixture.with { fixture async throws in
            for _ in 0..<10 {
                _ = try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("iks", "bad")])
            }
            #expect(await fixture.emulator.isBlocked("127.0.0.1") == false)
            #expect(try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("iks", "iks-password")]).status == 200)
            _ = try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("iks", "bad")])
            #expect(await fixture.emulator.isBlocked("127.0.0.1") == false)
        }
    }
}
