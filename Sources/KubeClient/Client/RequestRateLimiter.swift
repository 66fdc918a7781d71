// RequestRateLimiter: the async shell around TokenBucket that makes callers wait on an injected clock.
import Synchronization

/// Delays requests so that at most `qps` per second (with bursts up to `burst`) reach the API server.
protocol RequestThrottle: Sendable {
    /// Waits until the caller may send one request.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func acquire() async throws
}

/// Client-side rate limiting on an injected clock.
public final class RequestRateLimiter<C: Clock>: Sendable, RequestThrottle where C.Duration == Duration {
    private let clock: C
    private let bucket: Mutex<TokenBucket<C.Instant>>

    /// A limiter allowing `qps` requests per second with bursts of `burst`, timed by `clock`.
    public init(qps: Double, burst: Int, clock: C) {
        self.clock = clock
        self.bucket = Mutex(TokenBucket(qps: qps, burst: burst))
    }

    /// Waits until the caller may send one request.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting (the slot is not given back).
    public func acquire() async throws {
        let now = clock.now
        let wait = bucket.withLock { $0.reserve(at: now) }
        if wait > .zero {
            try await clock.sleep(until: now.advanced(by: wait), tolerance: nil)
        }
    }
}
