// `overlay-ipam show`: usage per zone and subnet and the cluster's allocations, as a table or JSON.

import ArgumentParser
import IPAMCore

/// `overlay-ipam show [--output table|json]`.
struct ShowCommand: ContextCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show used, cooling and free addresses per zone and subnet, and the cluster's allocations.")

    @OptionGroup var options: GlobalOptions

    @Option(name: .shortAndLong, help: "Output format: table or json.")
    var output: OutputFormat = .table

    func execute(in context: CommandContext) async throws {
        let (configuration, backend) = try await options.openBackend(in: context)
        let report = ShowReport(
            clusterID: configuration.clusterID, backend: configuration.ipam.backendName,
            usage: try await backend.usage(), allocations: try await backend.allocations())
        switch output {
        case .table:
            context.write(.standardOutput, report.table())
        case .json:
            context.print(try JSONText.encode(report))
        }
    }
}
