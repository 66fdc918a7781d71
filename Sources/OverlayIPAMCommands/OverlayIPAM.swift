// The overlay-ipam command line: the root command, and running it in-process with an exit status.

import ArgumentParser

/// A subcommand that does its work with an injected ``CommandContext``.
protocol ContextCommand: ParsableCommand {
    /// Does the command's work; throws a one-line failure.
    func execute(in context: CommandContext) async throws
}

/// `overlay-ipam`: inspect and operate the overlay IPAM the operator uses, with the operator's configuration.
public struct OverlayIPAM: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "overlay-ipam",
        abstract: "Inspect and operate the overlay IP address management of overlay-ip-controller.",
        discussion: "Every subcommand reads the operator's configuration file (--config FILE or $OVERLAY_IPAM_CONFIG).",
        subcommands: [ConfigCommand.self, ReserveCommand.self, ReleaseCommand.self, ShowCommand.self, CheckCommand.self])

    public init() {}

    /// Parses `arguments` (without the program name), runs the subcommand, and returns the exit status.
    ///
    /// Success exits 0. A failure writes one line to standard error (``ConfigValidateCommand`` writes one line
    /// per configuration problem) and exits non-zero: 64 for a usage error, 1 otherwise.
    public static func run(arguments: [String], context: CommandContext) async -> Int32 {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            return report(error, context: context)
        }
        guard let runnable = command as? any ContextCommand else {
            // The built-in `help` subcommand and command groups: their `run()` throws a help request.
            do {
                var builtIn = command
                try builtIn.run()
                return 0
            } catch {
                return report(error, context: context)
            }
        }
        do {
            try await runnable.execute(in: context)
            return 0
        } catch let failure as CommandFailure {
            context.printError("error: \(failure.message)")
            return 1
        } catch is DriftFound {
            return 2
        } catch let failure as ValidationFailures {
            for line in failure.lines { context.printError(line) }
            return 1
        } catch {
            // Backend errors (IPAMError) say what is wrong and what to do; keep them to one line.
            let message = String(describing: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
            context.printError("error: \(message)")
            return 1
        }
    }

    /// Prints an argument-parser outcome: help on standard output, an error as one line on standard error.
    private static func report(_ error: any Error, context: CommandContext) -> Int32 {
        let status = exitCode(for: error)
        if status == .success {
            context.write(.standardOutput, fullMessage(for: error) + "\n")
            return 0
        }
        let message = self.message(for: error)
            .split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "\(error)"
        let line = message.hasPrefix("Error: ") ? "error: " + message.dropFirst("Error: ".count) : "error: \(message)"
        context.printError(line)
        return status.rawValue
    }
}

/// Several lines of failure, each printed on its own line (only `config validate` uses it).
struct ValidationFailures: Error {
    var lines: [String]
}
