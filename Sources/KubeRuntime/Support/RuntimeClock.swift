// Wraps any `Clock<Duration>` so the runtime's pure state machines can use plain `Duration` timestamps.

/// A clock adapter: time is the `Duration` elapsed since the adapter was made.
///
/// The runtime's state machines take `now: Duration` values from this adapter, so they need no generic
/// clock parameter and unit tests can pass literal times. Any `Clock` with `Duration` steps works
/// (`ContinuousClock` in production, a manual clock in tests).
public struct RuntimeClock: Sendable {
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// Wraps `clock`; its current instant becomes time zero.
    public init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleeper = { offset in try await clock.sleep(until: origin.advanced(by: offset), tolerance: nil) }
    }

    /// Wraps an existential clock (opens it once).
    public init(any clock: any Clock<Duration>) {
        self.init(clock)
    }

    /// The real monotonic clock.
    public static var continuous: RuntimeClock { RuntimeClock(ContinuousClock()) }

    /// The time elapsed since this adapter was made.
    public var now: Duration { elapsed() }

    /// Sleeps until the adapter's time reaches `deadline`. Throws `CancellationError` when cancelled.
    public func sleep(until deadline: Duration) async throws {
        try await sleeper(deadline)
    }

    /// Sleeps for `duration` from now. Throws `CancellationError` when cancelled.
    public func sleep(for duration: Duration) async throws {
        try await sleeper(now + duration)
    }
}
