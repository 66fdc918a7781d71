// The real overlay-ip-controller and overlay-network-agent processes export every documented metric on /metrics.
import ChildProcessSupport
import Foundation
import HTTP
import KubeClient
import OverlayAPI
import Testing
import TestSupport

/// The agent executable, built next to the controller.
private let agentExecutable: String? = controllerExecutable.map {
    URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("overlay-network-agent").path
}.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }

/// The samples of one scrape, read from the Prometheus text format.
private struct Scrape {
    let lines: [Substring]

    /// The sum of every sample of `name` whose labels include each of `labels` (`key="value"`).
    func value(_ name: String, _ labels: String...) -> Double? {
        let samples = lines.filter { line in
            (line.hasPrefix(name + "{") || line.hasPrefix(name + " ")) && labels.allSatisfy { line.contains($0) }
        }
        guard !samples.isEmpty else { return nil }
        return samples.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    /// Whether any sample is of the metric `name` (a histogram's `name_count` and friends included).
    func has(_ name: String) -> Bool {
        lines.contains { line in
            guard !line.hasPrefix("#"), let sample = line.split(whereSeparator: { $0 == "{" || $0 == " " }).first else { return false }
            return sample == name || ["_count", "_sum", "_bucket"].contains { sample == name + $0 }
        }
    }

    static func of(port: Int) async throws -> Scrape {
        let response = try await HTTPClient().send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/metrics"))
        return Scrape(lines: String(decoding: response.body, as: UTF8.self).split(separator: "\n"))
    }
}

/// The metric names of the README's metrics table (the first column of the rows after `### Metrics`).
private func documentedMetrics() throws -> [String] {
    let readme = try String(contentsOf: OperatorHarness.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let section = try #require(readme.components(separatedBy: "### Metrics").dropFirst().first?.components(separatedBy: "\n### ").first)
    return section.split(separator: "\n").compactMap { row in
        guard row.hasPrefix("| `") else { return nil }
        return row.dropFirst(3).split(separator: "`").first.map(String.init)
    }
}

/// The ops port a process logged (`opsPort=N` or `address=127.0.0.1:N`), once it has.
private func loggedPort(in log: String, cluster: OperatorHarness) async throws -> Int {
    var port: Int?
    try await cluster.waitUntil("ops endpoint listening") {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.contains("operations endpoint listening") }),
              let address = line.split(separator: " ").first(where: { $0.hasPrefix("address=") })
        else { return false }
        port = address.split(separator: ":").last.flatMap { Int($0) }
        return port != nil
    }
    return try #require(port)
}

