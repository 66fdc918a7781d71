// TokenBucket: the pure client-side rate limit (QPS with a burst), reserving slots in arrival order.

/// A token bucket: up to `burst` requests at once, refilled at `qps` per second; a `qps` of 0, a
/// negative or a non-finite one means no limit (every request goes at once).
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

    /// A full bucket. A `burst` below 1 becomes `qps` rounded up (at least 1).
    public init(qps: Double, burst: Int) {
        self.qps = qps
        self.burst = burst >= 1 ? burst : Int(min(max(qps.isFinite ? qps.rounded(.up) : 1, 1), Double(Int32.max)))
        self.tokens = Double(self.burst)
    }

    /// Whether the bucket limits anything (`qps` is positive and finite).
    public var isLimiting: Bool { qps > 0 && qps.isFinite }

    /// Takes one token at `now` and returns how long to wait before using it (`.zero` = go now).
    public mutating func reserve(at now: Instant) -> Duration {
        guard isLimiting else { return .zero }
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
        // Round up to the next microsecond so a caller never wakes just before its token is due; a
        // wait too long to represent (a tiny qps) is capped at about 292 000 years instead of trapping.
        let microseconds = (seconds * 1_000_000).rounded(.up)
        guard microseconds.isFinite, microseconds < Double(Int64.max) else { return .microseconds(Int64.max) }
        return .microseconds(Int64(max(microseconds, 0)))
    }
}
