// Names shared by the operator and the agent: group, finalizers, labels, condition types and reasons.

/// The constants of the `iks.ibm.com` API that both components must agree on.
public enum Overlay {
    /// The API group of both resources.
    public static let group = "iks.ibm.com"
    /// The served version.
    public static let version = "v1alpha1"

    /// The operator's finalizer on NodeOverlayIps: guards the release of the IP.
    public static let addressFinalizer = "iks.ibm.com/overlay-ip"
    /// The operator's finalizer on StaticRoutes: guards the withdrawal on every live node.
    public static let routeFinalizer = "iks.ibm.com/static-route"
    /// The finalizer the original controller set on both kinds; adopted (replaced by ours) on sight.
    public static let legacyFinalizer = "finalizer.iks.ibm.com"

    /// Labels the operator puts on each NodeOverlayIp.
    public enum Label {
        /// The node's name.
        public static let node = "node"
        /// The node's region.
        public static let region = "region"
        /// The node's zone; on a StaticRoute it limits the route to that zone (the original's behaviour).
        public static let zone = "zone"
    }

    /// Node labels that carry the topology, newest first.
    public enum NodeLabel {
        public static let zone = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"]
        public static let region = ["topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"]
    }

    /// Condition types.
    public enum ConditionType {
        /// NodeOverlayIp: the IPAM holds an address for the node.
        public static let reserved = "Reserved"
        /// NodeOverlayIp: reserved and configured on the node; StaticRoute: applied on every selected node.
        public static let ready = "Ready"
    }
}
