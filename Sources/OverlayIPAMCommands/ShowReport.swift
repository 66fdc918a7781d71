// The data `overlay-ipam show` prints, grouped by zone and subnet, and its table rendering (pure).

import IPAMCore

/// One allocation as the CLI prints it.
struct AllocationReport: Codable, Hashable, Sendable {
    /// `cluster/node`.
    var owner: String
    var node: String
    /// The address in CIDR form, as in `status.ipAddr`.
    var address: String
    var gateway: String
    var zone: String
    var subnet: String

    init(_ allocation: IPAllocation) {
        owner = allocation.owner.description
        node = allocation.owner.nodeName
        address = allocation.cidr
        gateway = allocation.gateway.description
        zone = allocation.zone
        subnet = allocation.subnet.description
    }
}

/// Usage and allocations of one subnet.
struct SubnetReport: Codable, Hashable, Sendable {
    var subnet: String
    var gateway: String
    var assignable: Int
    var used: Int
    var coolingDown: Int
    var free: Int
    /// This cluster's allocations in the subnet, by address (`used` also counts other clusters').
    var allocations: [AllocationReport]
}

/// The subnets of one zone, in configuration order.
struct ZoneReport: Codable, Hashable, Sendable {
    var name: String
    var subnets: [SubnetReport]
}

/// Everything `overlay-ipam show` prints.
struct ShowReport: Codable, Hashable, Sendable {
    var clusterID: String
    var backend: String
    var zones: [ZoneReport]

    init(clusterID: String, backend: String, usage: [SubnetUsage], allocations: [IPAllocation]) {
        self.clusterID = clusterID
        self.backend = backend
        var zones: [ZoneReport] = []
        for subnet in usage {
            let held = allocations.filter { $0.subnet == subnet.subnet }.sorted { $0.address < $1.address }
            let report = SubnetReport(
                subnet: subnet.subnet.description, gateway: subnet.gateway.description, assignable: subnet.assignable,
                used: subnet.used, coolingDown: subnet.coolingDown, free: subnet.free, allocations: held.map(AllocationReport.init))
            if let index = zones.firstIndex(where: { $0.name == subnet.zone }) {
                zones[index].subnets.append(report)
            } else {
                zones.append(ZoneReport(name: subnet.zone, subnets: [report]))
            }
        }
        self.zones = zones
    }

    /// The table form: a usage table, then the allocations.
    func table() -> String {
        var usage = TextTable(header: ["ZONE", "SUBNET", "GATEWAY", "ASSIGNABLE", "USED", "COOLING", "FREE"], rightAligned: [3, 4, 5, 6])
        var held = TextTable(header: ["NODE", "ADDRESS", "GATEWAY", "ZONE", "SUBNET"])
        for zone in zones {
            for subnet in zone.subnets {
                usage.append([zone.name, subnet.subnet, subnet.gateway, "\(subnet.assignable)", "\(subnet.used)",
                              "\(subnet.coolingDown)", "\(subnet.free)"])
                for allocation in subnet.allocations {
                    held.append([allocation.node, allocation.address, allocation.gateway, allocation.zone, allocation.subnet])
                }
            }
        }
        var text = "cluster \(clusterID), \(backend) backend\n\n" + usage.rendered()
        text += held.isEmpty ? "\nno allocations for cluster \(clusterID)\n" : "\n" + held.rendered()
        return text
    }
}

/// A plain text table with padded columns.
struct TextTable {
    let header: [String]
    /// Indexes of the columns aligned right (numbers).
    let rightAligned: Set<Int>
    private var rows: [[String]] = []

    init(header: [String], rightAligned: Set<Int> = []) {
        self.header = header
        self.rightAligned = rightAligned
    }

    var isEmpty: Bool { rows.isEmpty }

    mutating func append(_ row: [String]) { rows.append(row) }

    /// The header and rows, columns separated by two spaces, each line ending in a newline.
    func rendered() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            header.indices.map { column -> String in
                let cell = row.indices.contains(column) ? row[column] : ""
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                if rightAligned.contains(column) { return padding + cell }
                return column == header.count - 1 ? cell : cell + padding
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
