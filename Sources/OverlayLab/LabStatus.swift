// Reads the lab's converged state from the API server and renders the table the user sees.
import Foundation
import KubeClient
import OverlayAPI

/// One row of the lab's table: a node and what the operator and its agent report.
struct LabRow: Sendable {
    var node: LabNode
    var ip: String?
    var gateway: String?
    var device: String?
    var ready: Bool
    var routeState: String?
    var kernelAddresses: [String] = []
    var kernelRoutes: [String] = []
}

/// A snapshot of the lab from the API.
struct LabSnapshot: Sendable {
    var rows: [LabRow]
    var routeReady: String?

    /// Every node Ready with an IP, and the StaticRoute applied on all of them.
    var isConverged: Bool {
        !rows.isEmpty && rows.allSatisfy { $0.ready && $0.ip != nil && $0.routeState == RouteState.applied.rawValue }
            && routeReady == "\(rows.count)/\(rows.count)"
    }

    /// One progress line, e.g. `nodes ready 3/4 · IPs 4/4 · route 2/4`.
    var progress: String {
        let ready = rows.filter(\.ready).count
        let withIP = rows.filter { $0.ip != nil }.count
        let applied = rows.filter { $0.routeState == RouteState.applied.rawValue }.count
        return "IPs reserved \(withIP)/\(rows.count) · nodes Ready \(ready)/\(rows.count) · route applied \(applied)/\(rows.count)"
    }

    static func read(from client: KubeClient, topology: LabTopology) async throws -> LabSnapshot {
        let objects = try await client.list(NodeOverlayIp.self).items
        let byName = Dictionary(objects.map { ($0.metadata.name, $0) }, uniquingKeysWith: { first, _ in first })
        let route = try? await client.get(StaticRoute.self, name: LabTopology.routeName)
        let rows = topology.nodes.map { node in
            let object = byName[node.name]
            let report = object?.status.routes?.first { $0.name == LabTopology.routeName }
            return LabRow(
                node: node, ip: object?.status.ipAddr, gateway: object?.status.gateway, device: object?.status.interfaceLabel,
                ready: object?.status.conditions?.isTrue(Overlay.ConditionType.ready) ?? false,
                routeState: report?.state.rawValue)
        }
        return LabSnapshot(rows: rows, routeReady: route?.status.ready)
    }

    /// The table printed once the lab has converged (or timed out); a dry run has no namespace or kernel to show.
    func table(dryRun: Bool = false) -> String {
        let header = ["NODE", "ZONE", "NAMESPACE", "OVERLAY IP", "GATEWAY", "DEVICE", "READY", "ROUTE", "IN KERNEL"]
        let body = rows.map { row in
            [
                row.node.name, row.node.zone, dryRun ? "(dry run)" : row.node.namespace, row.ip ?? "-", row.gateway ?? "-", row.device ?? "-",
                row.ready ? "True" : "False", row.routeState ?? "-",
                dryRun
                    ? "(dry run: see agent log)"
                    : row.kernelAddresses.isEmpty && row.kernelRoutes.isEmpty
                        ? "-" : (row.kernelAddresses + row.kernelRoutes).joined(separator: ", "),
            ]
        }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + body.map(line)).joined(separator: "\n")
    }
}
