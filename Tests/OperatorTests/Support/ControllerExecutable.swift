// The built overlay-ip-controller executable and a way to launch it with its output in a file.
import ChildProcessSupport
import Foundation
import TestSupport

/// The built executable, next to the test bundle (`swift build --build-tests` builds it too).
let controllerExecutable: String? = {
    let candidates = [Bundle.main.executableURL?.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()]
        .compactMap { $0?.appendingPathComponent("overlay-ip-controller").path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// A started overlay-ip-controller.
struct LaunchedController {
    let child: ChildProcess

    var exitStatus: Int32 {
        get async { await child.exitStatus() }
    }
}

/// Writes `config.yaml`: cluster `test-cluster` on the local backend (database `database` in the cluster's
/// directory) with one /24 in zone `dal10`, and `ipv6Subnet` after it when given (a dual-stack zone); returns its path.
func writeLocalConfiguration(in cluster: OperatorHarness, database: String, ipv6Subnet: String? = nil) throws -> String {
    try cluster.directory.write("""
        clusterID: test-cluster
        ipam:
          backend: local
          local:
            database: \(cluster.directory.file(database))
            zones:
              dal10:
                - {subnet: 192.168.100.0/24}
        \(ipv6Subnet.map { "        - {subnet: \"\($0)\"}" } ?? "")
        """, to: "config.yaml")
}

func launchController(_ arguments: [String], output: String) async throws -> LaunchedController {
    var environment = ProcessInfo.processInfo.environment
    environment["KUBECONFIG"] = nil
    let child = try await ChildProcess.launch(
        controllerExecutable ?? "/nonexistent", arguments: arguments, environment: environment,
        standardOutput: .file(output), standardError: .standardOutput)
    return LaunchedController(child: child)
}
