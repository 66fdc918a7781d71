// Unit tests of the pure leader-election decisions and settings validation.
import Foundation
import Testing
@testable import KubeRuntime

@Suite("Lease decisions")
struct LeaseDecisionTests {
    let wall = Date(timeIntervalSince1970: 1_700_000_000)
    let later = Date(timeIntervalSince1970: 1_700_000_100)

    func record(holder: String?, duration: Int = 15, transitions: Int = 0, renewed: Date? = nil) -> LeaseRecord {
        LeaseRecord(holderIdentity: holder, leaseDurationSeconds: duration, acquireTime: wall, renewTime: renewed ?? wall, leaseTransitions: transitions)
    }

    @Test("a missing lease is created with us as holder and zero transitions")
    func createsMissingLease() {
        var observation = LeaseObservation()
        let decision = observation.decide(current: nil, now: .zero, wallClock: wall, identity: "me", leaseDuration: .seconds(15))
        #expect(decision == .create(record(holder: "me")))
    }

    @Test("a lease held by another is respected until leaseDuration after we saw it change")
    func followsUntilObservedExpiry() {
        var observation = LeaseObservation()
        let theirs = record(holder: "other")
        #expect(observation.decide(current: theirs, now: .seconds(100), wallClock: wall, identity: "me", leaseDuration: .seconds(15))
            == .follow(holder: "other", expiresAt: .seconds(115)))
        // Unchanged record: the observed time does not move, so it expires 15 s after we first saw it.
        #expect(observation.decide(current: theirs, now: .seconds(114), wallClock: wall, identity: "me", leaseDuration: .seconds(15))
            == .follow(holder: "other", expiresAt: .seconds(115)))
        guard case .update(let taken) = observation.decide(current: theirs, now: .seconds(115), wallClock: later, identity: "me", leaseDuration: .seconds(15)) else {
            Issue.record("expected to take over the expired lease")
            return
        }
        #expect(taken.holderIdentity == "me")
        #expect(taken.leaseTransitions == 1)
        #expect(taken.acquireTime == later)
    }

    @Test("a renewal by the holder restarts the expiry even if its timestamps are skewed into the past")
    func renewalRestartsExpiry() {
        var observation = LeaseObservation()
        _ = observation.decide(current: record(holder: "other"), now: .seconds(100), wallClock: wall, identity: "me", leaseDuration: .seconds(15))
        // The holder's clock is an hour behind: remote timestamps must not matter, only that the record changed.
        let renewed = record(holder: "other", renewed: wall.addingTimeInterval(-3600))
        #expect(observation.decide(current: renewed, now: .seconds(110), wallClock: wall, identity: "me", leaseDuration: .seconds(15))
            == .follow(holder: "other", expiresAt: .seconds(125)))
    }

    @Test("our own lease is renewed keeping its acquire time and transitions")
    func renewsOwnLease() {
        var observation = LeaseObservation()
        let ours = record(holder: "me", transitions: 3)
        guard case .update(let renewed) = observation.decide(current: ours, now: .seconds(5), wallClock: later, identity: "me", leaseDuration: .seconds(15)) else {
            Issue.record("expected a renewal")
            return
        }
        #expect(renewed.acquireTime == wall)
        #expect(renewed.renewTime == later)
        #expect(renewed.leaseTransitions == 3)
    }

    @Test("a released lease (empty holder) is taken at once")
    func takesReleasedLease() {
        var observation = LeaseObservation()
        let released = LeaseObservation.releaseRecord(from: record(holder: "other", transitions: 2), wallClock: wall)
        #expect(released.holderIdentity == "")
        #expect(released.leaseDurationSeconds == 1)
        guard case .update(let taken) = observation.decide(current: released, now: .zero, wallClock: later, identity: "me", leaseDuration: .seconds(15)) else {
            Issue.record("expected to take the released lease")
            return
        }
        #expect(taken.holderIdentity == "me")
        #expect(taken.leaseDurationSeconds == 15)
        #expect(taken.leaseTransitions == 3)
    }

    @Test("leader election defaults are 15, 10 and 2 seconds and valid")
    func defaults() throws {
        let configuration = LeaderElectionConfiguration(leaseName: "overlay", leaseNamespace: "kube-system")
        #expect(configuration.leaseDuration == .seconds(15))
        #expect(configuration.renewDeadline == .seconds(10))
        #expect(configuration.retryPeriod == .seconds(2))
        #expect(configuration.requestTimeout == .seconds(5))
        #expect(configuration.identity.contains("_"))
        try configuration.validate()
    }

    @Test("settings are rejected unless lease > renew deadline > 1.2 × retry period")
    func validation() {
        let renewTooLong = LeaderElectionConfiguration(leaseName: "l", leaseNamespace: "n", leaseDuration: .seconds(10), renewDeadline: .seconds(10))
        #expect(throws: LeaderElectionConfigurationError.self) { try renewTooLong.validate() }
        let retryTooLong = LeaderElectionConfiguration(leaseName: "l", leaseNamespace: "n", renewDeadline: .seconds(2), retryPeriod: .seconds(2))
        #expect(throws: LeaderElectionConfigurationError.self) { try retryTooLong.validate() }
    }
}
