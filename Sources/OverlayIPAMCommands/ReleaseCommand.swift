// `overlay-ipam release`: releases the address a node holds.

import ArgumentParser
import IPAMCore

/// `overlay-ipam release --owner NODE`.
struct ReleaseCommand: ContextCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release the address a node holds (succeeds when it holds none), or the leaks of a check report.",
        discussion: """
            Only for nodes that are gone: the operator releases the address of a deleted node itself.             With --from-report FILE (from `overlay-ipam check -o json`), releases every leak in it that the IPAM             still holds for the same node; --dry-run only lists them.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("The node name; the owner is the configuration's clusterID and this name.", valueName: "node"))
    var owner: String?

    @Option(help: ArgumentHelp("A report of `overlay-ipam check -o json`: release its leaks.", valueName: "file"))
    var fromReport: String?

    @Flag(help: "With --from-report: print what would be released, release nothing.")
    var dryRun = false

    func validate() throws {
        switch (owner, fromReport) {
        case (nil, nil): throw ValidationError("pass --owner NODE or --from-report FILE")
        case (.some, .some): throw ValidationError("pass either --owner or --from-report, not both")
        case (.some(let owner), nil) where owner.isEmpty: throw ValidationError("--owner must not be empty")
        case (.some, nil) where dryRun: throw ValidationError("--dry-run goes with --from-report")
        default: break
        }
    }

    func execute(in context: CommandContext) async throws {
        let (configuration, backend) = try await options.openBackend(in: context)
        if let fromReport {
            try await ReleaseFromReport.run(
                path: fromReport, dryRun: dryRun, configuration: configuration, backend: backend, context: context)
            return
        }
        guard let owner else { return }
        let ipamOwner = IPAMOwner(clusterID: configuration.clusterID, nodeName: owner)
        let held = try await backend.allocations(for: ipamOwner)
        try await backend.release(ipamOwner)
        if !held.isEmpty {
            context.print("released \(held.map(\.cidr).joined(separator: " and ")) held by \(ipamOwner)")
        } else {
            context.print("\(ipamOwner) holds no address; nothing to release")
        }
    }
}
