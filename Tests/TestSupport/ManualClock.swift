// A manual `Clock` for tests: time moves only when the test calls `advance(by:)`.
import Synchronization

/// A clock whose time moves only when a test advances it, so time-based logic runs without sleeping.
///
/// Sleepers whose deadline is reached by `advance(by:)` are resumed in deadline order (ties in the order
/// they went to sleep). A test can await ``waitForSleepers(count:)`` to know that the code under test has
/// reached its next sleep before advancing time.
///
/// ```swift
/// let clock = ManualClock()
/// let task = Task { try await clock.sleep(for: .seconds(5)) }
/// await clock.waitForSleepers(count: 1)
/// clock.advance(by: .seconds(5))   // the task resumes
/// ```
public final class ManualClock: Clock, Sendable {
    /// A point on the manual clock's timeline: the time advanced since the clock was made.
    public struct Instant: InstantProtocol, Sendable, CustomStringConvertible {
        /// Time since the clock's origin.
        public var offset: Duration

        /// Makes an instant at `offset` from the clock's origin.
        public init(offset: Duration) { self.offset = offset }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        public var description: String { "\(offset)" }
    }

    private struct Sleeper {
        let id: UInt64
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct Waiter {
        let isSatisfied: @Sendable (_ deadlines: [Instant]) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        var cancelledBeforeRegistration: Set<UInt64> = []
        var waiters: [Waiter] = []

        /// Removes and returns the waiters whose condition on the sleepers now holds.
        mutating func satisfiedWaiters() -> [CheckedContinuation<Void, Never>] {
            let deadlines = sleepers.map(\.deadline)
            let ready = waiters.filter { $0.isSatisfied(deadlines) }
            waiters.removeAll { $0.isSatisfied(deadlines) }
            return ready.map(\.continuation)
        }
    }

    private let state = Mutex(State())

    /// Makes a clock at offset zero with nobody sleeping.
    public init() {}

    /// The current time of this clock.
    public var now: Instant { state.withLock { $0.now } }

    /// The resolution: the clock has no granularity of its own.
    public var minimumResolution: Duration { .zero }

    /// The number of tasks sleeping on this clock right now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Suspends until the clock has been advanced to `deadline`; returns at once if it is already there.
    /// Throws `CancellationError` when the sleeping task is cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> (resumeNow: Result<Void, any Error>?, waiters: [CheckedContinuation<Void, Never>]) in
                    if state.cancelledBeforeRegistration.remove(id) != nil {
                        return (.failure(CancellationError()), [])
                    }
                    if deadline <= state.now {
                        return (.success(()), [])
                    }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return (nil, state.satisfiedWaiters())
                }
                for waiter in outcome.waiters { waiter.resume() }
                if let result = outcome.resumeNow { continuation.resume(with: result) }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else {
                    state.cancelledBeforeRegistration.insert(id)
                    return nil
                }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        // An id cancelled after it had already been resumed must not linger in the set.
        _ = state.withLock { $0.cancelledBeforeRegistration.remove(id) }
    }

    /// Moves the clock forward and resumes every sleeper whose deadline is reached, earliest first.
    public func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.enumerated()
                .filter { $0.element.deadline <= now }
                .sorted { ($0.element.deadline, $0.offset) < ($1.element.deadline, $1.offset) }
                .map(\.element)
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves the clock forward to `instant` (no-op if it is already later).
    public func advance(to instant: Instant) {
        let delta = now.duration(to: instant)
        if delta > .zero { advance(by: delta) }
    }

    /// Suspends until at least `count` tasks are sleeping on this clock.
    public func waitForSleepers(count: Int) async {
        await waitForSleepers { $0.count >= count }
    }

    /// Suspends until some task sleeps until exactly `deadline` (e.g. a backoff timer, as opposed to
    /// other sleepers of the code under test).
    public func waitForSleeper(until deadline: Instant) async {
        await waitForSleepers { $0.contains(deadline) }
    }

    /// Suspends until `condition` holds for the deadlines of the current sleepers.
    public func waitForSleepers(where condition: @escaping @Sendable (_ deadlines: [Instant]) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if condition(state.sleepers.map(\.deadline)) { return true }
                state.waiters.append(Waiter(isSatisfied: condition, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Moves the clock to the earliest sleeper's deadline (resuming it); returns false if nobody sleeps.
    @discardableResult
    public func advanceToNextDeadline() -> Bool {
        guard let deadline = nextDeadline else { return false }
        advance(to: deadline)
        return true
    }

    /// The earliest deadline among the current sleepers, if any.
    public var nextDeadline: Instant? { state.withLock { $0.sleepers.map(\.deadline).min() } }
}
