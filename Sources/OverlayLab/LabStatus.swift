// Reads the lab's converged state from the API server and renders the table the user sees.
import Foundation
import KubeClient
import OverlayAPI

/// One row of the lab's table: a node and what the operator and its agent report.
struct LabRow: Sendable {
    var node: LabNode
    /// `status.ipAddrs` (one per family of the zone, primary first); empty until reserved.
    var ips: [String]
    /// `status.gateways`, in the order of ``ips``.
    var gateways: [String]
    var device: String?
    var ready: Bool
    /// The agent's state of each lab route, by route name.
    var routeStates: [String: String]
    var kernelAddresses: [String] = []
    var kernelRoutes: [String] = []
}

/// A snapshot of the lab from the API.
struct LabSnapshot: Sendable {
    var rows: [LabRow]
    /// Each lab route's `status.ready` (`applied/selected`), by route name.
    var routeReady: [String: String]
    /// The names of the lab's routes.
    var routeNames: [String]
    /// How many addresses each node must hold (2 in a dual-stack lab).
    var addressesPerNode: Int

    /// Every node Ready with all its addresses, and every lab route applied on all of them.
    var isConverged: Bool {
        !rows.isEmpty
            && rows.allSatisfy { row in
                row.ready && row.ips.count == addressesPerNode
                    && routeNames.allSatisfy { row.routeStates[$0] == RouteState.applied.rawValue }
            }
            && routeNames.allSatisfy { routeReady[$0] == "\(rows.count)/\(rows.count)" }
    }

    /// One progress line, e.g. `IPs reserved 4/4 · nodes Ready 3/4 · routes applied 2/4`.
    var progress: String {
        let ready = rows.filter(\.ready).count
        let withIP = rows.filter { $0.ips.count == addressesPerNode }.count
        let applied = rows.filter { row in routeNames.allSatisfy { row.routeStates[$0] == RouteState.applied.rawValue } }.count
        let routes = routeNames.count == 1 ? "route" : "routes"
        return "IPs reserved \(withIP)/\(rows.count) · nodes Ready \(ready)/\(rows.count) · \(routes) applied \(applied)/\(rows.count)"
    }

    static func read(from client: KubeClient, topology: LabTopology) async throws -> LabSnapshot {
        let objects = try await client.list(NodeOverlayIp.self).items
        let byName = Dictionary(objects.map { ($0.metadata.name, $0) }, uniquingKeysWith: { first, _ in first })
        let routeNames = topology.routes.map(\.name)
        var routeReady: [String: String] = [:]
        for name in routeNames {
            routeReady[name] = (try? await client.get(StaticRoute.self, name: name))?.status.ready
        }
        let rows = topology.nodes.map { node in
            let object = byName[node.name]
            var states: [String: String] = [:]
            for report in object?.status.routes ?? [] where routeNames.contains(report.name) {
                states[report.name] = report.state.rawValue
            }
            let status = object?.status
            return LabRow(
                node: node, ips: status?.ipAddrs ?? status?.ipAddr.map { [$0] } ?? [],
                gateways: status?.gateways ?? status?.gateway.map { [$0] } ?? [], device: status?.interfaceLabel,
                ready: status?.conditions?.isTrue(Overlay.ConditionType.ready) ?? false, routeStates: states)
        }
        return LabSnapshot(rows: rows, routeReady: routeReady, routeNames: routeNames, addressesPerNode: topology.dualStack ? 2 : 1)
    }

    /// The table printed once the lab has converged (or timed out); a dry run has no namespace or kernel to show.
    func table(dryRun: Bool = false) -> String {
        let plural = addressesPerNode > 1
        let header = [
            "NODE", "ZONE", "NAMESPACE", plural ? "OVERLAY IPS" : "OVERLAY IP", plural ? "GATEWAYS" : "GATEWAY", "DEVICE", "READY",
            routeNames.count > 1 ? "ROUTES" : "ROUTE", "IN KERNEL",
        ]
        let body = rows.map { row in
            [
                row.node.name, row.node.zone, dryRun ? "(dry run)" : row.node.namespace,
                row.ips.isEmpty ? "-" : row.ips.joined(separator: ", "), row.gateways.isEmpty ? "-" : row.gateways.joined(separator: ", "),
                row.device ?? "-", row.ready ? "True" : "False",
                routeNames.map { row.routeStates[$0] ?? "-" }.joined(separator: ", "),
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
