// What the node should look like, read from its NodeOverlayIp, its Node and the StaticRoutes.
import IPAddressing
import KubeClient
import Netlink
import OverlayAPI

/// How the agent finds the overlay device's parent (the host NIC).
public enum ParentInterface: Sendable, Hashable {
    /// Named explicitly (`INTERFACE`).
    case named(String)
    /// The interface holding one of these addresses (the node's InternalIPs).
    case holding([IPAddress])
}

/// One address family's overlay on a node: its address, the subnet it came from and that subnet's gateway.
public struct OverlayAssignment: Sendable, Hashable {
    /// The address to hold on the overlay device, e.g. `192.168.100.4/24` or `fd00:100::4/64`.
    public var address: OverlayAddress
    /// The overlay subnet (protected from StaticRoutes); the address's own prefix unless the status says
    /// otherwise (`nil` only for a prefix length the family cannot have).
    public var subnet: IPPrefix?
    /// The next hop of this family's routes without their own gateway; `nil` when the status names none.
    public var gateway: IPAddress?

    /// Makes an assignment; `subnet` defaults to the address's own prefix.
    public init(address: OverlayAddress, subnet: IPPrefix? = nil, gateway: IPAddress? = nil) {
        self.address = address
        self.subnet = subnet ?? IPPrefix(containing: address.address, length: address.prefixLength)
        self.gateway = gateway
    }

    /// The family of the address.
    public var family: IPAddressFamily { address.address.family }
}

/// The desired configuration of one node, independent of the kernel's current state.
public struct DesiredNode: Sendable, Hashable {
    /// The overlay (macvlan) device's name, e.g. `tmp0`.
    public var deviceName: String
    /// Where the device hangs off.
    public var parent: ParentInterface
    /// The overlay addresses to hold, at most one per family, in the order of `status.ipAddrs` (primary
    /// family first); empty to remove the device and its addresses.
    public var overlays: [OverlayAssignment]
    /// The StaticRoutes that select this node and are not being deleted, sorted by name.
    public var routes: [StaticRoute]
    /// Extra protected CIDRs (`--protected-cidrs`).
    public var protectedCIDRs: [IPPrefix]
    /// Problems found reading the objects (e.g. an unparsable `status.ipAddrs` entry); reported, never fatal.
    public var problems: [String]

    /// Makes a desired state of any number of families directly (tests, benchmarks).
    public init(
        deviceName: String, parent: ParentInterface, overlays: [OverlayAssignment], routes: [StaticRoute] = [],
        protectedCIDRs: [IPPrefix] = [], problems: [String] = []
    ) {
        self.deviceName = deviceName
        self.parent = parent
        self.overlays = overlays
        self.routes = routes.sorted { $0.metadata.name < $1.metadata.name }
        self.protectedCIDRs = protectedCIDRs
        self.problems = problems
    }

    /// Makes a single-family desired state directly (tests, benchmarks); no address means no overlay.
    public init(
        deviceName: String, parent: ParentInterface, overlayAddress: OverlayAddress? = nil,
        overlaySubnet: IPPrefix? = nil, overlayGateway: IPAddress? = nil, routes: [StaticRoute] = [],
        protectedCIDRs: [IPPrefix] = [], problems: [String] = []
    ) {
        let overlays = overlayAddress.map { [OverlayAssignment(address: $0, subnet: overlaySubnet, gateway: overlayGateway)] } ?? []
        self.init(
            deviceName: deviceName, parent: parent, overlays: overlays, routes: routes, protectedCIDRs: protectedCIDRs,
            problems: problems)
    }

    /// The primary family's address (`status.ipAddr`), `nil` when there is no overlay.
    public var overlayAddress: OverlayAddress? { overlays.first?.address }

    /// Every overlay address, in the order of `status.ipAddrs`.
    public var overlayAddresses: [OverlayAddress] { overlays.map(\.address) }

    /// The overlay of `family`, `nil` when the node has no address of that family.
    public func overlay(for family: IPAddressFamily) -> OverlayAssignment? { overlays.first { $0.family == family } }

