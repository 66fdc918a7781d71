// Exponential backoff with jitter that resets after success or a quiet period (kube-rs DefaultBackoff).

/// Exponential backoff for reconnecting watches: 0.8 s → 30 s, ×2, with jitter, reset after success or
/// after 120 s without failures (kube-rs `DefaultBackoff` and `ResetTimerBackoff`).
public struct ExponentialBackoff: Sendable {
    /// Tunables; the defaults are kube-rs's watcher backoff.
    public struct Configuration: Sendable, Equatable {
        /// First delay. Default 0.8 s.
        public var initial: Duration
        /// Largest delay. Default 30 s.
        public var maximum: Duration
        /// Growth factor per failure. Default 2.
        public var multiplier: Double
        /// Fraction of random spread around each delay (0.5 = ±50 %). Default 0.5.
        public var jitter: Double
        /// A failure after this long without failures starts over at `initial`. Default 120 s.
        public var resetAfter: Duration

        /// Makes a configuration; every argument defaults to kube-rs's value.
        public init(
            initial: Duration = .milliseconds(800), maximum: Duration = .seconds(30), multiplier: Double = 2,
            jitter: Double = 0.5, resetAfter: Duration = .seconds(120)
        ) {
            self.initial = initial
            self.maximum = maximum
            self.multiplier = multiplier
            self.jitter = jitter
            self.resetAfter = resetAfter
        }
    }

    /// The configuration in use.
    public let configuration: Configuration
    private var nextBase: Duration
    private var lastFailure: Duration?

    /// Makes a backoff at its initial delay.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        self.nextBase = configuration.initial
    }

    /// The delay to wait after a failure at `now`; `random` gives a value in 0...1 (injected for tests).
    public mutating func nextDelay(now: Duration, random: Double = Double.random(in: 0...1)) -> Duration {
        if let lastFailure, now - lastFailure >= configuration.resetAfter {
            nextBase = configuration.initial
        }
        lastFailure = now
        let base = nextBase
        nextBase = min(configuration.maximum, .roundedSeconds(base.inSeconds * configuration.multiplier))
        let spread = 1 + configuration.jitter * (2 * min(max(random, 0), 1) - 1)
        return min(configuration.maximum, .roundedSeconds(base.inSeconds * spread))
    }

    /// Forgets past failures: the next delay is the initial one again.
    public mutating func reset() {
        nextBase = configuration.initial
        lastFailure = nil
    }
}
