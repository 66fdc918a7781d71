// Runs the shared IPAM conformance suite against the phpIPAM backend talking to the emulator over HTTP.
import IPAMConformance
import IPAMCore
import IPAMphpIPAM
import Logging
import PhpIPAMEmulator
import Testing

@Suite("phpIPAM backend: IPAM conformance")
struct PhpIPAMConformanceTests {
    /// Every group: IPv4, IPv6 and dual-stack zones (the emulator's IPv6 subnets offer their subnet address
    /// from first_free, as phpIPAM does) and the cool-down cases.
    @Test("conformance", arguments: IPAMConformanceSuite.cases(.all))
    func conformance(_ check: ConformanceCase) async throws {
        let fixture = ConformanceFixture.allFamilies
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
