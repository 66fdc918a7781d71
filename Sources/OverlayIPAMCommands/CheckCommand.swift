// `overlay-ipam check`: reports leaked and missing addresses between the IPAM and the cluster.
import ArgumentParser
import IPAMCore

/// `overlay-ipam check [--kubeconfig FILE] [--output table|json]`.
struct CheckCommand: ContextCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compare the IPAM's allocations of this cluster with its NodeOverlayIps.",
        discussion: """
            Leaked: an address held for a node that has no NodeOverlayIp. Missing: an address recorded in a \
            NodeOverlayIp's status that the IPAM does not hold for that node. Records of the original controller \
            are listed as adoptable (the operator takes them over in place) or not (left alone, counted as drift). \
            Exits 0 when both agree, 2 when it found drift, 1 when it could not check. `-o json` writes a report for `release --from-report`.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("The kubeconfig (default: $KUBECONFIG, in-cluster, then ~/.kube/config).", valueName: "file"))
    var kubeconfig: String?

    @Option(name: .shortAndLong, help: "Output format: table or json.")
    var output: OutputFormat = .table

    func execute(in context: CommandContext) async throws {
        let (configuration, backend) = try await options.openBackend(in: context)
        let recorded = try await context.listRecordedAddresses(kubeconfig)
        let report = DriftReport(
            clusterID: configuration.clusterID, allocations: try await backend.allocations(),
            legacy: try await backend.legacyAllocations(), recorded: recorded)
        switch output {
        case .table: context.write(.standardOutput, report.text())
        case .json: context.print(try JSONText.encode(report))
        }
        if !report.isClean { throw DriftFound() }
    }
}

/// `check` found drift: exit status 2, the report is already printed.
struct DriftFound: Error {}
