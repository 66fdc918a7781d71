// Releasing the leaks listed in a `check` report, re-checking each one against the IPAM first.
import FoundationEssentials
import IPAMCore

/// Releases the leaks of `report`, node by node: a node's addresses only while the IPAM still holds them for it
/// and holds nothing else for it (a release frees every family of the node).
enum ReleaseFromReport {
    static func run(path: String, dryRun: Bool, configuration: OverlayConfiguration, backend: any IPAMBackend, context: CommandContext)
        async throws
    {
        let report: DriftReport
        do {
            report = try JSONDecoder().decode(DriftReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CommandFailure("\(path) is not a report of `overlay-ipam check -o json`: \(error)")
        }
        guard report.clusterID == configuration.clusterID else {
            throw CommandFailure("\(path) is a report of cluster \(report.clusterID), but the configuration is for \(configuration.clusterID)")
        }
        // A node's leaks (one per family) go together: release(owner) frees every family at once.
        var nodes: [String] = []
        for leak in report.leaked where !nodes.contains(leak.node) { nodes.append(leak.node) }
        for node in nodes {
            let owner = IPAMOwner(clusterID: configuration.clusterID, nodeName: node)
            let held = try await backend.allocations(for: owner).map(\.cidr)
            let listed = report.leaked.filter { $0.node == node }.map(\.address)
            for address in listed where !held.contains(address) {
                context.print("skipped  \(address) for \(node): the IPAM no longer holds it for that node")
            }
            let present = listed.filter(held.contains)
            guard !present.isEmpty else { continue }
            let unlisted = held.filter { !listed.contains($0) }
            guard unlisted.isEmpty else {
                // Releasing the node releases every family: never an address the report did not find leaked.
                context.print(
                    "skipped  \(present.joined(separator: " and ")) for \(node): the IPAM also holds \(unlisted.joined(separator: " and ")) "
                        + "for that node, which the report does not list; run `overlay-ipam check` again")
                continue
            }
            let shown = present.joined(separator: " and ")
            if dryRun {
                context.print("would release \(shown) held for \(node)")
            } else {
                try await backend.release(owner)
                context.print("released \(shown) held for \(node)")
            }
        }
    }
}
