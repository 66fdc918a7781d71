// The agent's half of a NodeOverlayIp status, and whether the stored status already says it.
import KubeClient
import OverlayAPI

/// What the agent reports in its NodeOverlayIp: `interface`, `interfaceLabel`, `configuredAddress`, `routes`.
public struct AgentReport: Sendable, Hashable {
    /// The host NIC the overlay device hangs off.
    public var interface: String?
    /// The overlay device's name.
    public var interfaceLabel: String?
    /// The overlay address the device holds, read back from the kernel (CIDR form); `nil` only when the
    /// device or address is absent (see ``KernelSnapshot/overlayAddress(onDevice:published:)``).
    public var configuredAddress: String?
    /// One report per selected StaticRoute, sorted by name; empty when there are none.
    public var routes: [RouteReport]

    /// Makes a report.
    public init(interface: String?, interfaceLabel: String?, configuredAddress: String?, routes: [RouteReport]) {
        self.interface = interface
        self.interfaceLabel = interfaceLabel
        self.configuredAddress = configuredAddress
        self.routes = routes
    }

    /// Whether `status` already holds exactly this report in the agent's keys (so no patch is needed).
    public func isReported(in status: NodeOverlayIpStatus) -> Bool {
        status.interface == interface && status.interfaceLabel == interfaceLabel
            && status.configuredAddress == configuredAddress && (status.routes ?? []) == routes
    }

    /// The JSON merge patch that sets the agent's keys (and only those) to this report.
    public func mergePatch() throws -> JSONValue {
        let status = NodeOverlayIpStatus(
            interface: interface, interfaceLabel: interfaceLabel, configuredAddress: configuredAddress,
            routes: routes.isEmpty ? nil : routes)
        return try status.agentPatch()
    }
}
