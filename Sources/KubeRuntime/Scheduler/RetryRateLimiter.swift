// Retry delays after failed reconciles: per-key exponential backoff max'd with a global token bucket.

/// Retry delays after failures (client-go `DefaultControllerRateLimiter`): the larger of a per-key
/// exponential delay (`base · 2^failures`, capped) and a global token bucket's wait.
public struct RetryRateLimiter<Key: Hashable & Sendable>: Sendable {
    /// Tunables; the defaults are client-go's.
    public struct Configuration: Sendable, Equatable {
        /// First per-key delay. Default 5 ms.
        public var baseDelay: Duration
        /// Largest per-key delay. Default 1000 s.
        public var maxDelay: Duration
        /// Sustained retries per second across all keys. Default 10. Zero or less disables the bucket.
        public var queriesPerSecond: Double
        /// Retries allowed in a burst before the bucket slows them down. Default 100.
        public var burst: Int

        /// Makes a configuration; every argument defaults to client-go's value.
        public init(
            baseDelay: Duration = .milliseconds(5), maxDelay: Duration = .seconds(1000),
            queriesPerSecond: Double = 10, burst: Int = 100
        ) {
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.queriesPerSecond = queriesPerSecond
            self.burst = burst
        }
    }

    /// The configuration in use.
    public let configuration: Configuration
    private var failures: [Key: Int] = [:]
    private var tokens: Double
    private var lastRefill: Duration?

    /// Makes a limiter with a full bucket and no failures.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        self.tokens = Double(configuration.burst)
    }

    /// The number of failures recorded for `key` since it was last forgotten.
    public func failureCount(of key: Key) -> Int { failures[key, default: 0] }

    /// Records a failure of `key` at `now` and returns how long to wait before retrying it.
    public mutating func delayAfterFailure(of key: Key, now: Duration) -> Duration {
        let count = failures[key, default: 0]
        failures[key] = count + 1
        return max(perKeyDelay(failures: count), bucketDelay(now: now))
    }

    /// Forgets the failures of `key` (after a success).
    public mutating func forget(_ key: Key) {
        failures[key] = nil
    }

    private func perKeyDelay(failures: Int) -> Duration {
        // 2^40 · base already exceeds any sane maximum; stopping there keeps the product from overflowing.
        guard failures < 40 else { return configuration.maxDelay }
        return min(configuration.maxDelay, configuration.baseDelay * (1 << failures))
    }

    /// Reserves one token at `now`, refilling at `queriesPerSecond` up to `burst`; a negative balance is
    /// a wait (golang.org/x/time/rate `Reserve`).
    private mutating func bucketDelay(now: Duration) -> Duration {
        let rate = configuration.queriesPerSecond
        guard rate > 0 else { return .zero }
        if let lastRefill {
            let elapsed = max(0, (now - lastRefill).inSeconds)
            tokens = min(Double(configuration.burst), tokens + elapsed * rate)
        }
        lastRefill = now
        tokens -= 1
        return tokens >= 0 ? .zero : .roundedSeconds(-tokens / rate)
    }
}
