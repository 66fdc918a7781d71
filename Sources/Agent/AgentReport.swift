// The agent's half of a NodeOverlayIp status, and whether the stored status already says it.
import KubeClient
import OverlayAPI

/// What the agent reports in its NodeOverlayIp: `interface`, `interfaceLabel`, `configuredAddress`,
/// `configuredAddresses`, `routes`.
public struct AgentReport: Sendable, Hashable {
    /// The host NIC the overlay device hangs off.
    public var interface: String?
    /// The overlay device's name.
    public var interfaceLabel: String?
    /// The overlay addresses the device holds, read back from the kernel (CIDR form), at most one per
    /// family in the order of `status.ipAddrs`; empty only when the device or its addresses are absent
    /// (see ``KernelSnapshot/overlayAddresses(onDevice:published:)``).
    public var configuredAddresses: [String]
    /// One report per selected StaticRoute, sorted by name; empty when there are none.
    public var routes: [RouteReport]

    /// Makes a report.
    public init(interface: String?, interfaceLabel: String?, configuredAddresses: [String], routes: [RouteReport]) {
        self.interface = interface
        self.interfaceLabel = interfaceLabel
        self.configuredAddresses = configuredAddresses
        self.routes = routes
    }

    /// Makes a report of at most one address.
    public init(interface: String?, interfaceLabel: String?, configuredAddress: String?, routes: [RouteReport]) {
        self.init(
            interface: interface, interfaceLabel: interfaceLabel, configuredAddresses: configuredAddress.map { [$0] } ?? [],
            routes: routes)
    }

    /// The first of ``configuredAddresses``, reported as `configuredAddress` for the original's readers.
    public var configuredAddress: String? { configuredAddresses.first }

    /// Whether `status` already holds exactly this report in the agent's keys (so no patch is needed).
    public func isReported(in status: NodeOverlayIpStatus) -> Bool {
        status.interface == interface && status.interfaceLabel == interfaceLabel
            && status.configuredAddress == configuredAddress && status.configuredAddresses == reportedAddresses
            && (status.routes ?? []) == routes
    }

    /// The JSON merge patch that sets the agent's keys (and only those) to this report.
    public func mergePatch() throws -> JSONValue {
        let status = NodeOverlayIpStatus(
            interface: interface, interfaceLabel: interfaceLabel, configuredAddress: configuredAddress,
            configuredAddresses: reportedAddresses, routes: routes.isEmpty ? nil : routes)
        return try status.agentPatch()
    }

    /// `configuredAddresses` as stored: absent rather than empty, like `configuredAddress`.
    private var reportedAddresses: [String]? { configuredAddresses.isEmpty ? nil : configuredAddresses }
}
