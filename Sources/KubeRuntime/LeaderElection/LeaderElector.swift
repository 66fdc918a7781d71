// Leader election on a coordination.k8s.io/v1 Lease: acquire, renew, report changes, release on shutdown.
import FoundationEssentials
import Logging
import ServiceLifecycle
import Synchronization

/// Why leader election stopped with an error. The process should exit non-zero (controller-runtime does).
public enum LeaderElectionError: Error, Sendable, CustomStringConvertible {
    /// Renewals failed for longer than the renew deadline: another process may lead now.
    case leadershipLost(identity: String, lastRenewal: Duration)

    /// A one-line explanation for logs and users.
    public var description: String {
        switch self {
        case .leadershipLost(let identity, let lastRenewal):
            "leader election lost: \(identity) could not renew its lease within the renew deadline "
                + "(last renewal \(lastRenewal) ago); exiting so a healthy replica can take over"
        }
    }
}

/// Elects one leader among replicas through a Lease (client-go `leaderelection`), as a `Service`.
///
/// - Acquires the lease when it is free, expired by local observation, or already ours; retries every
///   `retryPeriod` with jitter.
/// - Renews every `retryPeriod` while leading; if renewals fail for `renewDeadline`, leadership is lost:
///   ``run()`` throws ``LeaderElectionError/leadershipLost(identity:lastRenewal:)``.
/// - On graceful shutdown, releases the lease (holder "", duration 1 s) when configured.
///
/// Put it *before* the controllers in the `ServiceGroup`: services shut down in reverse order, so the
/// controllers drain first and the lease is released last.
public final class LeaderElector: Service, Sendable {
    private struct State {
        var observation = LeaseObservation()
        var cachedResourceVersion: String?
        var isLeader = false
        var hasLed = false
        var nextSubscriber = 0
        var subscribers: [Int: AsyncStream<Bool>.Continuation] = [:]
    }

    /// The settings in use.
    public let configuration: LeaderElectionConfiguration
    private let lock: any LeaseLock
    private let clock: RuntimeClock
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private let state = Mutex(State())
    private let leading = ReadinessGate()

