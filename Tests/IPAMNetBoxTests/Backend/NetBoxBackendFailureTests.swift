// Tests that NetBox failures reach the caller as retryable or permanent errors saying what to fix.
import IPAMConformance
import IPAMCore
@testable import IPAMNetBox
import IPAddressing
import NetBoxEmulator
import Testing

@Suite("NetBox backend: failures")
struct NetBoxBackendFailureTests {
    let owner = ConformanceFixture.standard.owner("node-1")

    /// The error `body` throws, or a recorded issue when it does not throw an IPAMError.
    func error(_ body: () async throws -> Void) async -> IPAMError? {
        do {
            try await body()
            Issue.record("expected an IPAMError")
            return nil
        } catch let error as IPAMError {
            return error
        } catch {
            Issue.record("expected an IPAMError, got \(error)")
            return nil
        }
    }

    @Test("an unknown token is permanent and names where the token comes from")
    func unknownToken() async throws {
        try await NetBoxTestServer.with { server in
            let backend = try server.backend(token: NetBoxSeed.Token(secret: "ffffffffffffffffffffffffffffffffffffffff", username: "iks"))
            let failure = await error { _ = try await backend.reserve(owner, zone: "zone-b", family: .v4) }
            #expect(failure?.isRetryable == false)
            #expect(failure?.description.contains("NetBox did not accept the API token from NETBOX_TOKEN") == true)
        }
    }

    @Test("a read-only token names the missing permission")
    func readOnly() async throws {
        try await NetBoxTestServer.with { server in
            let backend = try server.backend(token: NetBoxTestSeed.readOnlyToken)
            let failure = await error { _ = try await backend.reserve(owner, zone: "zone-b", family: .v4) }
            #expect(failure?.description.contains("You do not have permission") == true)
            #expect(failure?.description.contains("make the token write-enabled") == true)
        }
    }

    @Test("a v2 token works on NetBox 4.6 and is explained on NetBox 4.4")
    func v2Tokens() async throws {
        try await NetBoxTestServer.with { server in
            let backend = try server.backend(token: NetBoxTestSeed.tokenV2)
            #expect(try await backend.reserve(owner, zone: "zone-b", family: .v4).cidr == "10.77.1.2/24")
        }
        try await NetBoxTestServer.with(seed: NetBoxTestSeed.seed(version: .v4_4)) { server in
            let backend = try server.backend(token: NetBoxTestSeed.tokenV2)
            let failure = await error { _ = try await backend.reserve(owner, zone: "zone-b", family: .v4) }
            #expect(failure?.description.contains("NetBox 4.4 has no v2 tokens") == true)
        }
    }

    @Test("a missing custom field is a configuration error on 4.6 and 4.4, and 4.4 keeps no stray address", arguments: NetBoxVersion.allCases)
    func missingCustomField(version: NetBoxVersion) async throws {
        try await NetBoxTestServer.with(seed: NetBoxTestSeed.seed(version: version, customFields: false)) { server in
            let backend = try server.backend()
            let failure = await error { _ = try await backend.reserve(owner, zone: "zone-b", family: .v4) }
            #expect(failure?.description.contains("custom field overlay_cluster") == true, "\(String(describing: failure))")
            #expect(await server.emulator.addresses(inPrefix: 103).count == 1)  // the gateway only
        }
    }

    @Test("a missing tag is a configuration error naming the tag")
    func missingTag() async throws {
        try await NetBoxTestServer.with { server in
            var configuration = server.configuration()
            configuration.tag = "no-such-tag"
            let backend = try server.backend(configuration)
            let failure = await error { _ = try await backend.reserve(owner, zone: "zone-b", family: .v4) }
            #expect(failure?.description.contains("create the tag no-such-tag") == true)
        }
    }

