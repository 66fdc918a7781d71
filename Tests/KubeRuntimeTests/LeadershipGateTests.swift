// Tests that controllers wait for leadership, and of an elector on an in-memory Lease and a manual clock.
import Foundation
import KubeClient
import Logging
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing
@testable import KubeRuntime

/// A Lease kept in memory with kube-apiserver's optimistic concurrency (409 on a stale resourceVersion).
final class InMemoryLeaseLock: LeaseLock {
    private let lease = Mutex<(record: LeaseRecord, version: Int)?>(nil)
    /// One entry per GET, so tests can await electors' attempts.
    let reads = EventLog<Void>()

    var record: LeaseRecord? { lease.withLock { $0?.record } }

    func get() async throws -> (record: LeaseRecord, resourceVersion: String)? {
        defer { reads.record(()) }
        return lease.withLock { current in current.map { ($0.record, String($0.version)) } }
    }

    func create(_ record: LeaseRecord) async throws -> String {
        try lease.withLock { current in
            guard current == nil else { throw KubeAPIError(code: 409, status: Status(reason: "AlreadyExists", code: 409)) }
            current = (record, 1)
            return "1"
        }
    }

    func update(_ record: LeaseRecord, resourceVersion: String) async throws -> String {
        try lease.withLock { current in
            guard let existing = current, String(existing.version) == resourceVersion else {
                throw KubeAPIError(code: 409, status: Status(reason: "Conflict", code: 409))
            }
            current = (record, existing.version + 1)
            return String(existing.version + 1)
        }
    }
}

@Suite("Leadership gate")
struct LeadershipGateTests {
    func configuration(_ identity: String) -> LeaderElectionConfiguration {
        LeaderElectionConfiguration(leaseName: "gate", leaseNamespace: "default", identity: identity)
    }

    @Test("controller reconciles nothing until this process leads")
    func waitsForLeadership() async throws {
        let clock = ManualClock()
        let lock = InMemoryLeaseLock()
        let elector = LeaderElector(lock: lock, configuration: configuration("me"), clock: RuntimeClock(clock))
        let source = InMemoryListWatch([Widget("a")])
        let leadingDuringReconcile = EventLog<Bool>()
        let controller = Controller(for: source, leadership: elector, clock: RuntimeClock(clock)) { _ in
            leadingDuringReconcile.record(elector.isLeader)
            return .awaitChange
        }
        let controllerTask = Task { try await controller.run() }
        await controller.store.waitUntilReady()
        #expect(leadingDuringReconcile.all.isEmpty)
        let electorTask = Task { try await elector.run() }
        await leadingDuringReconcile.waitForCount(1)
        #expect(leadingDuringReconcile.all == [true])
        #expect(lock.record?.holderIdentity == "me")
        controllerTask.cancel()
        electorTask.cancel()
        try await controllerTask.value
        _ = try? await electorTask.value
    }

    @Test("a second elector follows while the first holds an unexpired lease")
    func secondFollows() async throws {
        let clock = ManualClock()
        let lock = InMemoryLeaseLock()
        let first = LeaderElector(lock: lock, configuration: configuration("a"), clock: RuntimeClock(clock))
        let second = LeaderElector(lock: lock, configuration: configuration("b"), clock: RuntimeClock(clock))
        let firstTask = Task { try await first.run() }
        await first.waitUntilLeader()
        let secondTask = Task { try await second.run() }
        // Read 1 was the first elector's; read 2 is the follower's attempt, which must not take the lease.
        await lock.reads.waitForCount(2)
        // Both now wait: the leader to renew at 2 s, the follower to retry within 2 s × (1 + 1.2). Request
        // timeouts (5 s) are excluded, so a follower still deciding does not count.
        await clock.waitForSleepers { deadlines in deadlines.filter { $0.offset <= .milliseconds(4400) }.count >= 2 }
        #expect(!second.isLeader)
        #expect(!second.hasLed)
        #expect(lock.record?.holderIdentity == "a")
        firstTask.cancel()
        secondTask.cancel()
        _ = try? await firstTask.value
        _ = try? await secondTask.value
    }

    @Test("graceful shutdown drains running reconciles first and releases the lease last")
    func shutdownOrder() async throws {
        let clock = ManualClock()
        let lock = InMemoryLeaseLock()
        let elector = LeaderElector(lock: lock, configuration: configuration("me"), clock: RuntimeClock(clock))
        let gate = AsyncGate()
        let holderAfterReconcile = EventLog<String>()
        let started = EventLog<Void>()
        let controller = Controller(for: InMemoryListWatch([Widget("a")]), leadership: elector, clock: RuntimeClock(clock)) { _ in
            started.record(())
            await gate.wait()
            holderAfterReconcile.record(lock.record?.holderIdentity ?? "none")
            return .awaitChange
        }
        // The elector first: services shut down in reverse order, so the controller drains before the release.
        let group = ServiceGroup(services: [elector, controller], logger: Logger(label: "test"))
        let run = Task { try await group.run() }
        await started.waitForCount(1)
        await group.triggerGracefulShutdown()
        #expect(lock.record?.holderIdentity == "me")
        gate.open()
        try await run.value
        #expect(holderAfterReconcile.all == ["me"])
        #expect(lock.record?.holderIdentity == "")
        #expect(lock.record?.leaseDurationSeconds == 1)
        #expect(!elector.isLeader)
    }

    @Test("invalid election settings make run fail with a message naming the rule")
    func invalidSettingsFail() async {
        let bad = LeaderElectionConfiguration(leaseName: "gate", leaseNamespace: "default", identity: "x", renewDeadline: .seconds(20))
        let elector = LeaderElector(lock: InMemoryLeaseLock(), configuration: bad)
        let error = await #expect(throws: LeaderElectionConfigurationError.self) { try await elector.run() }
        #expect(error?.description.contains("must be greater than renewDeadline") == true)
    }
}