    /// Makes an elector; call ``run()`` (or add it to a `ServiceGroup`) to take part in the election.
    /// - Parameters:
    ///   - lock: the Lease to use.
    ///   - wallClock: the wall-clock time written into the Lease's timestamps (never used for expiry).
    public init(
        lock: some LeaseLock, configuration: LeaderElectionConfiguration, clock: RuntimeClock = .continuous,
        wallClock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "kube-runtime.leader-election")
    ) {
        self.lock = lock
        self.configuration = configuration
        self.clock = clock
        self.wallClock = wallClock
        var logger = logger
        logger[metadataKey: "lease"] = "\(configuration.leaseNamespace)/\(configuration.leaseName)"
        logger[metadataKey: "identity"] = "\(configuration.identity)"
        self.logger = logger
    }

    /// Whether this process leads right now.
    public var isLeader: Bool { state.withLock { $0.isLeader } }

    /// Whether this process has led at some point.
    public var hasLed: Bool { state.withLock { $0.hasLed } }

    /// Returns once this process leads, or early when the calling task is cancelled.
    public func waitUntilLeader() async {
        await leading.wait()
    }

    /// A stream of leadership changes: the current value first, then `true`/`false` on each change.
    /// It finishes when ``run()`` returns.
    public func leadershipChanges() -> AsyncStream<Bool> {
        let (stream, continuation) = AsyncStream<Bool>.makeStream(bufferingPolicy: .unbounded)
        let id = state.withLock { state -> Int in
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = continuation
            continuation.yield(state.isLeader)
            return state.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Takes part in the election until graceful shutdown (releasing the lease if configured) or
    /// cancellation. Throws when the configuration is invalid or leadership is lost.
    public func run() async throws {
        try configuration.validate()
        defer { finishSubscribers() }
        logger.info("waiting to acquire the lease")
        while !(await acquireOnce()) {
            let jitter = 1 + Double.random(in: 0...1) * LeaderElectionConfiguration.jitterFactor
            guard await sleepUnlessShuttingDown(configuration.retryPeriod * jitter) else { return }
        }
        setLeader(true)
        logger.info("acquired the lease; leading")
        var lastRenewal = clock.now
        while await sleepUnlessShuttingDown(configuration.retryPeriod) {
            if await acquireOnce() {
                lastRenewal = clock.now
            } else if clock.now - lastRenewal >= configuration.renewDeadline {
                setLeader(false)
                let error = LeaderElectionError.leadershipLost(identity: configuration.identity, lastRenewal: clock.now - lastRenewal)
                logger.error("\(error)")
                throw error
            }
        }
        await release()
    }

    // MARK: - Steps

    /// One `tryAcquireOrRenew`: true when we hold the lease afterwards.
    func acquireOnce() async -> Bool {
        do {
            return try await withTimeout(configuration.requestTimeout) { try await self.tryAcquireOrRenew() }
        } catch {
            logger.warning("lease request failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func tryAcquireOrRenew() async throws -> Bool {
        let identity = configuration.identity
        // A leader first tries a fast PUT from its cached record; on any failure it reads the Lease.
        let cached = state.withLock { state -> (LeaseRecord, String)? in
            guard state.isLeader, let record = state.observation.record, let version = state.cachedResourceVersion else { return nil }
            return (record, version)
        }
        if let (record, version) = cached {
            var renewed = record
            renewed.renewTime = wallClock()
            if let newVersion = try? await lock.update(renewed, resourceVersion: version) {
                noteWritten(renewed, resourceVersion: newVersion)
                return true
            }
        }
        let current = try await lock.get()
        let now = clock.now
        let decision = state.withLock { state in
            state.observation.decide(
                current: current?.record, now: now, wallClock: wallClock(), identity: identity,
                leaseDuration: configuration.leaseDuration)
        }
        switch decision {
        case .create(let record):
            let version = try await lock.create(record)
            noteWritten(record, resourceVersion: version)
            return true
        case .update(let record):
            guard let readVersion = current?.resourceVersion else { return false }
            let version = try await lock.update(record, resourceVersion: readVersion)
            noteWritten(record, resourceVersion: version)
            return true
        case .follow(let holder, _):
            state.withLock { $0.cachedResourceVersion = current?.resourceVersion }
            logger.trace("lease held by another replica", metadata: ["holder": "\(holder)"])
            return false
        }
    }

    private func release() async {
        // Cancellation (unlike graceful shutdown) means "stop now": no more requests.
        guard configuration.releaseOnShutdown, isLeader, !Task.isCancelled else {
            setLeader(false)
            return
        }
        let pending = state.withLock { state -> (LeaseRecord, String)? in
            guard let record = state.observation.record, let version = state.cachedResourceVersion else { return nil }
            return (record, version)
        }
        setLeader(false)
        guard let (record, version) = pending else { return }
        let released = LeaseObservation.releaseRecord(from: record, wallClock: wallClock())
        do {
            _ = try await withTimeout(configuration.requestTimeout) { try await self.lock.update(released, resourceVersion: version) }
            logger.info("released the lease")
        } catch {
            logger.warning("could not release the lease; successors wait for it to expire", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Helpers

    private func noteWritten(_ record: LeaseRecord, resourceVersion: String) {
        let now = clock.now
        state.withLock { state in
            state.observation.wrote(record, at: now)
            state.cachedResourceVersion = resourceVersion
        }
    }

    private func setLeader(_ leader: Bool) {
        let subscribers = state.withLock { state -> [AsyncStream<Bool>.Continuation] in
            guard state.isLeader != leader else { return [] }
            state.isLeader = leader
            if leader { state.hasLed = true }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.yield(leader) }
        if leader { leading.open() }
    }

    private func finishSubscribers() {
        let subscribers = state.withLock { state in
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    /// Sleeps for `duration`; false when graceful shutdown or cancellation interrupted it.
    private func sleepUnlessShuttingDown(_ duration: Duration) async -> Bool {
        if Task.isShuttingDownGracefully || Task.isCancelled { return false }
        let clock = clock
        let slept: Void? = try? await cancelWhenGracefulShutdown { try await clock.sleep(for: duration) }
        return slept != nil && !Task.isShuttingDownGracefully
    }

    /// Runs `operation`, failing with `LeaseRequestTimedOut` after `timeout` on the elector's clock.
    private func withTimeout<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let clock = clock
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await clock.sleep(for: timeout)
                throw LeaseRequestTimedOut(timeout: timeout)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }
}

/// A Lease request took longer than the elector's request timeout (max(renewDeadline / 2, 1 s)).
public struct LeaseRequestTimedOut: Error, Sendable, CustomStringConvertible {
    /// The limit that was exceeded.
    public let timeout: Duration
    /// A one-line explanation for logs and users.
    public var description: String {
        "the Lease request took longer than \(timeout); check the API server's health and latency"
    }
}

extension LeaderElector: CustomStringConvertible {
    /// The service's name in lifecycle logs (ServiceGroup prints services), instead of a dump of its fields.
    public var description: String { "leader elector" }
}
