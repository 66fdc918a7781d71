// Pins the emulator's injected faults: 5xx, connection resets, malformed bodies, token expiry, latency.
import HTTP
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM emulator: injected faults")
struct EmulatorFaultTests {
    @Test("injected 5xx answers come first, then normal service resumes")
    func injectedFailures() async throws {
        try await EmulatorFixture.with { fixture async throws in
            await fixture.emulator.injectFaults {
                $0.failNextRequests = 2
                $0.failureStatus = 502
            }
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/").status == 502)
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/").status == 502)
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/").status == 200)
        }
    }

    @Test("an injected reset fails the request at the transport level and changes nothing")
    func injectedReset() async throws {
        try await EmulatorFixture.with { fixture async throws in
            await fixture.emulator.injectFaults { $0.resetNextConnections = 1 }
            await #expect(throws: HTTPError.self) {
                _ = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/7/")
            }
            let next = try await fixture.authorized(.post, "/api/iksnone/addresses/first_free/7/")
            #expect(next.data == .string("192.168.100.2"))
        }
    }

    @Test("an injected malformed body is not JSON")
    func injectedMalformedBody() async throws {
        try await EmulatorFixture.with { fixture async throws in
            await fixture.emulator.injectFaults { $0.malformNextResponses = 1 }
            let reply = try await fixture.authorized(.get, "/api/iksnone/subnets/7/")
            #expect(reply.status == 200)
            #expect(reply.json == nil)
        }
    }

    @Test("expiring all tokens makes the next call with one answer 401")
    func expireTokens() async throws {
        try await EmulatorFixture.with { fixture async throws in
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/").status == 200)
            await fixture.emulator.expireAllTokens()
            #expect(try await fixture.authorized(.get, "/api/iksnone/subnets/7/").status == 401)
        }
    }
}
