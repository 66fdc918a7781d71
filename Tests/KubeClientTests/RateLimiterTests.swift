// Tests of the client-side rate limit: the pure token bucket and the limiter on a manual clock.
import Testing

@testable import KubeClient

@Suite("Rate limiting")
struct RateLimiterTests {
    typealias Instant = ManualTestClock.Instant

    @Test("a full bucket lets burst requests through at once, then spaces them by 1/qps")
    func burstThenSpacing() {
        var bucket = TokenBucket<Instant>(qps: 10, burst: 3)
        let start = Instant(offset: .zero)
        #expect(bucket.reserve(at: start) == .zero)
        #expect(bucket.reserve(at: start) == .zero)
        #expect(bucket.reserve(at: start) == .zero)
        #expect(bucket.reserve(at: start) == .milliseconds(100))
        #expect(bucket.reserve(at: start) == .milliseconds(200))
    }

    @Test("tokens refill with time but never beyond the burst")
    func refill() {
        var bucket = TokenBucket<Instant>(qps: 2, burst: 2)
        let start = Instant(offset: .zero)
        _ = bucket.reserve(at: start)
        _ = bucket.reserve(at: start)
        #expect(bucket.reserve(at: start.advanced(by: .milliseconds(500))) == .zero)
        let later = start.advanced(by: .seconds(100))
        #expect(bucket.reserve(at: later) == .zero)
        #expect(bucket.reserve(at: later) == .zero)
        #expect(bucket.reserve(at: later) == .milliseconds(500))
    }

    @Test("the limiter makes the request beyond the burst sleep until its token is due")
    func limiterSleepsOnClock() async throws {
        let clock = ManualTestClock()
        let limiter = RequestRateLimiter(qps: 5, burst: 2, clock: clock)
        try await limiter.acquire()
        try await limiter.acquire()
        #expect(clock.sleeperDeadlines.isEmpty)
        let third = Task { try await limiter.acquire() }
        await clock.waitForSleepers(1)
        #expect(clock.sleeperDeadlines == [.milliseconds(200)])
        clock.advance(by: .milliseconds(199))
        #expect(clock.sleeperDeadlines.count == 1)
        clock.advance(by: .milliseconds(1))
        try await third.value
        #expect(clock.sleeperDeadlines.isEmpty)
    }

    @Test("a cancelled waiter stops waiting with CancellationError")
    func cancelledWaiter() async throws {
        let clock = ManualTestClock()
        let limiter = RequestRateLimiter(qps: 1, burst: 1, clock: clock)
        try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        await clock.waitForSleepers(1)
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }

    @Test("--qps 0 and --qps -1 mean no limit: a thousand requests never wait and nothing traps", arguments: [0.0, -1.0, -.infinity, .nan])
    func nonPositiveQPSIsUnlimited(qps: Double) async throws {
        var bucket = TokenBucket<Instant>(qps: qps, burst: 0)
        let start = Instant(offset: .zero)
        for _ in 0..<1000 { #expect(bucket.reserve(at: start) == .zero) }
        let clock = ManualTestClock()
        let limiter = RequestRateLimiter(qps: qps, burst: 0, clock: clock)
        for _ in 0..<1000 { try await limiter.acquire() }
        #expect(clock.sleeperDeadlines.isEmpty)
        let client = KubeClient(
            configuration: KubeConfiguration(server: "https://127.0.0.1:6443"), options: .init(qps: qps, burst: 0), clock: clock)
        #expect(client.throttle == nil)
    }

    @Test("the default options set no client-side limit")
    func defaultIsUnthrottled() {
        #expect(!KubeClient.Options().isThrottled)
        #expect(KubeClient.Options(qps: 50, burst: 100).isThrottled)
    }

    @Test("a tiny qps waits a very long time instead of trapping")
    func tinyQPSDoesNotTrap() {
        var bucket = TokenBucket<Instant>(qps: 1e-300, burst: 1)
        let start = Instant(offset: .zero)
        #expect(bucket.reserve(at: start) == .zero)
        #expect(bucket.reserve(at: start) > .seconds(1_000_000))
    }
}
