// The settings of one node agent, with defaults and the reason for each.
import IPAddressing
import KubeRuntime

/// How a ``NodeAgent`` runs.
public struct AgentConfiguration: Sendable {
    /// The node this agent configures (`NODE_NAME`).
    public var nodeName: String
    /// The host NIC (`INTERFACE`); `nil` to use the interface holding the node's InternalIP.
    public var parentInterface: String?
    /// The overlay device's name (`INTERFACE_LABEL`). Default `tmp0`, as in the original.
    public var deviceName: String
    /// Extra ranges no StaticRoute may cover (`--protected-cidrs`, e.g. pod and service CIDRs).
    public var protectedCIDRs: [IPPrefix]
    /// How long netlink events are collected before a repair. Default 100 ms: well inside the
    /// one-second repair goal, long enough to fold a burst (e.g. a deleted device's routes) into one pass.
    public var repairDelay: Duration
    /// The full resync period, a safety net for missed events. Default 5 minutes.
    public var resyncInterval: Duration
    /// The wait before retrying after a failure (kernel rejected a change, status patch failed). Default 5 s.
    public var retryInterval: Duration
    /// The watchers' settings (kube-rs defaults).
    public var watcher: WatcherConfiguration

    /// Makes a configuration; only the node name is required.
    public init(
        nodeName: String, parentInterface: String? = nil, deviceName: String = "tmp0", protectedCIDRs: [IPPrefix] = [],
        repairDelay: Duration = .milliseconds(100), resyncInterval: Duration = .seconds(300),
        retryInterval: Duration = .seconds(5), watcher: WatcherConfiguration = WatcherConfiguration()
    ) {
        self.nodeName = nodeName
        self.parentInterface = parentInterface
        self.deviceName = deviceName
        self.protectedCIDRs = protectedCIDRs
        self.repairDelay = repairDelay
        self.resyncInterval = resyncInterval
        self.retryInterval = retryInterval
        self.watcher = watcher
    }
}
