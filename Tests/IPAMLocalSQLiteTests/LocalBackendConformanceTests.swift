// Runs the shared IPAM conformance suite against the local SQLite backend.

import IPAMConformance
import IPAMLocalSQLite
import TestSupport
import Testing

@Suite("Local SQLite backend conformance")
struct LocalBackendConformanceTests {
    @Test("the local backend passes the conformance case", arguments: IPAMConformanceSuite.cases(.all))
    func conformance(_ check: ConformanceCase) async throws {
        try await withTemporaryDirectory(prefix: "ipam-conformance") { directory in
            let database = directory.file("ipam.db")
            let clock = ManualWallClock()
            let cooldown = IPAMConformanceSuite.Cooldown(duration: .seconds(300)) { clock.advance(by: $0) }
            let suite = IPAMConformanceSuite(fixture: .allFamilies, cooldown: cooldown) { fixture in
                try await LocalSQLiteBackend(
                    configuration: try localConfiguration(for: fixture, database: database, cooldown: cooldown.duration),
                    clusterID: fixture.clusterID, now: { clock.now }, logger: quietLogger)
            }
            try await suite.run(check)
        }
    }
}
