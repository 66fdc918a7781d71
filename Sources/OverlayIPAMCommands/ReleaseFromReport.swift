// Releasing the leaks listed in a `check` report, re-checking each one against the IPAM first.
import FoundationEssentials
import IPAMCore

/// Releases each leak of `report` whose address the IPAM still holds for the same node.
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
        for leak in report.leaked {
            let owner = IPAMOwner(clusterID: configuration.clusterID, nodeName: leak.node)
            guard try await backend.allocations(for: owner).contains(where: { $0.cidr == leak.address }) else {
                context.print("skipped  \(leak.address) for \(leak.node): the IPAM no longer holds it for that node")
                continue
            }
            if dryRun {
                context.print("would release \(leak.address) held for \(leak.node)")
            } else {
                try await backend.release(owner)
                context.print("released \(leak.address) held for \(leak.node)")
            }
        }
    }
}
