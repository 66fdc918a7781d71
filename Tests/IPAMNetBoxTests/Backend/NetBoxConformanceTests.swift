// Runs the shared IPAM conformance suite (IPv4 cases with their cool-down; no dual stack) against the NetBox backend over HTTP.
import IPAMConformance
import IPAMCore
import IPAMNetBox
import NetBoxEmulator
import Testing

@Suite("NetBox backend: IPAM conformance")
struct NetBoxConformanceTests {
    @Test("conformance", arguments: IPAMConformanceSuite.cases([.ipv4, .cooldown]), NetBoxVersion.allCases)
    func conformance(_ check: ConformanceCase, version: NetBoxVersion) async throws {
        try await NetBoxTestServer.with(seed: NetBoxTestSeed.seed(version: version)) { server in
            let configuration = server.configuration(releaseCooldown: .seconds(300))
            let cooldown = IPAMConformanceSuite.Cooldown(duration: .seconds(300)) { server.clock.advance(by: $0) }
            // Every backend the suite opens (including "reopened" ones) is a new client of the same server.
            let suite = IPAMConformanceSuite(fixture: .standard, cooldown: cooldown) { fixture in
                try server.backend(configuration, clusterID: fixture.clusterID)
            }
            try await suite.run(check)
        }
    }
}
