// The NodeOverlayIp resource: one per node, holding its overlay address and what the agent applied.
import KubeClient

/// The overlay IP of one node (cluster-scoped, named after the node).
///
/// `status` has two writers that each merge-patch only their own keys: the operator
/// (``NodeOverlayIpStatus/ipAddr``, `gateway`, `ipAddrs`, `gateways`, `zone`, `subnet`, `conditions`, `observedGeneration`) and
/// the node's agent (`interface`, `interfaceLabel`, `configuredAddress`, `configuredAddresses`, `routes`).
public struct NodeOverlayIp: SpecStatusResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: Overlay.group, version: Overlay.version, plural: "nodeoverlayips", kind: "NodeOverlayIp",
        namespaced: false, hasStatusSubresource: true)

    public var metadata: ObjectMeta
    /// Always empty: the name says which node it belongs to.
    public var spec: NodeOverlayIpSpec
    public var status: NodeOverlayIpStatus

    public init(metadata: ObjectMeta, spec: NodeOverlayIpSpec = NodeOverlayIpSpec(), status: NodeOverlayIpStatus = NodeOverlayIpStatus()) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// Absent `spec` and `status` decode as empty (the operator creates objects without either).
    public static let absentSpec: NodeOverlayIpSpec? = NodeOverlayIpSpec()
    public static let absentStatus = NodeOverlayIpStatus()

    /// The node this object belongs to (its name).
    public var nodeName: String { metadata.name }
}

/// The (empty) desired state of a NodeOverlayIp.
public struct NodeOverlayIpSpec: Codable, Sendable, Hashable {
    public init() {}
}

/// The observed state of a NodeOverlayIp, written by two owners (see ``NodeOverlayIp``).
public struct NodeOverlayIpStatus: Codable, Sendable, Hashable {
    // MARK: Written by the operator
    /// The reserved address in CIDR form, e.g. `192.168.100.4/24`.
    public var ipAddr: String?
    /// The overlay subnet's gateway.
    public var gateway: String?
    /// Every reserved address in CIDR form, one per address family of the node's zone, primary family first
    /// (as Kubernetes orders `podIPs`); `ipAddrs[0]` equals ``ipAddr``.
    public var ipAddrs: [String]?
    /// The gateway of each of ``ipAddrs``' subnets, in the same order; `gateways[0]` equals ``gateway``.
    public var gateways: [String]?
    /// The zone the address was reserved in.
    public var zone: String?
    /// The subnet the address came from, in CIDR form.
    public var subnet: String?
    /// `Reserved` and `Ready`.
    public var conditions: [Condition]?
    /// The generation the operator last acted on.
    public var observedGeneration: Int?

    // MARK: Written by the agent
    /// The node's NIC the overlay device hangs off.
    public var interface: String?
    /// The overlay (macvlan) device's name.
    public var interfaceLabel: String?
    /// The address configured on the node; absent once removed.
    public var configuredAddress: String?
    /// Every address configured on the node, in the order of ``ipAddrs``; `configuredAddresses[0]` equals
    /// ``configuredAddress``.
    public var configuredAddresses: [String]?
    /// What the agent did with each StaticRoute that selects this node.
    public var routes: [RouteReport]?

    public init(
        ipAddr: String? = nil, gateway: String? = nil, ipAddrs: [String]? = nil, gateways: [String]? = nil,
        zone: String? = nil, subnet: String? = nil,
        conditions: [Condition]? = nil, observedGeneration: Int? = nil, interface: String? = nil,
        interfaceLabel: String? = nil, configuredAddress: String? = nil, configuredAddresses: [String]? = nil,
        routes: [RouteReport]? = nil
    ) {
        self.ipAddr = ipAddr
        self.gateway = gateway
        self.ipAddrs = ipAddrs
        self.gateways = gateways
        self.zone = zone
        self.subnet = subnet
        self.conditions = conditions
        self.observedGeneration = observedGeneration
        self.interface = interface
        self.interfaceLabel = interfaceLabel
        self.configuredAddress = configuredAddress
        self.configuredAddresses = configuredAddresses
        self.routes = routes
    }
}

/// One StaticRoute as seen by one node's agent.
public struct RouteReport: Codable, Sendable, Hashable {
    /// The StaticRoute's name.
    public var name: String
    /// The destination, as in the StaticRoute's spec.
    public var subnet: String
    /// The next hop used (or that would have been used).
    public var gateway: String?
    /// The device the route goes out of.
    public var device: String?
    /// The routing table.
    public var table: Int?
    public var state: RouteState
    /// Why it was refused or failed; empty when applied.
    public var message: String?

    public init(name: String, subnet: String, gateway: String? = nil, device: String? = nil, table: Int? = nil, state: RouteState, message: String? = nil) {
        self.name = name
        self.subnet = subnet
        self.gateway = gateway
        self.device = device
        self.table = table
        self.state = state
        self.message = message
    }
}

/// What happened to a route on a node.
public enum RouteState: String, Codable, Sendable, Hashable {
    /// The route is in the kernel.
    case applied = "Applied"
    /// The agent will not install it (it overlaps a protected range); `message` says which.
    case refused = "Refused"
    /// The kernel rejected it; `message` has the errno meaning. Retried.
    case failed = "Failed"
}
