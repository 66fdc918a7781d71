// Runs the shared IPAM conformance suite against the phpIPAM backend talking to the emulator over HTTP.
import IPAMConformance
import IPAMCore
import IPAMphpIPAM
import Logging
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM backend: IPAM conformance")
struct PhpIPAMConformanceTests {
    @Test("conformance", arguments: IPAMConformanceSuite.cases + IPAMConformanceSuite.cooldownCases)
    func conformance(_ check: ConformanceCase) async throws {
        let fixture = ConformanceFixture.standard
        let emulator = PhpIPAMEmulator(seed: ConformanceSeed.seed(for: fixture))
        let server = try await PhpIPAMServer.start(emulator: emulator)
        // The backends' clock for cool-downs; the emulator keeps the real one (its tokens stay valid).
        let clock = ManualWallClock()
        let cooldown = IPAMConformanceSuite.Cooldown(duration: .seconds(300)) { clock.advance(by: Double($0.components.seconds)) }
        let configuration = PhpIPAMConfiguration(
            url: server.baseURL, appID: "iksnone", credentials: .environment,
            subnetMap: ConformanceSeed.subnetMap(for: fixture), releaseCooldown: cooldown.duration)
        // Every backend the suite opens (including "reopened" ones) is a new client of the same server.
        let suite = IPAMConformanceSuite(fixture: fixture, cooldown: cooldown) { fixture in
            try await PhpIPAMBackend(
                configuration: configuration, clusterID: fixture.clusterID, logger: Logger(label: "phpipam-conformance"),
                environment: EmulatorFixture.credentialsEnvironment, now: clock.source)
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
