// Tests of the readiness report.
import OpsServer
import Testing

@Suite("Readiness checks")
struct HealthStateTests {
    @Test("readiness holds until every check passes")
    func readiness() {
        let health = HealthState()
        health.set("leader-election", ready: true)
        health.set("ipam", ready: false, message: "phpIPAM unreachable")
        #expect(!health.isReady)
        #expect(health.report() == "[-]ipam failed: phpIPAM unreachable\n[+]leader-election ok")
        health.set("ipam", ready: true)
        #expect(health.isReady)
    }
}
