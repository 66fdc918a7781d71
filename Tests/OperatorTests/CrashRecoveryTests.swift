// The operator is killed at each step between reserve and status write (and after release), then restarted.
import Foundation
import IPAMCore
import KubeClient
import Operator
import OverlayAPI
import Testing

@Suite("Crash recovery: same IPs, no second reservation, no leak")
struct CrashRecoveryTests {
    @Test("killed between reserve and status write, or right after it, the restarted operator keeps the one IP",
          arguments: [CrashPoint.afterReserve, .afterStatusWrite])
    func crashAroundStatusWrite(point: CrashPoint) async throws {
        try await OperatorHarness.with { cluster in
            let configuration = try cluster.localConfiguration()
            let owner = IPAMOwner(clusterID: "test-cluster", nodeName: "node-a")
            let signal = CrashSignal(at: point, node: "node-a")
            let firstIPAM = try await cluster.backend(configuration)
            let first = try await cluster.startOperator(ipam: firstIPAM, crashHook: signal.hook)
            try await cluster.createNode("node-a", zone: "dal10")
            try await cluster.createNode("node-b", zone: "dal10")
            await signal.reached()
            await first.crash()
            let held = try #require(try await firstIPAM.allocation(for: owner, family: .v4))
            let recorded = try await cluster.address("node-a")?.status.ipAddr
            #expect(recorded == (point == .afterReserve ? nil : held.cidr), "the crash happened at \(point)")

            // Restart on the same database with a fresh backend instance.
            let secondIPAM = try await cluster.backend(configuration)
            let second = try await cluster.startOperator(ipam: secondIPAM)
            let object = try await cluster.waitUntilReserved("node-a")
            try await cluster.waitUntilReserved("node-b")
            #expect(object.status.ipAddr == held.cidr)
            let allocations = try await secondIPAM.allocations()
            #expect(allocations.count == 2)
            #expect(allocations.filter { $0.owner == owner }.map(\.address) == [held.address])
            await second.stop()
        }
    }

    @Test("killed after release but before the finalizer is removed, the restarted operator finishes the deletion")
    func crashAfterRelease() async throws {
        try await OperatorHarness.with { cluster in
            let configuration = try cluster.localConfiguration()
            let signal = CrashSignal(at: .afterRelease, node: "node-a")
            let firstIPAM = try await cluster.backend(configuration)
            let first = try await cluster.startOperator(ipam: firstIPAM, crashHook: signal.hook)
            try await cluster.createNode("node-a", zone: "dal10")
            try await cluster.createNode("node-b", zone: "dal10")
            try await cluster.waitUntilReserved("node-a")
            try await cluster.waitUntilReserved("node-b")
            try await cluster.deleteNode("node-a")
            await signal.reached()
            await first.crash()
            #expect(try await cluster.address("node-a")?.metadata.deletionTimestamp != nil)

            let secondIPAM = try await cluster.backend(configuration)
            let second = try await cluster.startOperator(ipam: secondIPAM)
            try await cluster.waitUntil("node-a's NodeOverlayIp gone") { try await cluster.address("node-a") == nil }
            #expect(try await secondIPAM.allocations().map(\.owner.nodeName) == ["node-b"])
            await second.stop()
        }
    }
}
