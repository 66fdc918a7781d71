// Runs overlay-ipam commands in-process against a temporary local database and captures their output.

import Foundation
import Logging
import OverlayIPAMCommands
import Synchronization
import TestSupport

/// What one command run produced.
struct CommandResult: Sendable {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// The non-empty lines written to standard error.
    var errorLines: [String] { standardError.split(separator: "\n").map(String.init) }
}

/// A temporary directory with a configuration file for a local database inside it.
struct CommandHarness {
    let directory: TemporaryDirectory
    let configPath: String

    /// Writes a configuration with zone `dal10` (two subnets) and zone `dal12` (one subnet); with `dualStack`
    /// also zone `dal14` (192.168.104.0/24, then fd00:104::/120: dual-stack, IPv4 primary).
    init(directory: TemporaryDirectory, releaseCooldown: String = "5m", dualStack: Bool = false) throws {
        self.directory = directory
        configPath = try directory.write("""
            clusterID: prod-dal
            ipam:
              backend: local
              local:
                database: \(directory.file("ipam.db"))
                releaseCooldown: \(releaseCooldown)
                zones:
                  dal10:
                    - {subnet: 192.168.100.0/29, gateway: 192.168.100.1, reserved: ["192.168.100.2"]}
                    - {subnet: 192.168.101.0/30}
                  dal12:
                    - 192.168.102.0/24
            \(dualStack ? "      dal14: [192.168.104.0/24, \"fd00:104::/120\"]" : "")
            """, to: "config.yaml")
    }

    /// Runs `overlay-ipam` with `arguments`, adding `--config` unless `withConfig` is false.
    func run(_ arguments: [String], withConfig: Bool = true, environment: [String: String] = [:]) async -> CommandResult {
        let arguments = withConfig ? arguments + ["--config", configPath] : arguments
        return await Self.run(arguments, environment: environment)
    }

    /// Runs `overlay-ipam` with exactly `arguments`.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async -> CommandResult {
        let output = Mutex<(out: String, err: String)>(("", ""))
        let context = CommandContext(
            environment: environment,
            write: { stream, text in
                output.withLock {
                    switch stream {
                    case .standardOutput: $0.out += text
                    case .standardError: $0.err += text
                    }
                }
            },
            makeLogger: { _ in
                var logger = Logger(label: "overlay-ipam.test")
                logger.logLevel = .critical
                return logger
            })
        let status = await OverlayIPAM.run(arguments: arguments, context: context)
        let (out, err) = output.withLock { $0 }
        return CommandResult(status: status, standardOutput: out, standardError: err)
    }
}
