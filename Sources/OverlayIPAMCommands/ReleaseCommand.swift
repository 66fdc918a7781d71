// `overlay-ipam release`: releases the address a node holds.

import ArgumentParser
import IPAMCore

/// `overlay-ipam release --owner NODE`.
struct ReleaseCommand: ContextCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release the address a node holds (succeeds when it holds none).",
        discussion: "Only for nodes that are gone: the operator releases the address of a deleted node itself.")

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("The node name; the owner is the configuration's clusterID and this name.", valueName: "node"))
    var owner: String

    func validate() throws {
        guard !owner.isEmpty else { throw ValidationError("--owner must not be empty") }
    }

    func execute(in context: CommandContext) async throws {
        let (configuration, backend) = try await options.openBackend(in: context)
        let ipamOwner = IPAMOwner(clusterID: configuration.clusterID, nodeName: owner)
        let held = try await backend.allocation(for: ipamOwner)
        try await backend.release(ipamOwner)
        if let held {
            context.print("released \(held.cidr) held by \(ipamOwner)")
        } else {
            context.print("\(ipamOwner) holds no address; nothing to release")
        }
    }
}
