// Runs the shared IPAM conformance suite against the phpIPAM backend talking to the emulator over HTTP.
import IPAMConformance
import IPAMCore
import IPAMphpIPAM
import Logging
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM backend: IPAM conformance")
struct PhpIPAMConformanceTests {
    @Test("conformance", arguments: IPAMConformanceSuite.cases)
    func conformance(_ check: ConformanceCase) async throws {
        let fixture = ConformanceFixture.standard
        let emulator = PhpIPAMEmulator(seed: ConformanceSeed.seed(for: fixture))
        let server = try await PhpIPAMServer.start(emulator: emulator)
        let configuration = PhpIPAMConfiguration(
            url: server.baseURL, appID: "iksnone", credentials: .environment,
            subnetMap: ConformanceSeed.subnetMap(for: fixture))
        // Every backend the suite opens (including "reopened" ones) is a new client of the same server.
        let suite = IPAMConformanceSuite(fixture: fixture) { fixture in
            try await PhpIPAMBackend(
                configuration: configuration, clusterID: fixture.clusterID, logger: Logger(label: "phpipam-conformance"),
                environment: EmulatorFixture.credentialsEnvironment)
        }
        do {
            try await suite.run(check)
            await server.shutdown()
        } catch {
            await server.shutdown()
            throw error
        }
    }
}
