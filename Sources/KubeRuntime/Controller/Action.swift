// What a reconcile asks for next, and the error wrapper that means "do not retry".

/// What a successful reconcile wants next (kube-rs `Action`).
public enum Action: Sendable, Equatable {
    /// Reconcile this object again after `after`, even if nothing changes.
    case requeue(after: Duration)
    /// Reconcile again only when something changes (or at the controller's periodic resync).
    case awaitChange
}

/// Wraps an error that retrying cannot fix (controller-runtime `reconcile.TerminalError`): the
/// controller logs it and does not retry the key until its object changes.
public struct TerminalError: Error, Sendable, CustomStringConvertible {
    /// The error that cannot be fixed by retrying.
    public let underlying: any Error

    /// Marks `underlying` as terminal.
    public init(_ underlying: any Error) {
        self.underlying = underlying
    }

    /// A one-line explanation for logs and users.
    public var description: String { "\(underlying) (not retried until the object changes)" }
}
