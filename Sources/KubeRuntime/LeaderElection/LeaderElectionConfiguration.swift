// Settings of leader election on a Lease, with client-go's defaults and validation.
import FoundationEssentials

/// Settings of a ``LeaderElector`` (controller-runtime defaults, client-go validation).
public struct LeaderElectionConfiguration: Sendable, Equatable {
    /// The Lease's name.
    public var leaseName: String
    /// The Lease's namespace.
    public var leaseNamespace: String
    /// This process's identity, written as `holderIdentity`. Default `hostname_UUID` (controller-runtime).
    public var identity: String
    /// How long a lease is valid without renewal; followers wait this long after they last saw the record
    /// change. Default 15 s.
    public var leaseDuration: Duration
    /// How long a leader keeps retrying renewals before giving up leadership. Default 10 s.
    public var renewDeadline: Duration
    /// Time between acquire attempts and between renewals. Default 2 s.
    public var retryPeriod: Duration
    /// Whether a graceful shutdown releases the lease (holder "", duration 1 s) so a successor need not
    /// wait for expiry. Default true.
    public var releaseOnShutdown: Bool

    /// client-go's `JitterFactor`: acquire retries wait `retryPeriod × (1 + random·1.2)`, and the renew
    /// deadline must exceed `1.2 × retryPeriod`.
    public static let jitterFactor = 1.2

    /// Makes a configuration; the durations default to controller-runtime's 15/10/2 s.
    public init(
        leaseName: String, leaseNamespace: String, identity: String = LeaderElectionConfiguration.defaultIdentity(),
        leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2),
        releaseOnShutdown: Bool = true
    ) {
        self.leaseName = leaseName
        self.leaseNamespace = leaseNamespace
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.releaseOnShutdown = releaseOnShutdown
    }

    /// `hostname_UUID`, unique per process even when pods share a host name (controller-runtime).
    public static func defaultIdentity() -> String {
        "\(ProcessInfo.processInfo.hostName)_\(UUID().uuidString.lowercased())"
    }

    /// The timeout for each Lease request: max(renewDeadline / 2, 1 s) (client-go).
    public var requestTimeout: Duration { max(renewDeadline / 2, .seconds(1)) }

    /// Checks leaseDuration > renewDeadline > 1.2 × retryPeriod and that names are set.
    public func validate() throws(LeaderElectionConfigurationError) {
        var problems: [String] = []
        if leaseName.isEmpty { problems.append("the lease name is empty; set the Lease's name") }
        if leaseNamespace.isEmpty { problems.append("the lease namespace is empty; set the Lease's namespace") }
        if identity.isEmpty { problems.append("the identity is empty; leave it unset to use hostname_UUID") }
        if retryPeriod <= .zero { problems.append("retryPeriod \(retryPeriod) must be positive") }
        if leaseDuration <= renewDeadline {
            problems.append("leaseDuration \(leaseDuration) must be greater than renewDeadline \(renewDeadline)")
        }
        if renewDeadline <= retryPeriod * Self.jitterFactor {
            problems.append("renewDeadline \(renewDeadline) must be greater than 1.2 × retryPeriod (\(retryPeriod * Self.jitterFactor))")
        }
        if !problems.isEmpty { throw LeaderElectionConfigurationError(problems: problems) }
    }
}

/// Why a ``LeaderElectionConfiguration`` was rejected: one line per problem, each saying what to change.
public struct LeaderElectionConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems found.
    public var problems: [String]

    /// A one-line explanation for logs and users.
    public var description: String {
        "invalid leader election settings: " + problems.joined(separator: "; ")
    }
}
