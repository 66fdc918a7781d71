// Which namespace holds the leader Lease and the Events: the flag, else the pod's own namespace.
import FoundationExtras

/// Chooses the namespace of the leader Lease and of Events about cluster-scoped objects.
///
/// In a cluster the default is the pod's namespace (from the service-account mount). Out of a cluster there
/// is no such default for leader election: falling back to a fixed namespace (the original used
/// `kube-system`) would let a local run with default flags elect itself in another namespace than the
/// deployment and act as a second leader against the same IPAM. So it must be named with `--namespace`.
public enum OperatorNamespace {
    /// The namespace Events use out of a cluster without leader election, when `--namespace` is not given.
    public static let eventsOnlyDefault = "default"

    /// - Parameters:
    ///   - flag: `--namespace`, if given.
    ///   - podNamespace: The service account's namespace file's content; nil out of a cluster.
    ///   - leaderElection: Whether `--leader-elect` is on.
    /// - Throws: ``OperatorNamespaceError`` out of a cluster with leader election and no `--namespace`.
    public static func resolve(flag: String?, podNamespace: String?, leaderElection: Bool) throws(OperatorNamespaceError) -> String {
        if let flag = flag?.trimmingWhitespaceAndNewlines(), !flag.isEmpty { return flag }
        if let pod = podNamespace?.trimmingWhitespaceAndNewlines(), !pod.isEmpty { return pod }
        guard !leaderElection else { throw OperatorNamespaceError() }
        return eventsOnlyDefault
    }
}

/// Leader election out of a cluster without `--namespace`.
public struct OperatorNamespaceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error; it has no parameters.
    public init() {}

    public var description: String {
        "--namespace is required out of a cluster with leader election on: pass the namespace the deployed operator elects in "
            + "(e.g. --namespace overlay-system) so both compete for one Lease, or --leader-elect false for a lone test run"
    }
}