@Suite("Metrics of the running processes", .enabled(if: controllerExecutable != nil && agentExecutable != nil))
struct MetricsScrapeTests {
    @Test("the operator and an agent export every documented metric; queue depth returns to 0 and API counts grow with nodes")
    func everyDocumentedMetric() async throws {
        try await OperatorHarness.with { cluster in
            let config = try writeLocalConfiguration(in: cluster, database: "scrape.db")
            let kubeconfig = cluster.directory.file("kubeconfig")
            let operatorLog = cluster.directory.file("operator.log")
            let controller = try await launchController(
                ["--config", config, "--kubeconfig", kubeconfig, "--leader-elect", "false", "--metrics-address", "127.0.0.1:0"],
                output: operatorLog)
            defer { controller.child.terminate(signal: SIGKILL) }
            let operatorPort = try await loggedPort(in: operatorLog, cluster: cluster)

            func reserved(_ count: Int) async throws {
                try await cluster.waitUntil("\(count) addresses reserved") {
                    let items = try await cluster.client.listAll(NodeOverlayIp.self).items
                    return items.count == count && items.allSatisfy { $0.status.ipAddr != nil }
                }
            }
            for index in 0..<2 { try await cluster.createNode("node-\(index)", zone: "dal10") }
            try await reserved(2)
            var scrape = try await Scrape.of(port: operatorPort)
            let createsForTwo = try #require(scrape.value("rest_client_requests_total", #"verb="create""#, #"resource="nodeoverlayips""#))
            for index in 2..<5 { try await cluster.createNode("node-\(index)", zone: "dal10") }
            try await reserved(5)
            try await cluster.waitUntil("the address queue drained") {
                try await Scrape.of(port: operatorPort).value("workqueue_depth", #"name="addresses""#) == 0
            }
            scrape = try await Scrape.of(port: operatorPort)
            #expect(scrape.value("rest_client_requests_total", #"verb="create""#, #"resource="nodeoverlayips""#) == createsForTwo + 3)
            #expect((scrape.value("rest_client_request_duration_seconds_count", #"verb="list""#, #"resource="nodes""#) ?? 0) >= 1)
            #expect(scrape.value("overlay_ipam_requests_total", #"backend="local""#, #"operation="reserve_zone""#, #"outcome="success""#) == 5)
            #expect(scrape.value("overlay_ipam_request_duration_seconds_count", #"operation="reserve_zone""#) == 5)
            #expect(scrape.value("overlay_ipam_addresses", #"zone="dal10""#, #"state="free""#) != nil)
            #expect(scrape.value("overlay_allocations", #"zone="dal10""#) == 5)
            for name in ["nodes", "addresses", "routes"] {
                #expect(scrape.value("workqueue_depth", #"name="\#(name)""#) == 0, "\(name)")
            }
            #expect((scrape.value("workqueue_adds_total", #"name="addresses""#) ?? 0) >= 5)
            #expect(scrape.value("workqueue_retries_total", #"name="addresses""#) != nil)
            #expect((scrape.value("workqueue_queue_duration_seconds_count", #"name="addresses""#) ?? 0) >= 5)
            #expect((scrape.value("workqueue_work_duration_seconds_count", #"name="addresses""#) ?? 0) >= 5)
            #expect((scrape.value("controller_runtime_reconcile_total", #"controller="addresses""#, #"result="success""#) ?? 0) >= 5)
            #expect(scrape.value("controller_runtime_reconcile_errors_total", #"controller="addresses""#) == 0)
            #expect((scrape.value("controller_runtime_reconcile_time_seconds_count", #"controller="nodes""#) ?? 0) >= 5)
            #expect(scrape.value("overlay_watch_restarts_total", #"resource="nodes""#) != nil)
            #expect(scrape.value("overlay_watch_relists_total", #"resource="nodes""#) == 0)
            #expect(scrape.value("leader_election_master_status", #"name="overlay-ip-controller""#) == 1)
            #expect(scrape.value("overlay_recovery_orphans_waiting") == 0)
            #expect(scrape.value("overlay_recovery_reclaimed_total") == 0)
            #expect(scrape.value("overlay_recovery_orphans_released_total") == 0)

            // One agent, in a dry run (a simulated kernel), configuring node-0 and one StaticRoute.
            _ = try await cluster.client.create(
                StaticRoute(metadata: ObjectMeta(name: "onprem"), spec: StaticRouteSpec(subnet: "10.9.0.0/16")))
            let agentLog = cluster.directory.file("agent.log")
            let agentPath = try #require(agentExecutable)
            var environment = ProcessInfo.processInfo.environment
            environment["KUBECONFIG"] = nil
            let agent = try await ChildProcess.launch(
                agentPath,
                arguments: [
                    "--node-name", "node-0", "--interface", "eth0", "--kubeconfig", kubeconfig, "--dry-run", "--dry-run-host-address", "10.0.0.5/24",
                    "--ops-port", "0", "--ops-address", "127.0.0.1",
                ],
                environment: environment, standardOutput: .file(agentLog), standardError: .standardOutput)
            defer { agent.terminate(signal: SIGKILL) }
            let agentPort = try await loggedPort(in: agentLog, cluster: cluster)
            do {
                try await cluster.waitUntil("the agent applied the route and counted its pass") {
                    let scrape = try await Scrape.of(port: agentPort)
                    return scrape.value("overlay_agent_routes", #"state="Applied""#) == 1
                        && (scrape.value("overlay_agent_netlink_writes_total") ?? 0) >= 3
                }
            } catch {
                Issue.record("the agent's log: \((try? String(contentsOfFile: agentLog, encoding: .utf8)) ?? "none")")
                throw error
            }
            let agentScrape = try await Scrape.of(port: agentPort)
            #expect((agentScrape.value("overlay_agent_reconcile_total") ?? 0) >= 1)
            #expect(agentScrape.value("overlay_agent_reconcile_failures_total") != nil)
            #expect((agentScrape.value("overlay_agent_netlink_writes_total") ?? 0) >= 3)
            #expect(agentScrape.value("overlay_agent_drift_repairs_total") != nil)
            #expect((agentScrape.value("overlay_agent_reconcile_duration_seconds_count") ?? 0) >= 1)
            #expect(agentScrape.value("overlay_agent_routes", #"state="Failed""#) == 0)
            #expect((agentScrape.value("rest_client_requests_total", #"verb="list""#, #"resource="staticroutes""#) ?? 0) >= 1)

            // Every row of the README's table is served by one of the two processes.
            let documented = try documentedMetrics()
            #expect(documented.count >= 25, "the README's metrics table was not found: \(documented)")
            let missing = documented.filter { !scrape.has($0) && !agentScrape.has($0) }
            #expect(missing.isEmpty, "documented but not served: \(missing)")
        }
    }
}
