// Two operator instances: only the leader acts; stopping it hands over without double allocation.
import Foundation
import IPAMCore
import KubeClient
import Operator
import OverlayAPI
import Testing

@Suite("Leader election between two operator instances")
struct LeaderElectionTests {
    @Test("only the leader writes; stopping it hands over and nothing is allocated twice")
    func onlyTheLeaderActs() async throws {
        try await OperatorHarness.with { cluster in
            let configuration = try cluster.localConfiguration()
            let ipamA = try await cluster.backend(configuration)
            let ipamB = try await cluster.backend(configuration)
            let a = try await cluster.startOperator(ipam: ipamA, identity: "operator-a")
            let electorA = try #require(a.process.leaderElector)
            await electorA.waitUntilLeader()
            let b = try await cluster.startOperator(ipam: ipamB, identity: "operator-b")
            let electorB = try #require(b.process.leaderElector)

            try await cluster.createNode("node-1", zone: "dal10")
            try await cluster.createNode("node-2", zone: "dal10")
            try await cluster.waitUntilReserved("node-1")
            try await cluster.waitUntilReserved("node-2")
            #expect(electorA.isLeader)
            #expect(!electorB.isLeader)
            #expect(b.process.metricsRegistry.emitToString().contains(#"leader_election_master_status{name="overlay-ip-controller"} 0"#))
            // The standby's reconcile counters exist (at 0, as controller-runtime's do) and none has counted.
            let standbyReconciles = b.process.metricsRegistry.emitToString().split(separator: "\n")
                .filter { $0.hasPrefix("controller_runtime_reconcile_total{") }
            #expect(!standbyReconciles.isEmpty && standbyReconciles.allSatisfy { $0.hasSuffix(" 0") }, "\(standbyReconciles)")

            await a.stop()
            await electorB.waitUntilLeader()
            try await cluster.createNode("node-3", zone: "dal10")
            let third = try await cluster.waitUntilReserved("node-3")
            let allocations = try await ipamB.allocations()
            #expect(allocations.count == 3)
            #expect(Set(allocations.map(\.address)).count == 3)
            #expect(allocations.first { $0.owner.nodeName == "node-3" }?.cidr == third.status.ipAddr)
            #expect(b.process.metricsRegistry.emitToString().contains(#"leader_election_master_status{name="overlay-ip-controller"} 1"#))
            await b.stop()
        }
    }
}
