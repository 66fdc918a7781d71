// Runs the shared IPAM conformance suite against the NetBox backend talking to the emulator over HTTP.
import IPAMConformance
import IPAMCore
import IPAMNetBox
import NetBoxEmulator
import Testing

@Suite("NetBox backend: IPAM conformance")
struct NetBoxConformanceTests {
    @Test("conformance", arguments: IPAMConformanceSuite.cases)
    func conformance(_ check: ConformanceCase) async throws {
        try await NetBoxTestServer.with { server in
            // Released addresses are deleted at once here: the suite expects a released address to serve the
            // next owner; the cool-down has its own tests.
            let configuration = server.configuration(releaseCooldown: .zero)
            // Every backend the suite opens (including "reopened" ones) is a new client of the same server.
            let suite = IPAMConformanceSuite(fixture: .standard) { fixture in
                try server.backend(configuration, clusterID: fixture.clusterID)
            }
            try await suite.run(check)
        }
    }

    @Test("conformance on NetBox 4.4", arguments: IPAMConformanceSuite.cases)
    func conformance44(_ check: ConformanceCase) async throws {
        try await NetBoxTestServer.with(seed: NetBoxTestSeed.seed(version: .v4_4)) { server in
            let configuration = server.configuration(releaseCooldown: .zero)
            let suite = IPAMConformanceSuite(fixture: .standard) { fixture in
                try server.backend(configuration, clusterID: fixture.clusterID)
            }
            try await suite.run(check)
        }
    }
}
