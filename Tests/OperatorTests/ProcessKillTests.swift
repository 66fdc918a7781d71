// The overlay-ip-controller executable: bad configuration exits non-zero; SIGKILL mid-burst and restart.
import Foundation
import IPAMBackends
import IPAMCore
import KubeClient
import OverlayAPI
import Testing
import TestSupport

@Suite("The overlay-ip-controller executable", .enabled(if: controllerExecutable != nil))
struct ProcessKillTests {
    @Test("a bad configuration exits non-zero with the IPAM core's path and message")
    func badConfigurationExits() async throws {
        try await OperatorHarness.with { cluster in
            let config = try cluster.directory.write("""
                clusterID: c1
                ipam:
                  backend: local
                  local:
                    database: \(cluster.directory.file("x.db"))
                    zones:
                      dal10:
                        - {subnet: 192.168.100.0/24, gateway: 10.0.0.1}
                """, to: "bad.yaml")
            let output = cluster.directory.file("bad.log")
            let process = try await launchController(["--config", config, "--kubeconfig", cluster.directory.file("kubeconfig")], output: output)
            #expect(await process.exitStatus != 0)
            let text = try String(contentsOfFile: output, encoding: .utf8)
            #expect(text.contains("ipam.local.zones.dal10[0].gateway: 10.0.0.1 is outside 192.168.100.0/24"))
        }
    }

    @Test("SIGKILL during a burst of reservations, then a restart: every node keeps one IP per family of its zone, none leaks",
          arguments: [false, true])
    func killedProcessRestarts(dualStack: Bool) async throws {
        try await OperatorHarness.with { cluster in
            let config = try writeLocalConfiguration(in: cluster, database: "kill.db", ipv6Subnet: dualStack ? "fd00:100::/64" : nil)
            let families = dualStack ? 2 : 1
            let arguments = [
                "--config", config, "--kubeconfig", cluster.directory.file("kubeconfig"), "--leader-elect", "false",
                "--metrics-address", "127.0.0.1:0", "--log-level", "info",
            ]
            let first = try await launchController(arguments, output: cluster.directory.file("first.log"))
            let names = (0..<30).map { "node-\($0)" }
            for name in names { try await cluster.createNode(name, zone: "dal10") }
            try await cluster.waitUntil("some nodes reserved") {
                try await cluster.client.listAll(NodeOverlayIp.self).items.contains { $0.status.ipAddr != nil }
            }
            first.child.terminate(signal: SIGKILL)
            #expect(await first.exitStatus != 0)

            let secondLog = cluster.directory.file("second.log")
            let second = try await launchController(arguments, output: secondLog)
            // SIGTERM is handled once the services run (before that the default action would kill it).
            try await cluster.waitUntil("second process started") {
                (try? String(contentsOfFile: secondLog, encoding: .utf8))?.contains("controller started") == true
            }
            try await cluster.waitUntil("all reserved after restart", timeout: .seconds(30)) {
                let items = try await cluster.client.listAll(NodeOverlayIp.self).items
                return items.count == names.count && items.allSatisfy { $0.status.ipAddrs?.count == families }
            }
            second.child.terminate(signal: SIGTERM)
            #expect(await second.exitStatus == 0)

            let configuration = try OverlayConfiguration.parse(yaml: try String(contentsOfFile: config, encoding: .utf8))
            let ipam = try await cluster.backend(configuration)
            let allocations = try await ipam.allocations()
            #expect(allocations.count == families * names.count)
            let held = Dictionary(grouping: allocations, by: \.owner.nodeName)
            for object in try await cluster.client.listAll(NodeOverlayIp.self).items {
                let mine = held[object.metadata.name] ?? []
                #expect(Set(mine.map(\.address.family)).count == families, "one address per family for \(object.metadata.name)")
                #expect(Set(mine.map(\.cidr)) == Set(object.status.ipAddrs ?? []))
                #expect(object.status.ipAddr == object.status.ipAddrs?.first)
            }
        }
    }

    @Test("--qps 0 and --qps -1 mean no client-side limit: the executable reserves addresses and exits cleanly", arguments: [["--qps", "0"], ["--qps", "-1"]])
    func nonPositiveQPSRunsUnthrottled(qps: [String]) async throws {
        try await OperatorHarness.with { cluster in
            let config = try cluster.directory.write("""
                clusterID: test-cluster
                ipam:
                  backend: local
                  local:
                    database: \(cluster.directory.file("qps.db"))
                    zones:
                      dal10:
                        - {subnet: 192.168.100.0/24}
                """, to: "config.yaml")
            let log = cluster.directory.file("qps.log")
            let process = try await launchController(
                ["--config", config, "--kubeconfig", cluster.directory.file("kubeconfig"), "--leader-elect", "false",
                 "--metrics-address", "127.0.0.1:0"] + qps,
                output: log)
            try await cluster.waitUntil("process started") {
                (try? String(contentsOfFile: log, encoding: .utf8))?.contains("controller started") == true
            }
            for index in 0..<5 { try await cluster.createNode("node-\(index)", zone: "dal10") }
            for index in 0..<5 { try await cluster.waitUntilReserved("node-\(index)") }
            process.child.terminate(signal: SIGTERM)
            #expect(await process.exitStatus == 0)
        }
    }
}
