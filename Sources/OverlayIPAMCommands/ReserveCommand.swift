// `overlay-ipam reserve`: reserves (or shows the existing) address of a node.

import ArgumentParser
import IPAMCore

/// The output formats of commands that print data.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table
    case json
}

/// `overlay-ipam reserve --owner NODE --zone ZONE`.
struct ReserveCommand: ContextCommand {
    static let configuration = CommandConfiguration(
        commandName: "reserve",
        abstract: "Reserve an address for a node in a zone (idempotent: prints the node's existing address).")

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("The node name; the owner is the configuration's clusterID and this name.", valueName: "node"))
    var owner: String

    @Option(help: ArgumentHelp("The zone whose subnets to reserve from.", valueName: "zone"))
    var zone: String

    @Option(name: .shortAndLong, help: "Output format: table or json.")
    var output: OutputFormat = .table

    func validate() throws {
        guard !owner.isEmpty else { throw ValidationError("--owner must not be empty") }
        guard !zone.isEmpty else { throw ValidationError("--zone must not be empty") }
    }

    func execute(in context: CommandContext) async throws {
        let (configuration, backend) = try await options.openBackend(in: context)
        let allocations = try await backend.reserve(IPAMOwner(clusterID: configuration.clusterID, nodeName: owner), zone: zone)
        for allocation in allocations {
            switch output {
            case .table:
                context.print(AllocationText.line(allocation))
            case .json:
                context.print(try JSONText.encode(AllocationReport(allocation)))
            }
        }
    }
}

/// The text form of an allocation.
enum AllocationText {
    /// `prod/node-1 192.168.100.4/24 gateway 192.168.100.1 zone dal10 subnet 192.168.100.0/24`.
    static func line(_ allocation: IPAllocation) -> String {
        "\(allocation.owner) \(allocation.cidr) gateway \(allocation.gateway) zone \(allocation.zone) subnet \(allocation.subnet)"
    }
}
