// `overlay-ipam reserve`: reserves (or shows the existing) addresses of a node, one per family of its zone.

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
        abstract: "Reserve a node's addresses in a zone, one per address family (idempotent: prints the node's existing ones).",
        discussion: """
            A dual-stack zone gives the node one IPv4 and one IPv6 address, the zone's primary family first; \
            an address the node already holds is kept and only a missing family is reserved. The table form \
            prints one line per address. `-o json` prints one object per node: `owner`, `node`, `zone`, the \
            primary address's `address`, `gateway` and `subnet` (as status.ipAddr and status.gateway), and \
            `allocations`, every address in order, each with `family`, `address`, `gateway` and `subnet`.
            """)

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
        switch output {
        case .table:
            for allocation in allocations { context.print(AllocationText.line(allocation)) }
        case .json:
            guard let report = ReservationReport(allocations) else {
                throw CommandFailure("zone \(zone) gave \(owner) no address; check the zone's subnets with `overlay-ipam config validate`")
            }
            context.print(try JSONText.encode(report))
        }
    }
}

/// What `reserve -o json` prints: one node's addresses, the primary one's also at the top level.
struct ReservationReport: Codable, Hashable, Sendable {
    /// One address of the node.
    struct Address: Codable, Hashable, Sendable {
        /// `IPv4` or `IPv6`.
        var family: String
        /// The address in CIDR form.
        var address: String
        var gateway: String
        var subnet: String
    }

    /// `cluster/node`.
    var owner: String
    var node: String
    var zone: String
    /// The primary family's address in CIDR form (`status.ipAddr`).
    var address: String
    var gateway: String
    var subnet: String
    /// Every address, primary family first (`status.ipAddrs`).
    var allocations: [Address]

    /// Nil when `allocations` is empty; else the report of the node the first allocation belongs to.
    init?(_ allocations: [IPAllocation]) {
        guard let primary = allocations.first else { return nil }
        owner = primary.owner.description
        node = primary.owner.nodeName
        zone = primary.zone
        address = primary.cidr
        gateway = primary.gateway.description
        subnet = primary.subnet.description
        self.allocations = allocations.map {
            Address(family: $0.address.family.rawValue, address: $0.cidr, gateway: $0.gateway.description, subnet: $0.subnet.description)
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
