// Over-HTTP tests against the KubeEmulator: conflicts are retried, leaders never overlap and hand over.
import Foundation
import KubeClient
import KubeEmulator
import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import KubeRuntime

@Suite("Controller and leader election over HTTP", .timeLimit(.minutes(2)))
struct EmulatorControllerTests {
    @Test("a reconcile that hits a 409 conflict is retried until its update lands")
    func conflictsAreRetried() async throws {
        try await withEmulator { emulator, client in
            _ = try await client.create(ConfigMap("target", data: ["value": "1"]))
            let conflicts = Mutex(0)
            let interfered = Mutex(false)
            let controller = Controller(for: KubeClientListWatch<ConfigMap>(client: client, namespace: "default")) { cached in
                // Another writer changes the object after we read it, once: our PUT from the cache conflicts.
                let interfere = interfered.withLock { done in defer { done = true }; return !done }
                if interfere {
                    let patch: JSONValue = ["data": ["other": "changed"]]
                    _ = try await client.patch(ConfigMap.self, name: "target", namespace: "default", patch: .merge(patch))
                }
                var updated = cached
                updated.data?["reconciled"] = cached.data?["value"]
                guard updated != cached else { return .awaitChange }
                do {
                    _ = try await client.update(updated)
                } catch let error as KubeAPIError where error.reason == .conflict {
                    conflicts.withLock { $0 += 1 }
                    throw error
                }
                return .awaitChange
            }
            let task = Task { try await controller.run() }
            await controller.store.waitUntil { objects in
                objects[ObjectKey(namespace: "default", name: "target")]?.data?["reconciled"] == "1"
            }
            task.cancel()
            try await task.value
            let stored = try await client.get(ConfigMap.self, name: "target", namespace: "default")
            #expect(stored.data == ["value": "1", "other": "changed", "reconciled": "1"])
            #expect(conflicts.withLock { $0 } >= 1)
        }
    }

    /// Short timings (lease 1.2 s, renew 0.8 s, retry 0.2 s) on the real clock; `reads` logs each Lease GET.
    func elector(_ identity: String, client: KubeClient, reads: EventLog<String> = EventLog()) -> LeaderElector {
        let configuration = LeaderElectionConfiguration(
            leaseName: "overlay-test", leaseNamespace: "default", identity: identity, leaseDuration: .milliseconds(1200),
            renewDeadline: .milliseconds(800), retryPeriod: .milliseconds(200))
        let lock = CountingLeaseLock(inner: KubeLeaseLock(client: client, configuration: configuration), identity: identity, reads: reads)
        return LeaderElector(lock: lock, configuration: configuration)
    }

    /// Passes Lease calls through and logs each read, so a test can await the follower's attempts.
    struct CountingLeaseLock: LeaseLock {
        let inner: KubeLeaseLock
        let identity: String
        let reads: EventLog<String>

        func get() async throws -> (record: LeaseRecord, resourceVersion: String)? {
            defer { reads.record(identity) }
            return try await inner.get()
        }
        func create(_ record: LeaseRecord) async throws -> String { try await inner.create(record) }
        func update(_ record: LeaseRecord, resourceVersion: String) async throws -> String {
            try await inner.update(record, resourceVersion: resourceVersion)
        }
    }

    /// Watches both electors' leadership changes and records any moment both lead.
    final class LeadershipMonitor: Sendable {
        let leaders = EventLog<String>()
        let overlaps = Mutex(0)

        func watch(_ electors: [LeaderElector]) -> Task<Void, Never> {
            Task {
                await withDiscardingTaskGroup { group in
                    for elector in electors {
                        group.addTask {
                            for await leading in elector.leadershipChanges() where leading {
                                if electors.filter(\.isLeader).count > 1 { self.overlaps.withLock { $0 += 1 } }
                                self.leaders.record(elector.configuration.identity)
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("two leader electors never lead at once, and the follower takes over when the leader shuts down")
    func handOverOnShutdown() async throws {
        try await withEmulator { emulator, client in
            let reads = EventLog<String>()
            let first = elector("replica-a", client: client)
            let second = elector("replica-b", client: client, reads: reads)
            let monitor = LeadershipMonitor()
            let watching = monitor.watch([first, second])
            let firstGroup = ServiceGroup(services: [first], logger: Logger(label: "replica-a"))
            let firstTask = Task { try await firstGroup.run() }
            await first.waitUntilLeader()
            let secondTask = Task { try await second.run() }
            // The follower keeps trying for a while without success.
            await reads.waitForCount(3)
            #expect(!second.isLeader)
            await firstGroup.triggerGracefulShutdown()
            try await firstTask.value
            await second.waitUntilLeader()
            #expect(!first.isLeader)
            let lease = try await client.get(Lease.self, name: "overlay-test", namespace: "default")
            #expect(lease.spec.holderIdentity == "replica-b")
            // Created by a (0); a release keeps the count; b taking over adds one.
            #expect(lease.spec.leaseTransitions == 1)
            secondTask.cancel()
            _ = try? await secondTask.value
            watching.cancel()
            await watching.value
            #expect(monitor.overlaps.withLock { $0 } == 0)
            #expect(monitor.leaders.all == ["replica-a", "replica-b"])
        }
    }

    @Test("a leader whose renewals fail gives up leadership, and the follower takes over without overlap")
    func takeOverAfterLostRenewals() async throws {
        try await withEmulator { emulator, client in
            let reads = EventLog<String>()
            let first = elector("replica-a", client: client)
            let second = elector("replica-b", client: client, reads: reads)
            let monitor = LeadershipMonitor()
            let watching = monitor.watch([first, second])
            let firstTask = Task { try await first.run() }
            await first.waitUntilLeader()
            let secondTask = Task { try await second.run() }
            await reads.waitForCount(2)
            // The leader's renewals fail from now on (a partitioned replica); it must give up leadership.
            emulator.failNextRequests(1_000, status: 503, pathContaining: "leases", method: "PUT")
            let lost = await #expect(throws: LeaderElectionError.self) { try await firstTask.value }
            #expect(lost != nil)
            #expect(!first.isLeader)
            emulator.clearInjectedFailures()
            await second.waitUntilLeader()
            secondTask.cancel()
            _ = try? await secondTask.value
            watching.cancel()
            await watching.value
            #expect(monitor.overlaps.withLock { $0 } == 0)
            #expect(monitor.leaders.all == ["replica-a", "replica-b"])
        }
    }
}
