// The Lease namespace: --namespace, else the pod's namespace; out of a cluster leader election needs the flag.
import Foundation
import Operator
import Testing

@Suite("The leader Lease's namespace")
struct LeaderNamespaceTests {
    @Test("--namespace wins, then the pod's namespace; without either, only a run without election gets a default")
    func resolution() throws {
        #expect(try OperatorNamespace.resolve(flag: "ops", podNamespace: "overlay-system\n", leaderElection: true) == "ops")
        #expect(try OperatorNamespace.resolve(flag: nil, podNamespace: "overlay-system\n", leaderElection: true) == "overlay-system")
        #expect(throws: OperatorNamespaceError()) {
            try OperatorNamespace.resolve(flag: nil, podNamespace: nil, leaderElection: true)
        }
        #expect(throws: OperatorNamespaceError()) {
            try OperatorNamespace.resolve(flag: " ", podNamespace: "", leaderElection: true)
        }
        #expect(try OperatorNamespace.resolve(flag: nil, podNamespace: nil, leaderElection: false) == "default")
    }

    @Test("out of a cluster with leader election and no --namespace the executable exits non-zero with one line naming the flag",
          .enabled(if: controllerExecutable != nil && !FileManager.default.fileExists(atPath: "/var/run/secrets/kubernetes.io/serviceaccount/namespace")))
    func executableRefusesWithoutNamespace() async throws {
        try await OperatorHarness.with { cluster in
            let config = try cluster.directory.write("""
                clusterID: c1
                ipam:
                  backend: local
                  local:
                    database: \(cluster.directory.file("x.db"))
                    zones: {dal10: [192.168.100.0/24]}
                """, to: "config.yaml")
            let output = cluster.directory.file("run.log")
            let process = try await launchController(
                ["--config", config, "--kubeconfig", cluster.directory.file("kubeconfig"), "--metrics-address", "127.0.0.1:0"],
                output: output)
            #expect(await process.exitStatus != 0)
            let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.contains("--namespace is required out of a cluster with leader election on") == true)
        }
    }
}