    /// Reads the desired state from the cluster's objects.
    ///
    /// The addresses come from `status.ipAddrs` and `status.gateways`, or from `status.ipAddr` and
    /// `status.gateway` when the lists are absent (objects written by the original controller or an older
    /// operator). They are wanted only while the NodeOverlayIp exists and is not being deleted; without
    /// any address the device goes and no routes are wanted (they would have no overlay).
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
        var overlays: [OverlayAssignment] = []
        if let overlay, !overlay.metadata.isBeingDeleted {
            overlays = Self.assignments(of: overlay.status, problems: &problems)
        }
        let labels = node?.metadata.labels ?? [:]
        let selected = overlays.isEmpty ? [] : staticRoutes.filter { route in
            !route.metadata.isBeingDeleted && route.selects(nodeLabels: labels)
        }
        self.init(
            deviceName: deviceName, parent: parent, overlays: overlays, routes: selected, protectedCIDRs: protectedCIDRs,
            problems: problems)
    }

    /// The overlays a status publishes: `ipAddrs` with `gateways` (each gateway goes with the address of
    /// its family), else `ipAddr` with `gateway`. `status.subnet` describes the primary address.
    static func assignments(of status: NodeOverlayIpStatus, problems: inout [String]) -> [OverlayAssignment] {
        let (addressTexts, addressKey) = publishedAddressTexts(of: status)
        let gatewayList = status.gateways ?? []
        let gatewayTexts = gatewayList.isEmpty ? [status.gateway].compactMap { $0 } : gatewayList
        let gatewayKey = gatewayList.isEmpty ? "status.gateway" : "status.gateways"
        var gateways: [IPAddressFamily: IPAddress] = [:]
        for text in gatewayTexts {
            guard let gateway = IPAddress(text) else {
                problems.append("\(gatewayKey) \"\(text)\" is not an IP address such as 192.168.100.1 or fd00:100::1")
                continue
            }
            if gateways[gateway.family] == nil { gateways[gateway.family] = gateway }
        }
        var overlays: [OverlayAssignment] = []
        for text in addressTexts {
            guard let address = parseCIDR(text) else {
                problems.append("\(addressKey) \"\(text)\" is not an address in CIDR form such as 192.168.100.4/24 or fd00:100::4/64")
                continue
            }
            guard !overlays.contains(where: { $0.family == address.address.family }) else {
                problems.append("\(addressKey) holds a second \(address.address.family) address \(text); only the first one is configured")
                continue
            }
            var subnet: IPPrefix?
            if overlays.isEmpty, let stated = status.subnet.flatMap({ try? IPPrefix(parsing: $0, allowHostBits: true) }),
                stated.contains(address.address)
            {
                subnet = stated
            }
            overlays.append(OverlayAssignment(address: address, subnet: subnet, gateway: gateways[address.address.family]))
        }
        return overlays
    }

    /// The published addresses in CIDR form, `status.ipAddrs`, else `status.ipAddr` (as the original
    /// controller and older operators write it), with the key they came from.
    static func publishedAddressTexts(of status: NodeOverlayIpStatus) -> (texts: [String], key: String) {
        if let listed = status.ipAddrs, !listed.isEmpty { return (listed, "status.ipAddrs") }
        return ([status.ipAddr].compactMap { $0 }, "status.ipAddr")
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

    /// The address as the agent puts it on interface `index`. IPv6 addresses skip duplicate address
    /// detection (`IFA_F_NODAD`): the IPAM already guarantees the address is unique on the overlay, and
    /// with DAD the kernel would keep it tentative (unusable as a source, and without carrier on the
    /// parent, indefinitely) while the agent already reports it configured and routes through it.
    func interfaceAddress(onInterface index: Int32) -> InterfaceAddress {
        InterfaceAddress(
            address: address, prefixLength: prefixLength, interfaceIndex: index,
            flags: address.family == .v6 ? .noDuplicateAddressDetection : [])
    }
}
