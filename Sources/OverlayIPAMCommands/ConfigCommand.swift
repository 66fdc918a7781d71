// `overlay-ipam config validate`: checks a configuration file and lists every problem.

import ArgumentParser
import IPAMCore

/// `overlay-ipam config`: configuration subcommands.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with the configuration file.", subcommands: [ConfigValidateCommand.self])
}

/// `overlay-ipam config validate -f FILE`: parses the file and prints every problem with its YAML path, or,
/// when it is valid, a summary and one line per zone saying which address families it serves.
struct ConfigValidateCommand: ContextCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration file; print every problem with its YAML path, or what each zone will do.",
        discussion: "Exits 0 when the file is valid, 1 with one line per problem on standard error otherwise.")

    @OptionGroup var options: GlobalOptions

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("The file to check (default: the --config file).", valueName: "file"))
    var file: String?

    func execute(in context: CommandContext) async throws {
        let path = try file.flatMap { $0.isEmpty ? nil : $0 } ?? options.configurationPath(in: context)
        switch ConfigurationFile.load(path) {
        case .success(let configuration):
            context.print("\(path): valid (\(ConfigurationSummary(configuration)))")
            for zone in configuration.ipam.zoneDescriptions { context.print("  \(zone)") }
        case .failure(.unreadable(let reason)):
            throw CommandFailure(reason)
        case .failure(.invalid(let problems)):
            let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
            throw ValidationFailures(lines: ["\(path): \(count)"] + problems.map { "\(path): \($0)" })
        }
    }
}

/// A one-line summary of a valid configuration.
struct ConfigurationSummary: CustomStringConvertible {
    let configuration: OverlayConfiguration

    init(_ configuration: OverlayConfiguration) { self.configuration = configuration }

    var description: String { "cluster \(configuration.clusterID), \(configuration.ipam.summary)" }
}
