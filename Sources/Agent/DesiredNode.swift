// What the node should look like, read from its NodeOverlayIp, its Node and the StaticRoutes.
import IPAddressing
import KubeClient
import OverlayAPI

/// How the agent finds the overlay device's parent (the host NIC).
public enum ParentInterface: Sendable, Hashable {
    /// Named explicitly (`INTERFACE`).
    case named(String)
    /// The interface holding one of these addresses (the node's InternalIPs).
    case holding([IPAddress])
}

/// The desired configuration of one node, independent of the kernel's current state.
public struct DesiredNode: Sendable, Hashable {
    /// The overlay (macvlan) device's name, e.g. `tmp0`.
    public var deviceName: String
    /// Where the device hangs off.
    public var parent: ParentInterface
    /// The overlay address to hold; `nil` to remove the device and address.
    public var overlayAddress: OverlayAddress?
    /// The overlay subnet (protected from StaticRoutes).
    public var overlaySubnet: IPPrefix?
    /// The next hop of routes without their own gateway.
    public var overlayGateway: IPAddress?
    /// The StaticRoutes that select this node and are not being deleted, sorted by name.
    public var routes: [StaticRoute]
    /// Extra protected CIDRs (`--protected-cidrs`).
    public var protectedCIDRs: [IPPrefix]
    /// Problems found reading the objects (e.g. an unparsable `status.ipAddr`); reported, never fatal.
    public var problems: [String]

    /// Makes a desired state directly (tests).
    public init(
        deviceName: String, parent: ParentInterface, overlayAddress: OverlayAddress? = nil,
        overlaySubnet: IPPrefix? = nil, overlayGateway: IPAddress? = nil, routes: [StaticRoute] = [],
        protectedCIDRs: [IPPrefix] = [], problems: [String] = []
    ) {
        self.deviceName = deviceName
        self.parent = parent
        self.overlaySubnet = overlaySubnet
        self.overlayGateway = overlayGateway
        self.routes = routes.sorted { $0.metadata.name < $1.metadata.name }
        self.protectedCIDRs = protectedCIDRs
        self.problems = problems
        self.overlayAddress = overlayAddress
    }

    /// Reads the desired state from the cluster's objects.
    ///
    /// The overlay address is wanted only while the NodeOverlayIp exists, is not being deleted and has
    /// `status.ipAddr`; otherwise the device goes and no routes are wanted (they would have no overlay).
    /// - Parameters:
    ///   - overlay: this node's NodeOverlayIp, `nil` when it does not exist.
    ///   - node: this node's Node, `nil` when unknown (no labels, no InternalIP).
    ///   - staticRoutes: every StaticRoute.
    ///   - deviceName: the overlay device's name.
    ///   - explicitParent: `INTERFACE`, or `nil` to use the interface holding the node's InternalIP.
    ///   - protectedCIDRs: the configured extra protected CIDRs.
    public init(
        overlay: NodeOverlayIp?, node: Node?, staticRoutes: [StaticRoute], deviceName: String,
        explicitParent: String?, protectedCIDRs: [IPPrefix]
    ) {
        var problems: [String] = []
        let parent: ParentInterface
        if let explicitParent, !explicitParent.isEmpty {
            parent = .named(explicitParent)
        } else {
            let internalIPs = (node?.status.addresses ?? []).filter { $0.type == "InternalIP" }.compactMap { IPAddress($0.address) }
            parent = .holding(internalIPs)
        }
        var address: OverlayAddress?
        var subnet: IPPrefix?
        var gateway: IPAddress?
        if let overlay, !overlay.metadata.isBeingDeleted, let ipAddr = overlay.status.ipAddr {
            if let parsed = Self.parseCIDR(ipAddr) {
                address = parsed
                subnet = overlay.status.subnet.flatMap { try? IPPrefix(parsing: $0, allowHostBits: true) }
                    ?? IPPrefix(containing: parsed.address, length: parsed.prefixLength)
                gateway = overlay.status.gateway.flatMap { IPAddress($0) }
            } else {
                problems.append("status.ipAddr \"\(ipAddr)\" is not an address in CIDR form such as 192.168.100.4/24")
            }
        }
        let labels = node?.metadata.labels ?? [:]
        let selected = address == nil ? [] : staticRoutes.filter { route in
            !route.metadata.isBeingDeleted && route.selects(nodeLabels: labels)
        }
        self.init(
            deviceName: deviceName, parent: parent, overlayAddress: address, overlaySubnet: subnet, overlayGateway: gateway,
            routes: selected, protectedCIDRs: protectedCIDRs, problems: problems)
    }

    /// Parses `192.168.100.4/24` into the address and prefix length.
    static func parseCIDR(_ text: String) -> OverlayAddress? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])), let length = Int(parts[1]),
            length >= 0, length <= address.family.bitWidth
        else { return nil }
        return OverlayAddress(address: address, prefixLength: length)
    }
}

/// An address with its prefix length, e.g. `192.168.100.4/24`.
public struct OverlayAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address.
    public var address: IPAddress
    /// The prefix length of its subnet.
    public var prefixLength: Int

    /// Makes an address with its prefix length.
    public init(address: IPAddress, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Parses `192.168.100.4/24` (host bits allowed); `nil` when it is not an address with a prefix length.
    public init?(cidr: String) {
        guard let parsed = DesiredNode.parseCIDR(cidr) else { return nil }
        self = parsed
    }

    /// `192.168.100.4/24`.
    public var description: String { "\(address)/\(prefixLength)" }
}
