// The phpIPAM backend when phpIPAM fails: tokens expiring, 5xx, timeouts, resets, bad bodies, refusals.
import Foundation
import IPAddressing
import IPAMCore
import IPAMphpIPAM
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM backend: failures and auth")
struct PhpIPAMBackendFailureTests {
    let owner = IPAMOwner(clusterID: "cluster-a", nodeName: "node-1")

    @Test("a token expired mid-run is renewed once on 401 and the call retried")
    func tokenExpiredMidRun() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend()
            _ = try await backend.reserve(owner, zone: "dal10", family: .v4)
            await fixture.emulator.expireAllTokens()
            await fixture.emulator.resetRequestCounts()
            let next = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "node-2"), zone: "dal10", family: .v4)
            #expect(next.address == IPAddress("192.168.101.3"))
            #expect(await fixture.emulator.requestCounts["POST user"] == 1)
        }
    }

    @Test("a token near its announced expiry is renewed before use, without a 401")
    func tokenRenewedBeforeExpiry() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend()
            _ = try await backend.reserve(owner, zone: "dal10", family: .v4)
            fixture.clock.advance(by: 6 * 3600 - 120)
            await fixture.emulator.resetRequestCounts()
            _ = try await backend.reserve(owner, zone: "dal10", family: .v4)
            #expect(await fixture.emulator.requestCounts == ["POST user": 1, "GET addresses/{id}": 1])
        }
    }

    @Test("an injected 503 is a retryable backendUnavailable, and the retry succeeds")
    func serverErrorThenSuccess() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend()
            await fixture.emulator.injectFaults { $0.failNextRequests = 1 }
            let error = await ipamError { _ = try await backend.reserve(owner, zone: "dal10", family: .v4) }
            #expect(error?.isRetryable == true)
            if case .backendUnavailable(let message) = error { #expect(message.contains("503")) } else { Issue.record("got \(String(describing: error))") }
            #expect(try await backend.reserve(owner, zone: "dal10", family: .v4).address == IPAddress("192.168.101.2"))
        }
    }

    @Test("a request timeout is a retryable backendUnavailable, and the retry succeeds")
    func timeoutThenSuccess() async throws {
        try await EmulatorFixture.with { fixture async throws in
            // The fixture's 5 s request timeout, like every other test here: the retry runs under the same
            // timeout, and with 1 s its login got no bytes in time on a loaded 2-core machine (every test runs
            // at once, and the emulator shares the cooperative pool with them). The held first answer is
            // cancelled when the fixture shuts the server down, so the latency never adds to the test's time.
            let backend = try await fixture.backend()
            await fixture.emulator.injectFaults { $0.latency = .seconds(600) }
            let error = await ipamError { _ = try await backend.reserve(owner, zone: "dal10", family: .v4) }
            #expect(error?.isRetryable == true)
            if case .backendUnavailable(let message) = error { #expect(message.contains("timed out")) } else { Issue.record("got \(String(describing: error))") }
            await fixture.emulator.injectFaults { $0.latency = .zero }
            #expect(try await backend.reserve(owner, zone: "dal10", family: .v4).zone == "dal10")
        }
    }

    @Test("a connection reset and an unreadable body are retryable, and the retry succeeds")
    func resetAndMalformedBody() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend()
            _ = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "warm-up"), zone: "dal10", family: .v4)
            // libcurl retries a request once by itself when a reused connection turns out dead, so two resets
            // are needed before the backend sees one.
            await fixture.emulator.injectFaults { $0.resetNextConnections = 2 }
            var errors: [IPAMError] = []
            while await fixture.emulator.pendingFaults.resetNextConnections > 0, errors.count < 3 {
                if let error = await ipamError({ try await backend.release(owner) }) { errors.append(error) }
            }
            #expect(!errors.isEmpty)
            #expect(errors.allSatisfy { $0.isRetryable })
            await fixture.emulator.injectFaults { $0.malformNextResponses = 1 }
            #expect(await ipamError { _ = try await backend.reserve(owner, zone: "dal10", family: .v4) }?.isRetryable == true)
            #expect(try await backend.reserve(owner, zone: "dal10", family: .v4).address == IPAddress("192.168.101.3"))
        }
    }

    @Test("an unreachable server is retryable")
    func unreachable() async throws {
        let configuration = PhpIPAMConfiguration(
            url: "http://127.0.0.1:1", appID: "iksnone", credentials: .environment,
            subnetMap: [PhpIPAMZoneSubnets(zone: "z", subnetIDs: [7])])
        let backend = try await PhpIPAMBackend(
            configuration: configuration, clusterID: "c", logger: .init(label: "test"), environment: EmulatorFixture.credentialsEnvironment)
        let error = await ipamError { _ = try await backend.reserve(owner, zone: "z", family: .v4) }
        #expect(error?.isRetryable == true)
    }

    @Test("a wrong password is a permanent rejection that keeps phpIPAM's message")
    func wrongPassword() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend(environment: ["PHPIPAM_USERNAME": "iks", "PHPIPAM_PASSWORD": "wrong"])
            let error = await ipamError { _ = try await backend.reserve(owner, zone: "dal10", family: .v4) }
            guard case .rejected(let message) = error else {
                Issue.record("expected rejected, got \(String(describing: error))")
                return
            }
            #expect(message.contains("Invalid username or password"))
            #expect(!message.contains("wrong"))
        }
    }

    @Test("the login block is reported as retryable with phpIPAM's message")
    func loginBlock() async throws {
        try await EmulatorFixture.with { fixture async throws in
            for _ in 0..<11 {
                _ = try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("iks", "bad")])
            }
            let error = await ipamError { _ = try await fixture.backend().reserve(owner, zone: "dal10", family: .v4) }
            guard case .backendUnavailable(let message) = error else {
                Issue.record("expected backendUnavailable, got \(String(describing: error))")
                return
            }
            #expect(message.contains("blocked for 5 minutes"))
        }
    }

    @Test("an unknown app id and an ssl_token app over plain HTTP are configuration errors")
    func appConfigurationErrors() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let unknown = await ipamError { _ = try await fixture.backend(fixture.configuration(appID: "nope")).reserve(owner, zone: "dal10", family: .v4) }
            guard case .invalidConfiguration(let message) = unknown else {
                Issue.record("expected invalidConfiguration, got \(String(describing: unknown))")
                return
            }
            #expect(message.contains("Invalid application id"))
            let plain = await ipamError { _ = try await fixture.backend(fixture.configuration(appID: "iks")).reserve(owner, zone: "dal10", family: .v4) }
            guard case .invalidConfiguration(let sslMessage) = plain else {
                Issue.record("expected invalidConfiguration, got \(String(describing: plain))")
                return
            }
            #expect(sslMessage.contains("SSL connection is required for API"))
        }
    }

    @Test("a read-only app can list but a reserve is rejected with invalid permissions")
    func readOnlyApp() async throws {
        var seed = PhpIPAMSeed.example
        seed.apps.append(.init(id: "ro", security: .none, permissions: .readOnly))
        try await EmulatorFixture.with(seed: seed) { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(appID: "ro"))
            #expect(try await backend.allocations().isEmpty)
            let error = await ipamError { _ = try await backend.reserve(owner, zone: "dal10", family: .v4) }
            guard case .rejected(let message) = error else {
                Issue.record("expected rejected, got \(String(describing: error))")
                return
            }
            #expect(message.contains("invalid permissions"))
        }
    }

    @Test("a static token from a file authenticates a none app; a refused one is rejected")
    func staticToken() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("phpipam-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good").path
        let bad = directory.appendingPathComponent("bad").path
        try "iksnonestatictoken000000\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "not-a-valid-token\n".write(toFile: bad, atomically: true, encoding: .utf8)
        try await EmulatorFixture.with { fixture async throws in
            let backend = try await fixture.backend(fixture.configuration(credentials: .token(file: good)), environment: [:])
            #expect(try await backend.reserve(owner, zone: "dal10", family: .v4).zone == "dal10")
            #expect(await fixture.emulator.requestCounts["POST user"] == nil)
            let refused = try await fixture.backend(fixture.configuration(credentials: .token(file: bad)), environment: [:])
            let error = await ipamError { _ = try await refused.reserve(owner, zone: "dal10", family: .v4) }
            guard case .rejected(let message) = error else {
                Issue.record("expected rejected, got \(String(describing: error))")
                return
            }
            #expect(!message.contains("not-a-valid-token"))
        }
    }

    @Test("missing environment credentials and unreadable files fail at start with the variable or path")
    func missingCredentials() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let env = await ipamError { _ = try await fixture.backend(environment: [:]) }
            guard case .invalidConfiguration(let message) = env else {
                Issue.record("expected invalidConfiguration, got \(String(describing: env))")
                return
            }
            #expect(message.contains("PHPIPAM_USERNAME"))
            let files = fixture.configuration(credentials: .files(usernameFile: "/nonexistent/user", passwordFile: "/nonexistent/pw"))
            let fileError = await ipamError { _ = try await fixture.backend(files) }
            #expect(fileError?.description.contains("/nonexistent/user") == true)
        }
    }
}
