// Unit tests of the work queue's pure state: dedup, ordering, one run per key, concurrency.
import Testing
@testable import KubeRuntime

@Suite("Work queue state")
struct WorkQueueStateTests {
    @Test("scheduler keeps the earlier of two schedules for one key")
    func keepsEarlierSchedule() {
        var queue = WorkQueueState<String>(concurrency: 1)
        queue.schedule("a", at: .seconds(10))
        queue.schedule("a", at: .seconds(5))
        queue.schedule("a", at: .seconds(20))
        #expect(queue.scheduledTime(of: "a") == .seconds(5))
        #expect(queue.pendingCount == 1)
        #expect(queue.next(now: .seconds(4)) == .sleep(until: .seconds(5)))
        #expect(queue.next(now: .seconds(5)) == .run("a"))
        queue.finish("a", reschedule: nil)
        #expect(queue.next(now: .seconds(30)) == .wait)
    }

    @Test("scheduler runs due keys in time order")
    func runsInTimeOrder() {
        var queue = WorkQueueState<String>(concurrency: 3)
        queue.schedule("late", at: .seconds(3))
        queue.schedule("early", at: .seconds(1))
        queue.schedule("middle", at: .seconds(2))
        #expect(queue.next(now: .seconds(3)) == .run("early"))
        #expect(queue.next(now: .seconds(3)) == .run("middle"))
        #expect(queue.next(now: .seconds(3)) == .run("late"))
    }

    @Test("runner never runs two reconciles of one key at once")
    func neverRunsKeyTwice() {
        var queue = WorkQueueState<String>(concurrency: 4)
        queue.schedule("a", at: .zero)
        #expect(queue.next(now: .zero) == .run("a"))
        queue.schedule("a", at: .zero)
        #expect(queue.next(now: .seconds(1)) == .wait)
        queue.finish("a", reschedule: nil)
        #expect(queue.next(now: .seconds(1)) == .run("a"))
    }

    @Test("a key scheduled while it runs runs again right after, earlier than its own requeue")
    func dirtyKeyRerunsBeforeRequeue() {
        var queue = WorkQueueState<String>(concurrency: 1)
        queue.schedule("a", at: .zero)
        #expect(queue.next(now: .zero) == .run("a"))
        queue.schedule("a", at: .seconds(1))
        queue.finish("a", reschedule: .seconds(300))
        #expect(queue.scheduledTime(of: "a") == .seconds(1))
    }

    @Test("runner never starts more runs than its concurrency")
    func boundedConcurrency() {
        var queue = WorkQueueState<Int>(concurrency: 2)
        for key in 0..<5 { queue.schedule(key, at: .zero) }
        #expect(queue.next(now: .zero) == .run(0))
        #expect(queue.next(now: .zero) == .run(1))
        #expect(queue.next(now: .zero) == .wait)
        queue.finish(0, reschedule: nil)
        #expect(queue.next(now: .zero) == .run(2))
        #expect(queue.running == [1, 2])
    }

    @Test("a cancelled schedule never runs")
    func cancelledScheduleDoesNotRun() {
        var queue = WorkQueueState<String>(concurrency: 1)
        queue.schedule("a", at: .seconds(1))
        queue.cancel("a")
        #expect(queue.next(now: .seconds(2)) == .wait)
        #expect(queue.isIdle)
    }
}

@Suite("Retry rate limiter")
struct RetryRateLimiterTests {
    @Test("per-key retry delay doubles from 5 ms and stops at the maximum")
    func perKeyExponential() {
        var limiter = RetryRateLimiter<String>(configuration: .init(queriesPerSecond: 0))
        let delays = (0..<4).map { _ in limiter.delayAfterFailure(of: "a", now: .zero) }
        #expect(delays == [.milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(40)])
        for _ in 0..<100 { _ = limiter.delayAfterFailure(of: "a", now: .zero) }
        #expect(limiter.delayAfterFailure(of: "a", now: .zero) == .seconds(1000))
    }

    @Test("forgetting a key starts its retries over")
    func forgetResets() {
        var limiter = RetryRateLimiter<String>(configuration: .init(queriesPerSecond: 0))
        _ = limiter.delayAfterFailure(of: "a", now: .zero)
        _ = limiter.delayAfterFailure(of: "a", now: .zero)
        limiter.forget("a")
        #expect(limiter.failureCount(of: "a") == 0)
        #expect(limiter.delayAfterFailure(of: "a", now: .zero) == .milliseconds(5))
    }

    @Test("global token bucket slows retries once the burst is spent")
    func tokenBucket() {
        var limiter = RetryRateLimiter<Int>(configuration: .init(baseDelay: .zero, queriesPerSecond: 10, burst: 2))
        #expect(limiter.delayAfterFailure(of: 1, now: .zero) == .zero)
        #expect(limiter.delayAfterFailure(of: 2, now: .zero) == .zero)
        #expect(limiter.delayAfterFailure(of: 3, now: .zero) == .milliseconds(100))
        #expect(limiter.delayAfterFailure(of: 4, now: .zero) == .milliseconds(200))
        // Ten seconds refill far more than the debt, but the bucket holds at most the burst.
        #expect(limiter.delayAfterFailure(of: 5, now: .seconds(10)) == .zero)
    }
}

@Suite("Exponential backoff")
struct ExponentialBackoffTests {
    @Test("watch backoff grows from 0.8 s by two up to 30 s")
    func grows() {
        var backoff = ExponentialBackoff()
        let delays = (0..<8).map { step in backoff.nextDelay(now: .seconds(step), random: 0.5) }
        #expect(delays == [0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 30, 30].map { Duration.milliseconds(Int64($0 * 1000)) })
    }

    @Test("watch backoff applies jitter within half the delay")
    func jitter() {
        var low = ExponentialBackoff()
        var high = ExponentialBackoff()
        #expect(low.nextDelay(now: .zero, random: 0) == .milliseconds(400))
        #expect(high.nextDelay(now: .zero, random: 1) == .milliseconds(1200))
    }

    @Test("watch backoff starts over after 120 s without failures or after a reset")
    func resets() {
        var backoff = ExponentialBackoff()
        _ = backoff.nextDelay(now: .zero, random: 0.5)
        _ = backoff.nextDelay(now: .seconds(1), random: 0.5)
        #expect(backoff.nextDelay(now: .seconds(200), random: 0.5) == .milliseconds(800))
        _ = backoff.nextDelay(now: .seconds(201), random: 0.5)
        backoff.reset()
        #expect(backoff.nextDelay(now: .seconds(202), random: 0.5) == .milliseconds(800))
    }
}
