// Counts the netlink writes the agent makes, so tests and metrics can tell a no-op resync from a repair.
import Synchronization

/// A thread-safe count of netlink write requests (device, address and route changes).
public final class NetlinkWriteCounter: Sendable {
    private let count = Mutex(0)

    /// Makes a counter at zero.
    public init() {}

    /// The writes counted so far.
    public var value: Int { count.withLock { $0 } }

    /// Adds `writes`.
    public func add(_ writes: Int) { count.withLock { $0 += writes } }
}
