// Coalesces status writes per key: at most one write per interval, later changes are deferred.
import FoundationEssentials

/// Limits how often one key's status is written, so a burst of triggers (1000 node reports) becomes a
/// few writes. The reconcile computes the status every time; it writes only when ``decide(_:now:)``
/// says so and otherwise requeues for the returned delay (the last state then gets written).
public struct WriteThrottle<Key: Hashable & Sendable>: Sendable {
    /// The decision for one pending write.
    public enum Decision: Sendable, Equatable {
        /// Write now.
        case writeNow
        /// Do not write yet; reconcile again after this delay.
        case deferFor(Duration)
    }

    /// The shortest time between two writes of one key.
    public let interval: Duration
    private var lastWrite: [Key: Duration] = [:]

    /// Makes a throttle allowing one write per `interval` per key.
    public init(interval: Duration) {
        self.interval = interval
    }

    /// Whether `key` may be written at `now` (on a monotonic clock).
    public func decide(_ key: Key, now: Duration) -> Decision {
        guard let last = lastWrite[key], now - last < interval else { return .writeNow }
        return .deferFor(interval - (now - last))
    }

    /// Records a write of `key` at `now`.
    public mutating func wrote(_ key: Key, at now: Duration) {
        lastWrite[key] = now
    }

    /// Forgets `key` (its object is gone).
    public mutating func forget(_ key: Key) {
        lastWrite[key] = nil
    }
}
