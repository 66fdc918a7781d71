// The recovery loop: a lost local database is rebuilt from status; orphans go after the grace period.
import Foundation
import IPAMCore
import KubeClient
import KubeRuntime
import Operator
import OverlayAPI
import TestSupport
import Testing

@Suite("Recovery and leak loop")
struct RecoveryTests {
    @Test("a lost local database is rebuilt from NodeOverlayIp status with the same addresses")
    func lostDatabaseIsRebuilt() async throws {
        try await OperatorHarness.with { cluster in
            let configuration = try cluster.localConfiguration(database: "lost.db")
            let ipam = try await cluster.backend(configuration)
            let first = try await cluster.startOperator(ipam: ipam)
            for name in ["node-a", "node-b", "node-c"] { try await cluster.createNode(name, zone: "dal10") }
            var recorded: [String: String] = [:]
            for name in ["node-a", "node-b", "node-c"] {
                recorded[name] = try await cluster.waitUntilReserved(name).status.ipAddr
            }
            await first.stop()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: cluster.directory.file("lost.db" + suffix)) }

            let fresh = try await cluster.backend(configuration)
            #expect(try await fresh.allocations().isEmpty)
            let second = try await cluster.startOperator(ipam: fresh)
            let report = try await second.process.recovery.runOnce()
            // The address controller may re-claim some first; together they restore every address.
            #expect(report.released.isEmpty)
            let restored = Dictionary(uniqueKeysWithValues: try await fresh.allocations().map { ($0.owner.nodeName, $0.cidr) })
            #expect(restored == recorded)
            await second.stop()
        }
    }

    @Test("an allocation without a NodeOverlayIp is released only after the grace period; dry run only reports")
    func orphanReleasedAfterGracePeriod() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.backend(try cluster.localConfiguration())
            let ghost = IPAMOwner(clusterID: "test-cluster", nodeName: "ghost")
            let foreign = IPAMOwner(clusterID: "other-cluster", nodeName: "ghost")
            _ = try await ipam.reserve(ghost, zone: "dal10", family: .v4)
            let clock = ManualClock()

            // Dry run: reports, releases nothing.
            let dryRun = try await cluster.startOperator(
                ipam: ipam,
                settings: OperatorSettings(clusterID: "test-cluster", orphanGracePeriod: .seconds(600), dryRun: true),
                policyClock: RuntimeClock(clock))
            await dryRun.stop()
            _ = try await dryRun.process.recovery.runOnce()
            clock.advance(by: .seconds(601))
            let dryReport = try await dryRun.process.recovery.runOnce()
            #expect(dryReport.released.count == 1)
            #expect(try await ipam.allocation(for: ghost, family: .v4) != nil)

            let live = try await cluster.startOperator(
                ipam: ipam, settings: OperatorSettings(clusterID: "test-cluster", orphanGracePeriod: .seconds(600)),
                policyClock: RuntimeClock(clock))
            await live.stop()
            let early = try await live.process.recovery.runOnce()
            #expect(early.orphansWaiting == 1 && early.released.isEmpty)
            clock.advance(by: .seconds(599))
            #expect(try await live.process.recovery.runOnce().released.isEmpty)
            #expect(try await ipam.allocation(for: ghost, family: .v4) != nil)
            clock.advance(by: .seconds(2))
            let late = try await live.process.recovery.runOnce()
            #expect(late.released.count == 1)
            #expect(try await ipam.allocation(for: ghost, family: .v4) == nil)
            #expect(try await ipam.allocation(for: foreign, family: .v4) == nil)
            #expect(live.process.metricsRegistry.emitToString().contains("overlay_recovery_orphans_released_total 1"))
        }
    }
}
