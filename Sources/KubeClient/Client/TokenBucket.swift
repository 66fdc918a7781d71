// TokenBucket: the pure client-side rate limit (QPS with a burst), reserving slots in arrival order.

/// A token bucket: up to `burst` requests at once, refilled at `qps` per second.
///
/// `reserve(at:)` always takes a token, letting the count go negative, and returns how long the caller
/// must wait for it — so concurrent callers are served in arrival order (like Go's `rate.Limiter.Reserve`,
/// which client-go's default limiter uses).
public struct TokenBucket<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Tokens added per second.
    public let qps: Double
    /// The most tokens the bucket holds (requests allowed back to back after a quiet period).
    public let burst: Int
    private var tokens: Double
    private var updatedAt: Instant?

    /// A full bucket.
    ///
    /// - Precondition: `qps > 0` and `burst ≥ 1`; other values are clamped to those.
    public init(qps: Double, burst: Int) {
        self.qps = max(qps, .leastNonzeroMagnitude)
        self.burst = max(burst, 1)
        self.tokens = Double(self.burst)
    }

    /// Takes one token at `now` and returns how long to wait before using it (`.zero` = go now).
    public mutating func reserve(at now: Instant) -> Duration {
        if let updatedAt, updatedAt < now {
            tokens = min(Double(burst), tokens + Self.seconds(updatedAt.duration(to: now)) * qps)
        }
        if updatedAt.map({ $0 < now }) ?? true { updatedAt = now }
        tokens -= 1
        if tokens >= 0 { return .zero }
        return Self.duration(seconds: -tokens / qps)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    static func duration(seconds: Double) -> Duration {
        // Round up to the next microsecond so a caller never wakes just before its token is due.
        .microseconds(Int64((seconds * 1_000_000).rounded(.up)))
    }
}
