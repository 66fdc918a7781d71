// Tests of the work queue driver on a manual clock: timing, retries, one run per key, no deadlock.
import Synchronization
import TestSupport
import Testing
@testable import KubeRuntime

private typealias RunLog = EventLog<String>

@Suite("Work queue")
struct WorkQueueTests {
    @Test("work queue runs a key once its delay has passed on the clock")
    func runsAfterDelay() async throws {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: RuntimeClock(clock))
        let log = RunLog()
        let runner = Task { await queue.run { key in log.record(key); return .succeeded(requeueAfter: nil) } }
        queue.schedule("a", after: .seconds(10))
        await clock.waitForSleeper(until: .init(offset: .seconds(10)))
        #expect(log.all.isEmpty)
        clock.advance(by: .seconds(10))
        var runs = log.stream.makeAsyncIterator()
        #expect(await runs.next() == "a")
        queue.stop()
        await runner.value
    }

    @Test("a failed run is retried after the per-key backoff and success forgets the failures")
    func retriesFailures() async throws {
        let clock = ManualClock()
        let queue = WorkQueue<String>(retry: .init(baseDelay: .seconds(1), queriesPerSecond: 0), clock: RuntimeClock(clock))
        let log = RunLog()
        let attempts = Mutex(0)
        let runner = Task {
            await queue.run { key in
                log.record(key)
                let attempt = attempts.withLock { $0 += 1; return $0 }
                return attempt < 3 ? .failed : .succeeded(requeueAfter: nil)
            }
        }
        var runs = log.stream.makeAsyncIterator()
        queue.schedule("a")
        #expect(await runs.next() == "a")
        await clock.waitForSleeper(until: .init(offset: .seconds(1)))
        clock.advance(by: .seconds(1))
        #expect(await runs.next() == "a")
        await clock.waitForSleeper(until: .init(offset: .seconds(3)))
        clock.advance(by: .seconds(2))
        #expect(await runs.next() == "a")
        queue.stop()
        await runner.value
        #expect(log.all.count == 3)
    }

    @Test("a terminal failure is not retried")
    func terminalNotRetried() async {
        let clock = ManualClock()
        let queue = WorkQueue<String>(concurrency: 1, clock: RuntimeClock(clock))
        let log = RunLog()
        let runner = Task { await queue.run { key in log.record(key); return .failedTerminally } }
        var runs = log.stream.makeAsyncIterator()
        queue.schedule("a")
        #expect(await runs.next() == "a")
        // With one slot, "b" can only start after "a" has finished and been (not) rescheduled.
        queue.schedule("b")
        #expect(await runs.next() == "b")
        #expect(queue.scheduledTime(of: "a") == nil)
        #expect(log.all == ["a", "b"])
        queue.stop()
        await runner.value
    }

    @Test("runner never runs two reconciles of one key at once and reruns a key scheduled meanwhile")
    func oneRunPerKey() async {
        let queue = WorkQueue<String>(concurrency: 4, clock: RuntimeClock(ManualClock()))
        let log = RunLog()
        let gate = AsyncGate()
        let active = Mutex(0)
        let maxActive = Mutex(0)
        let runner = Task {
            await queue.run { key in
                let now = active.withLock { $0 += 1; return $0 }
                maxActive.withLock { $0 = max($0, now) }
                log.record(key)
                await gate.wait()
                active.withLock { $0 -= 1 }
                return .succeeded(requeueAfter: nil)
            }
        }
        var runs = log.stream.makeAsyncIterator()
        queue.schedule("a")
        #expect(await runs.next() == "a")
        queue.schedule("a")
        queue.schedule("a")
        #expect(queue.running == ["a"])
        gate.open()
        #expect(await runs.next() == "a")
        queue.stop()
        await runner.value
        #expect(log.all == ["a", "a"])
        #expect(maxActive.withLock { $0 } == 1)
    }

    @Test("applier must not deadlock when reconciles flood the requeue path")
    func floodingRequeueDoesNotDeadlock() async {
        let queue = WorkQueue<Int>(concurrency: 2, retry: .init(baseDelay: .zero, queriesPerSecond: 0), clock: RuntimeClock(ManualClock()))
        let total = Mutex(0)
        let (done, finished) = AsyncStream<Void>.makeStream()
        let runner = Task {
            await queue.run { key in
                let count = total.withLock { $0 += 1; return $0 }
                if count == 2_000 { finished.yield() }
                // Every run schedules fifty other keys and fails, so both the schedule and retry paths flood.
                for other in 0..<50 { queue.schedule((key + other) % 500) }
                return count.isMultiple(of: 2) ? .failed : .succeeded(requeueAfter: .zero)
            }
        }
        queue.schedule(0)
        var iterator = done.makeAsyncIterator()
        await iterator.next()
        queue.stop()
        await runner.value
        #expect(total.withLock { $0 } >= 2_000)
    }

    @Test("stopping lets running work finish and takes no new keys")
    func stopDrains() async {
        let queue = WorkQueue<String>(concurrency: 2, clock: RuntimeClock(ManualClock()))
        let log = RunLog()
        let gate = AsyncGate()
        let finished = Mutex(false)
        let runner = Task {
            await queue.run { key in
                log.record(key)
                await gate.wait()
                finished.withLock { $0 = true }
                return .succeeded(requeueAfter: nil)
            }
        }
        var runs = log.stream.makeAsyncIterator()
        queue.schedule("a")
        #expect(await runs.next() == "a")
        queue.stop()
        queue.schedule("b")
        gate.open()
        await runner.value
        #expect(finished.withLock { $0 })
        #expect(log.all == ["a"])
    }
}
