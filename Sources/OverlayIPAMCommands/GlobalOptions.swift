// The options every overlay-ipam subcommand takes, and loading the configuration they name.

import ArgumentParser
import FoundationEssentials
import IPAMBackends
import IPAMCore
import Logging

/// `--config FILE` and `--verbose`, shared by every subcommand.
struct GlobalOptions: ParsableArguments {
    /// The environment variable naming the configuration file when `--config` is not given.
    static let configEnvironmentVariable = "OVERLAY_IPAM_CONFIG"

    @Option(name: .long, help: ArgumentHelp(
        "The configuration file (the operator's YAML).", discussion: "Defaults to $OVERLAY_IPAM_CONFIG.", valueName: "file"))
    var config: String?

    @Flag(name: .shortAndLong, help: "Log what the backend does on standard error.")
    var verbose = false

    /// The configuration file to use: `--config`, else `$OVERLAY_IPAM_CONFIG`.
    func configurationPath(in context: CommandContext) throws(CommandFailure) -> String {
        if let config, !config.isEmpty { return config }
        if let path = context.environment[Self.configEnvironmentVariable], !path.isEmpty { return path }
        throw CommandFailure("no configuration file: pass --config FILE or set \(Self.configEnvironmentVariable)")
    }

    /// The parsed configuration; a bad file fails with its first problem and the count of the others.
    func loadConfiguration(in context: CommandContext) throws(CommandFailure) -> OverlayConfiguration {
        let path = try configurationPath(in: context)
        switch ConfigurationFile.load(path) {
        case .success(let configuration):
            return configuration
        case .failure(.unreadable(let reason)):
            throw CommandFailure(reason)
        case .failure(.invalid(let problems)):
            let first = problems.first.map(\.description) ?? "invalid configuration"
            let more = problems.count > 1
                ? " (and \(problems.count - 1) more problem\(problems.count == 2 ? "" : "s"); `overlay-ipam config validate -f \(path)` lists them all)"
                : ""
            throw CommandFailure("\(path): \(first)\(more)")
        }
    }

    /// Opens the backend the configuration selects, logging at `--verbose`'s level.
    func openBackend(in context: CommandContext) async throws -> (OverlayConfiguration, any IPAMBackend) {
        let configuration = try loadConfiguration(in: context)
        let logger = context.makeLogger(verbose ? .debug : .warning)
        return (configuration, try await context.makeBackend(configuration, logger))
    }
}

/// Reading and parsing a configuration file.
enum ConfigurationFile {
    /// Why a configuration file cannot be used.
    enum Failure: Error {
        /// The file cannot be read; the message names the file and the cause.
        case unreadable(String)
        /// The file parsed into these problems.
        case invalid([ConfigurationProblem])
    }

    /// Reads and parses the file at `path`.
    static func load(_ path: String) -> Result<OverlayConfiguration, Failure> {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable UTF-8 text" : "no such file"
            return .failure(.unreadable("cannot read configuration file \(path): \(reason)"))
        }
        do {
            return .success(try OverlayConfiguration.parse(yaml: text))
        } catch {
            return .failure(.invalid(error.problems))
        }
    }
}
