// When a deleted NodeOverlayIp's address may go back to the IPAM: only when it provably left the node.

/// What to do with the address of a NodeOverlayIp that is being deleted.
public enum AddressReleaseStep: Sendable, Equatable {
    /// Release the address now; the string says why (for logs and Events).
    case release(because: String)
    /// Keep the address reserved: the node may still use it.
    case hold(AddressHold)
}

/// Why a deleted NodeOverlayIp's address stays reserved, as the condition and Events say it.
public struct AddressHold: Sendable, Equatable {
    /// The `Reserved` condition's reason while held: `ReleaseWaitingForAgent`, or `ReleaseBlocked` once the
    /// wait is longer than ``AddressReleasePolicy/blockedAfter``.
    public var reason: String
    /// What holds the release and what unblocks it.
    public var message: String
    /// Whether the wait is longer than ``AddressReleasePolicy/blockedAfter`` (a Warning Event is due).
    public var isBlocked: Bool
    /// When to look again (besides the watch events an agent report or a node deletion bring).
    public var recheckAfter: Duration
}

/// Decides when a deleted NodeOverlayIp's address may go back to the IPAM.
///
/// A released address must never reach another node while the first still uses it. The operator releases
/// a node's addresses (every family at once) only on proof that the node holds none of them:
/// - the Node is gone (a node that no longer exists holds no address);
/// - the addresses never reached the node: `status.ipAddrs`/`ipAddr` were never written, and the agent
///   learns its addresses only from there (e.g. a crash between the IPAM reservation and the status write);
/// - the agent reported (it has written its status keys) and its latest report shows none of the published
///   addresses in `status.configuredAddresses` nor in `status.configuredAddress` (the only key an agent from
///   before dual stack writes): it removed them. The one window this leaves — an agent that
///   configured an address and crashed before its first report of it — closes when the kubelet restarts
///   the agent, which then removes the addresses of the deleting object; the backends' release cool-down
///   (default 5 minutes) keeps the addresses from another node for longer than that restart takes.
///
/// There is no time-based release: no waiting period proves that a live node stopped using an address
/// (a dead, stuck or cut-off agent removes nothing, however long the operator waits). After
/// ``blockedAfter`` the hold is reported as blocked (condition reason `ReleaseBlocked`, a Warning Event)
/// so that a person fixes the agent or deletes the Node of a machine that is really gone.
public struct AddressReleasePolicy: Sendable, Equatable {
    /// How long a hold lasts before it is reported as blocked (`--release-timeout`). Default 60 s.
    public var blockedAfter: Duration

    /// Makes a policy that reports a hold as blocked after `blockedAfter`.
    public init(blockedAfter: Duration = .seconds(60)) {
        self.blockedAfter = blockedAfter
    }

    /// What the operator knows about the node and its agent when it decides.
    public struct Observation: Sendable, Equatable {
        /// The node name.
        public var nodeName: String
        /// Whether the Node exists.
        public var nodeExists: Bool
        /// The addresses published to the agent (`status.ipAddrs`, or `status.ipAddr` alone), empty if never written.
        public var publishedAddresses: [String]
        /// Whether the agent ever reported (it wrote `interface` or `interfaceLabel`).
        public var agentReported: Bool
        /// The agent's latest `status.configuredAddresses` together with `status.configuredAddress`.
        public var configuredAddresses: [String]

        /// Makes an observation.
        public init(nodeName: String, nodeExists: Bool, publishedAddresses: [String], agentReported: Bool, configuredAddresses: [String]) {
            self.nodeName = nodeName
            self.nodeExists = nodeExists
            self.publishedAddresses = publishedAddresses
            self.agentReported = agentReported
            self.configuredAddresses = configuredAddresses
        }
    }

    /// Decides for `observation` after the deletion has been waiting `waited`.
    public func decide(_ observation: Observation, waited: Duration) -> AddressReleaseStep {
        if !observation.nodeExists { return .release(because: "the node is gone") }
        let published = observation.publishedAddresses.compactMap(AddressStatusPlanner.address(fromCIDR:))
        guard !published.isEmpty else {
            return .release(because: "the address was never published to the node")
        }
        let node = observation.nodeName
        let unblock = "it is released when the agent removes it or when the Node is deleted"
        let cause: String
        let shown = published.map(\.description).joined(separator: " and ")
        if let configured = published.first(where: { AddressStatusPlanner.isConfigured($0, reportedAmong: observation.configuredAddresses) }) {
            cause = "the agent on node \(node) still reports \(configured) configured"
        } else if observation.agentReported {
            return .release(because: "the agent reported the address removed")
        } else {
            cause = "the agent on node \(node) has not reported since \(shown) was published, so it may have configured it"
        }
        let stays = published.count == 1 ? "stays" : "stay"
        let blocked = waited >= blockedAfter
        return .hold(AddressHold(
            reason: blocked ? "ReleaseBlocked" : "ReleaseWaitingForAgent",
            message: blocked
                ? "\(shown) \(stays) reserved: \(cause) after \(waited.components.seconds)s; \(unblock) (check the agent's pod and log on that node)"
                : "\(shown) \(stays) reserved: \(cause); \(unblock)",
            isBlocked: blocked, recheckAfter: blocked ? .seconds(30) : blockedAfter - waited))
    }
}
