// Runs the shared IPAM conformance suite against the local SQLite backend.

import IPAMConformance
import IPAMLocalSQLite
import TestSupport
import Testing

@Suite("Local SQLite backend conformance")
struct LocalBackendConformanceTests {
    @Test("the local backend passes the conformance case", arguments: IPAMConformanceSuite.cases)
    func conformance(_ check: ConformanceCase) async throws {
        try await withTemporaryDirectory(prefix: "ipam-conformance") { directory in
            let database = directory.file("ipam.db")
            let suite = IPAMConformanceSuite { fixture in
                try await LocalSQLiteBackend(
                    configuration: try localConfiguration(for: fixture, database: database), clusterID: fixture.clusterID,
                    logger: quietLogger)
            }
            try await suite.run(check)
        }
    }
}
