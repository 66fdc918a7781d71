// The StaticRoute resource: an on-premise subnet (IPv4 or IPv6) that selected nodes route via the overlay gateway.
import KubeClient

/// A route every selected node installs via the overlay gateway of the subnet's family (cluster-scoped).
///
/// A node without an overlay address of that family (a single-stack zone) reports the route `Refused`.
public struct StaticRoute: SpecStatusResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: Overlay.group, version: Overlay.version, plural: "staticroutes", kind: "StaticRoute",
        namespaced: false, hasStatusSubresource: true)

    public var metadata: ObjectMeta
    public var spec: StaticRouteSpec
    public var status: StaticRouteStatus

    public init(metadata: ObjectMeta, spec: StaticRouteSpec, status: StaticRouteStatus = StaticRouteStatus()) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// `spec` is required (`subnet` says what to route); an absent `status` decodes as empty.
    public static let absentSpec: StaticRouteSpec? = nil
    public static let absentStatus = StaticRouteStatus()

    /// Whether this route applies to a node with `nodeLabels`.
    ///
    /// Both must hold: `spec.nodeSelector` (when set) matches, and a `zone` label on the StaticRoute
    /// itself (the original controller's way to scope a route) equals the node's zone.
    public func selects(nodeLabels: [String: String]) -> Bool {
        if let selector = spec.nodeSelector, !selector.matches(labels: nodeLabels) { return false }
        if let zone = metadata.labels[Overlay.Label.zone], !zone.isEmpty {
            return NodeTopology(labels: nodeLabels).zone == zone
        }
        return true
    }
}

/// The desired route.
public struct StaticRouteSpec: Codable, Sendable, Hashable {
    /// The destination in CIDR form, IPv4 or IPv6, e.g. `192.168.0.0/24` or `fd01::/64`.
    public var subnet: String
    /// The next hop, of the same family as ``subnet`` (the CRD schema rejects a mix); the node's overlay
    /// gateway of that family when absent.
    public var gateway: String?
    /// The routing table id; main (254) when absent.
    public var table: Int?
    /// Which nodes get the route; every node when absent.
    public var nodeSelector: LabelSelector?

    public init(subnet: String, gateway: String? = nil, table: Int? = nil, nodeSelector: LabelSelector? = nil) {
        self.subnet = subnet
        self.gateway = gateway
        self.table = table
        self.nodeSelector = nodeSelector
    }
}

/// The aggregated state of a route across nodes (written by the operator only). Its size does not grow
/// with the cluster: counts, conditions and at most ``StaticRouteStatus/notAppliedLimit`` example nodes.
/// The per-node detail is in each NodeOverlayIp's `status.routes`.
public struct StaticRouteStatus: Codable, Sendable, Hashable {
    /// The most nodes listed in ``notApplied``.
    public static let notAppliedLimit = 5

    /// Live nodes the route selects.
    public var selectedNodes: Int?
    /// Selected nodes that report the route applied.
    public var appliedNodes: Int?
    /// Selected nodes whose agent refuses the route (it overlaps a protected range).
    public var refusedNodes: Int?
    /// Selected nodes where installing the route failed (retried by the agent).
    public var failedNodes: Int?
    /// Selected nodes whose agent has not reported the route yet.
    public var pendingNodes: Int?
    /// `appliedNodes/selectedNodes`, for `kubectl get sr`.
    public var ready: String?
    /// Up to ``notAppliedLimit`` selected nodes where the route is not applied: refused and failed
    /// ones first, then pending ones, each by name.
    public var notApplied: [NodeRouteStatus]?
    public var conditions: [Condition]?
    public var observedGeneration: Int?

    public init(
        selectedNodes: Int? = nil, appliedNodes: Int? = nil, refusedNodes: Int? = nil, failedNodes: Int? = nil,
        pendingNodes: Int? = nil, ready: String? = nil, notApplied: [NodeRouteStatus]? = nil, conditions: [Condition]? = nil,
        observedGeneration: Int? = nil
    ) {
        self.selectedNodes = selectedNodes
        self.appliedNodes = appliedNodes
        self.refusedNodes = refusedNodes
        self.failedNodes = failedNodes
        self.pendingNodes = pendingNodes
        self.ready = ready
        self.notApplied = notApplied
        self.conditions = conditions
        self.observedGeneration = observedGeneration
    }
}

/// One node's state of one route.
public struct NodeRouteStatus: Codable, Sendable, Hashable {
    public var hostname: String
    public var gateway: String?
    public var device: String?
    /// `Applied`, `Refused`, `Failed`, or `Pending` (selected, not yet reported).
    public var state: String?
    public var message: String?

    public init(hostname: String, gateway: String? = nil, device: String? = nil, state: String? = nil, message: String? = nil) {
        self.hostname = hostname
        self.gateway = gateway
        self.device = device
        self.state = state
        self.message = message
    }
}
