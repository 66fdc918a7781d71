// When a deleted NodeOverlayIp's address may be released: never while a live node may still use it.
import FoundationEssentials

/// What to do with the address of a NodeOverlayIp that is being deleted.
public enum AddressReleaseStep: Sendable, Equatable {
    /// Release the address now; the string says why (for logs and Events).
    case release(because: String)
    /// The node's agent may still have the address configured: look again after at most `remaining`.
    case waitForAgent(remaining: Duration)
}

/// Decides when a deleted NodeOverlayIp's address may go back to the IPAM.
///
/// A released address must never reach another node while the first may still hold it, so while the
/// node lives the operator waits until its agent clears `status.configuredAddress`, or until `timeout`
/// (since the operator first saw the deletion) passes — an agent that does not answer must not block
/// deletion forever. A node that is gone holds no address.
public struct AddressReleasePolicy: Sendable, Equatable {
    /// The longest wait for the agent. Default 60 s.
    public var timeout: Duration

    /// Makes a policy with the given agent timeout.
    public init(timeout: Duration = .seconds(60)) {
        self.timeout = timeout
    }

    /// Decides for a node that `nodeExists`, whose agent reports `configuredAddress`, after `waited`.
    public func decide(nodeExists: Bool, configuredAddress: String?, waited: Duration) -> AddressReleaseStep {
        if !nodeExists { return .release(because: "the node is gone") }
        if configuredAddress?.isEmpty ?? true { return .release(because: "the agent removed the address") }
        if waited >= timeout {
            return .release(because: "the agent did not remove the address within \(timeout.components.seconds)s")
        }
        return .waitForAgent(remaining: timeout - waited)
    }
}
