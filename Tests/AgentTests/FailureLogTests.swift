// A route that keeps failing is logged when it starts failing and when it clears, not on every retry.
@testable import Agent
import KubeClient
import Logging
import OverlayAPI
import Synchronization
import Testing
import TestSupport

/// Counts the passes that ended with problems, for a test that waits for retries.
private final class FailedPasses: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func observe(_ outcome: ReconcileOutcome) {
        if !outcome.problems.isEmpty { count.withLock { $0 += 1 } }
    }
}

/// Creates a StaticRoute whose gateway no address of the node reaches (every add fails with ENETUNREACH), lets
/// the agent retry it, then deletes it; checks that the retries logged nothing at info or above.
private func checkPersistentFailureLoggedOnce(
    _ cluster: AgentCluster, logs: CapturedLogs, failedPasses: FailedPasses
) async throws {
    try await cluster.createRoute("unreachable", subnet: "10.9.0.0/16", gateway: "10.200.0.1")
    try await cluster.waitUntil("a failed pass and its retry") { failedPasses.value >= 2 }
    let loggedAtSecondFailure = logs.all.filter { $0.level >= .info }.count
    try await cluster.waitUntil("three more retries") { failedPasses.value >= 5 }
    let retries = logs.all.filter { $0.level >= .info }.dropFirst(loggedAtSecondFailure).map(\.text)
    #expect(retries.isEmpty, "logged on retries: \(retries)")
    _ = try await cluster.client.delete(StaticRoute.self, name: "unreachable")
    try await cluster.waitUntil("a pass without problems") { cluster.outcome?.problems.isEmpty == true }
    let lines = logs.all.filter { $0.level >= .info }.map(\.text)
    #expect(lines.filter { $0.hasPrefix("reconciled with problems") }.count == 1, "\(lines)")
    #expect(lines.filter { $0.hasPrefix("problems cleared") }.count == 1, "\(lines)")
}

@Suite("Agent failure logs")
struct FailureLogTests {
    @Test("a route that keeps failing is logged once when it starts failing and once when it clears (simulated kernel)")
    func persistentRouteFailureOnSimulatedKernel() async throws {
        try await AgentCluster.with(hostIP: "10.77.0.10") { cluster in
            let logs = CapturedLogs()
            let failedPasses = FailedPasses()
            let kernel = SimulatedKernel(
                hostInterface: "host0", hostAddress: try #require(OverlayAddress(cidr: "10.77.0.10/24")), logger: logs.logger())
            try await cluster.createOverlay()
            let agent = cluster.startAgent { configuration, onReconcile in
                NodeAgent(configuration: configuration, client: cluster.client, kernel: kernel, logger: logs.logger()) { outcome in
                    failedPasses.observe(outcome)
                    onReconcile(outcome)
                }
            }
            defer { agent.cancel() }
            try await cluster.waitUntil("the address reported") { try await cluster.overlay().status.configuredAddress != nil }
            try await checkPersistentFailureLoggedOnce(cluster, logs: logs, failedPasses: failedPasses)
        }
    }

    @Test(
        "a route the kernel keeps refusing is logged once when it starts failing and once when it clears (real kernel)",
        .enabled("needs root to create network namespaces") { await TestNetworkNamespace.isAvailable })
    func persistentRouteFailureOnRealKernel() async throws {
        try await AgentHarness.with { harness in
            let logs = CapturedLogs()
            let failedPasses = FailedPasses()
            try await harness.createOverlay()
            let agent = harness.startAgent(logger: logs.logger(), onReconcile: failedPasses.observe)
            defer { agent.cancel() }
            try await harness.waitUntil("the address reported") { try await harness.overlay().status.configuredAddress != nil }
            try await checkPersistentFailureLoggedOnce(harness.cluster, logs: logs, failedPasses: failedPasses)
        }
    }
}