    @Test("an unknown prefix id or CIDR and a prefix without a gateway name the configuration entry", arguments: [
        (NetBoxPrefixReference(.id(999)), "ipam.netbox.prefixMap.zone-x[0] (prefix id 999): NetBox has no such prefix"),
        (NetBoxPrefixReference(.cidr(IPPrefix("10.99.0.0/24")!)), "ipam.netbox.prefixMap.zone-x[0]: NetBox has no prefix 10.99.0.0/24"),
        (NetBoxPrefixReference(.id(300)), "ipam.netbox.prefixMap.zone-x[0]: NetBox prefix 10.66.0.0/24 (id 300) has no known gateway"),
    ])
    func badPrefixes(reference: NetBoxPrefixReference, message: String) async throws {
        let seed = NetBoxTestSeed.seed(extraPrefixes: [NetBoxSeed.Prefix(id: 300, prefix: "10.66.0.0/24")])
        try await NetBoxTestServer.with(seed: seed) { server in
            let prefixMap = NetBoxTestSeed.prefixMap() + [NetBoxZonePrefixes(zone: "zone-x", prefixes: [reference])]
            let backend = try server.backend(server.configuration(prefixMap: prefixMap))
            let failure = await error { _ = try await backend.reserve(owner, zone: "zone-b", family: .v4) }
            #expect(failure.map { if case .invalidConfiguration = $0 { true } else { false } } == true)
            #expect(failure?.description.contains(message) == true, "\(String(describing: failure))")
        }
    }

    @Test("a gateway comes from a first-hop role when no address is described gateway")
    func roleGateway() async throws {
        let seed = NetBoxTestSeed.seed(
            extraPrefixes: [NetBoxSeed.Prefix(id: 300, prefix: "10.66.0.0/24")],
            extraAddresses: [NetBoxSeed.Address(id: 80, address: "10.66.0.254/24", role: "vrrp")])
        try await NetBoxTestServer.with(seed: seed) { server in
            let backend = try server.backend(server.configuration(prefixMap: [
                NetBoxZonePrefixes(zone: "zone-x", prefixes: [NetBoxPrefixReference(.cidr(IPPrefix("10.66.0.0/24")!))]),
            ]))
            let allocation = try await backend.reserve(owner, zone: "zone-x", family: .v4)
            #expect(allocation.gateway == IPAddress("10.66.0.254") && allocation.cidr == "10.66.0.1/24")
        }
    }

    @Test("server errors and timeouts are retryable, and the next call succeeds")
    func serverTrouble() async throws {
        try await NetBoxTestServer.with { server in
            let backend = try server.backend()
            _ = try await backend.allocations()
            await server.emulator.injectFaults {
                $0.failNextRequests = 1
                $0.failureStatus = 502
                $0.faultOperations = [.allocate]
            }
            let failure = await error { _ = try await backend.reserve(owner, zone: "zone-b", family: .v4) }
            #expect(failure?.isRetryable == true)
            let allocation = try await backend.reserve(owner, zone: "zone-b", family: .v4)
            #expect(try await backend.allocations() == [allocation])
        }
    }

    @Test("a reserve whose answer never came is found by the retry, not allocated twice")
    func lostAnswer() async throws {
        try await NetBoxTestServer.with { server in
            var configuration = server.configuration()
            // Long enough for the ordinary requests on a loaded machine; the paused allocation outlasts it.
            configuration.requestTimeout = .seconds(5)
            let backend = try server.backend(configuration)
            _ = try await backend.allocations()
            await server.emulator.pauseAllocations()
            let first = Task { try await backend.reserve(owner, zone: "zone-b", family: .v4) }
            await server.emulator.waitForAllocations(holding: 1, waiting: 0)
            // The client gives up; the server still carries the allocation out once it goes on.
            let failure = await error { _ = try await first.value }
            #expect(failure?.isRetryable == true)
            await server.emulator.resumeAllocations()
            await server.emulator.waitForAllocations(holding: 0, waiting: 0)
            let retried = try await backend.reserve(owner, zone: "zone-b", family: .v4)
            #expect(try await backend.allocations() == [retried])
            #expect(await server.emulator.addresses(inPrefix: 103).count == 2)  // the gateway and the one address
        }
    }
}
