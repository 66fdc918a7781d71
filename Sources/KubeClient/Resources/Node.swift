// Node: the core v1 fields the operator and agent read (spec taints, addresses, conditions).

/// A cluster node (core `v1` `Node`), modelling only the fields this project reads.
public struct Node: SpecStatusResource, Hashable {
    /// Core v1 `nodes`, cluster-scoped.
    public static let resource = ResourceDescriptor.nodes

    /// Standard metadata.
    public var metadata: ObjectMeta
    /// Scheduling-related desired state.
    public var spec: NodeSpec
    /// Observed state reported by the kubelet.
    public var status: NodeStatus

    /// A node with the given parts.
    public init(metadata: ObjectMeta, spec: NodeSpec = NodeSpec(), status: NodeStatus = NodeStatus()) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// Absent `spec` and `status` decode as empty.
    public static let absentSpec: NodeSpec? = NodeSpec()
    public static let absentStatus = NodeStatus()

    /// The first address of `type` (`InternalIP`, `ExternalIP`, `Hostname`), if reported.
    public func address(ofType type: String) -> String? {
        status.addresses.first { $0.type == type }?.address
    }

    /// Whether the kubelet reports the `Ready` condition as `True`.
    public var isReady: Bool {
        status.conditions.first { $0.type == "Ready" }?.status == .true
    }
}

/// The node fields of `spec` this project reads.
public struct NodeSpec: Sendable, Hashable, Codable {
    /// Whether new pods are kept off the node (cordoned).
    public var unschedulable: Bool?
    /// Taints on the node.
    public var taints: [Taint]?
    /// The cloud provider's id of the node.
    public var providerID: String?
    /// The pod CIDR assigned to the node.
    public var podCIDR: String?

    /// A spec with the given fields.
    public init(unschedulable: Bool? = nil, taints: [Taint]? = nil, providerID: String? = nil, podCIDR: String? = nil) {
        self.unschedulable = unschedulable
        self.taints = taints
        self.providerID = providerID
        self.podCIDR = podCIDR
    }
}

/// A node taint.
public struct Taint: Sendable, Hashable, Codable {
    /// The taint key.
    public var key: String
    /// The taint value.
    public var value: String?
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    public var effect: String
    /// When a `NoExecute` taint was added.
    public var timeAdded: KubeTime?

    /// A taint.
    public init(key: String, value: String? = nil, effect: String, timeAdded: KubeTime? = nil) {
        self.key = key
        self.value = value
        self.effect = effect
        self.timeAdded = timeAdded
    }
}

/// The node fields of `status` this project reads.
public struct NodeStatus: Sendable, Hashable, Codable {
    /// Reported addresses.
    public var addresses: [NodeAddress]
    /// Reported conditions (`Ready`, `MemoryPressure`, …).
    public var conditions: [NodeCondition]

    /// A status with the given addresses and conditions.
    public init(addresses: [NodeAddress] = [], conditions: [NodeCondition] = []) {
        self.addresses = addresses
        self.conditions = conditions
    }

    private enum CodingKeys: String, CodingKey {
        case addresses, conditions
    }

    /// Decodes the status; absent lists become empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        addresses = try container.decodeIfPresent([NodeAddress].self, forKey: .addresses) ?? []
        conditions = try container.decodeIfPresent([NodeCondition].self, forKey: .conditions) ?? []
    }

    /// Encodes the status, omitting empty lists.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !addresses.isEmpty { try container.encode(addresses, forKey: .addresses) }
        if !conditions.isEmpty { try container.encode(conditions, forKey: .conditions) }
    }
}

/// One node address.
public struct NodeAddress: Sendable, Hashable, Codable {
    /// `InternalIP`, `ExternalIP`, `Hostname`, `InternalDNS` or `ExternalDNS`.
    public var type: String
    /// The address.
    public var address: String

    /// An address of a type.
    public init(type: String, address: String) {
        self.type = type
        self.address = address
    }
}

/// A node condition (`v1.NodeCondition`, which differs from `metav1.Condition`).
public struct NodeCondition: Sendable, Hashable, Codable {
    /// The condition type, e.g. `Ready`.
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: ConditionStatus
    /// When the kubelet last reported it.
    public var lastHeartbeatTime: KubeTime?
    /// When `status` last changed.
    public var lastTransitionTime: KubeTime?
    /// A machine-readable reason.
    public var reason: String?
    /// A human-readable message.
    public var message: String?

    /// A node condition.
    public init(
        type: String, status: ConditionStatus, lastHeartbeatTime: KubeTime? = nil,
        lastTransitionTime: KubeTime? = nil, reason: String? = nil, message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastHeartbeatTime = lastHeartbeatTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}
