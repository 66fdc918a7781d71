// The work queue's async driver: runs due keys with bounded concurrency and applies retry policy.
import Logging
import Synchronization

/// How one run of a key ended, as reported to the ``WorkQueue``.
public enum WorkOutcome: Sendable, Equatable {
    /// The run succeeded; run the key again after the given delay (nil: only when scheduled again).
    /// Forgets the key's failure count.
    case succeeded(requeueAfter: Duration?)
    /// The run failed with a retryable error: retry after the rate limiter's delay.
    case failed
    /// The run failed and must not be retried until the key is scheduled again. Forgets the failures.
    case failedTerminally
}

/// Runs work for keys at their scheduled time with bounded concurrency, never two runs of one key at
/// once, and rate-limited retries (the scheduler + runner of kube-rs, the client-go work queue).
///
/// `schedule` never blocks (it only updates state and wakes the driver), so reconciles may schedule
/// freely without any risk of the queue deadlocking on itself (kube-rs
/// `applier_must_not_deadlock_if_reschedule_buffer_fills`).
public final class WorkQueue<Key: Hashable & Sendable>: Sendable {
    private struct State {
        var queue: WorkQueueState<Key>
        var limiter: RetryRateLimiter<Key>
        var stopping = false
        var wakeupPending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>
    private let clock: RuntimeClock
    private let logger: Logger
    private let metrics: WorkQueueMetrics?

    /// Makes a queue running at most `concurrency` keys at once.
    /// - Parameters:
    ///   - concurrency: the largest number of simultaneous runs (at least 1).
    ///   - retry: the retry rate limiter's configuration (5 ms…1000 s per key, 10 qps / burst 100).
    ///   - clock: the time source; tests pass a manual clock.
    ///   - metrics: client-go's `workqueue_*` metrics of this queue; none by default.
    public init(
        concurrency: Int = 1, retry: RetryRateLimiter<Key>.Configuration = .init(),
        clock: RuntimeClock = .continuous, logger: Logger = Logger(label: "kube-runtime.work-queue"),
        metrics: WorkQueueMetrics? = nil
    ) {
        state = Mutex(State(queue: WorkQueueState(concurrency: concurrency), limiter: RetryRateLimiter(configuration: retry)))
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
    }

    /// Schedules `key` to run after `delay` (default now). An earlier existing schedule wins.
    public func schedule(_ key: Key, after delay: Duration = .zero) {
        let changed = state.withLock { $0.queue.schedule(key, at: clock.now + delay) }
        metrics?.added(1)
        if changed { wakeUp() }
    }

    /// Schedules every key in `keys` to run now.
    public func scheduleAll(_ keys: some Sequence<Key>) {
        let now = clock.now
        let (changed, count) = state.withLock { state in
            keys.reduce((false, 0)) { result, key in (state.queue.schedule(key, at: now) || result.0, result.1 + 1) }
        }
        metrics?.added(count)
        if changed { wakeUp() }
    }

    /// Keys running now.
    public var running: Set<Key> { state.withLock { $0.queue.running } }

    /// When `key` is next due on the queue's clock, if it is scheduled.
    public func scheduledTime(of key: Key) -> Duration? { state.withLock { $0.queue.scheduledTime(of: key) } }

    /// Stops taking keys: ``run(_:)`` returns once the runs in progress have finished.
    public func stop() {
        state.withLock { $0.stopping = true }
        wakeUp()
    }

    /// Runs due keys through `work` until ``stop()`` is called or the task is cancelled, then waits for
    /// the runs in progress. Cancelling the calling task also cancels the runs in progress.
    public func run(_ work: @escaping @Sendable (Key) async -> WorkOutcome) async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let (next, depth, waited) = state.withLock { state -> (WorkQueueState<Key>.Next?, Int?, Duration) in
                    let now = clock.now
                    let next = state.stopping ? nil : state.queue.next(now: now)
                    return (next, metrics == nil ? nil : state.queue.dueCount(now: now), state.queue.lastStartWait)
                }
                if let depth { metrics?.depth(depth) }
                switch next {
                case nil:
                    return
                case .run(let key):
                    metrics?.started(afterWaiting: waited)
                    group.addTask {
                        let started = self.clock.now
                        let outcome = await work(key)
                        self.metrics?.finished(after: self.clock.now - started)
                        self.finish(key, outcome: outcome)
                    }
                case .sleep(let deadline):
                    await waitForWakeUp(orUntil: deadline)
                case .wait:
                    await waitForWakeUp(orUntil: nil)
                }
            }
        }
    }

    private func finish(_ key: Key, outcome: WorkOutcome) {
        let retryDelay = state.withLock { state -> Duration? in
            let now = clock.now
            var reschedule: Duration?
            var retryDelay: Duration?
            switch outcome {
            case .succeeded(let requeueAfter):
                state.limiter.forget(key)
                reschedule = requeueAfter.map { now + $0 }
            case .failed:
                metrics?.retried()
                let delay = state.limiter.delayAfterFailure(of: key, now: now)
                retryDelay = delay
                reschedule = now + delay
            case .failedTerminally:
                state.limiter.forget(key)
            }
            state.queue.finish(key, reschedule: reschedule)
            return retryDelay
        }
        if let retryDelay {
            logger.debug("retrying after a failure", metadata: ["key": "\(key)", "delay": "\(retryDelay)"])
        }
        wakeUp()
    }

    private func wakeUp() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.wakeupPending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns on a wake-up, at `deadline` (if any), or on cancellation, whichever comes first.
    private func waitForWakeUp(orUntil deadline: Duration?) async {
        await withTaskGroup(of: Void.self) { group in
            if let deadline {
                group.addTask { [clock] in try? await clock.sleep(until: deadline) }
            }
            group.addTask { await self.waitForSignal() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.wakeupPending || Task.isCancelled {
                        state.wakeupPending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
