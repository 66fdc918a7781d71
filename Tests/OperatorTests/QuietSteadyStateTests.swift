// A converged cluster costs nothing: no IPAM request for a recorded address, no reconcile for kubelet heartbeats.
import IPAMCore
import KubeClient
import KubeRuntime
import Operator
import OverlayAPI
import Testing

@Suite("Steady state against the emulator")
struct QuietSteadyStateTests {
    @Test("a reconcile of a NodeOverlayIp whose status records its address with Reserved=True makes no IPAM request")
    func convergedReconcileAsksNoIPAM() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = CountingIPAM(try await cluster.backend(try cluster.localConfiguration()))
            let running = try await cluster.startOperator(ipam: ipam)
            try await cluster.createNode("node-a", zone: "dal10")
            let reserved = try await cluster.waitUntilReserved("node-a")
            #expect(ipam.calls["reserveZone"] == 1)
            ipam.reset()

            // The agent's report triggers a reconcile that writes Ready=True, from status alone.
            try await cluster.reportAsAgent("node-a", configuredAddress: reserved.status.ipAddr)
            try await cluster.waitUntil("node-a Ready") {
                (try await cluster.address("node-a"))?.status.conditions?.isTrue("Ready") == true
            }
            #expect(ipam.calls.filter { $0.key != "allocations" && $0.key != "usage" }.isEmpty, "IPAM calls: \(ipam.calls)")
            await running.stop()
        }
    }
}
