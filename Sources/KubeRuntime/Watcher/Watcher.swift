// The watcher's async driver: performs the state machine's list/watch requests with backoff and idle detection.
import CoreMetrics
import KubeClient
import Logging
import Synchronization

/// Settings of a ``Watcher``; the defaults are kube-rs's.
public struct WatcherConfiguration: Sendable {
    /// Objects per list page. Default 500 (the client-go pager's and kube-rs's page size).
    public var pageSize: Int
    /// The `timeoutSeconds` asked of the server for each watch. Default 290 s (kube-rs; must stay below 295 s).
    public var watchTimeout: Duration
    /// Extra silence tolerated beyond `watchTimeout` before a watch is considered dead. Default 5 s.
    public var idleGrace: Duration
    /// Backoff between retries after errors. Default 0.8 s → 30 s, ×2, jitter, reset after 120 s.
    public var backoff: ExponentialBackoff.Configuration
    /// Where `overlay_watch_restarts_total` and `overlay_watch_relists_total` go; default the process-wide `MetricsSystem`.
    public var metricsFactory: any MetricsFactory

    /// Makes a configuration; every argument defaults to kube-rs's value.
    public init(
        pageSize: Int = 500, watchTimeout: Duration = .seconds(290), idleGrace: Duration = .seconds(5),
        backoff: ExponentialBackoff.Configuration = .init(), metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.metricsFactory = metricsFactory
        self.pageSize = pageSize
        self.watchTimeout = watchTimeout
        self.idleGrace = idleGrace
        self.backoff = backoff
    }
}

/// Keeps consumers up to date with one resource: lists, then watches from the list's resourceVersion,
/// re-watches after server timeouts without relisting, relists after 410, detects dead connections, and
/// backs off after errors. Errors are reported to `onError` and logged; they never end the watcher.
public struct Watcher<Object: KubernetesObject>: Sendable {
    private let source: any ListWatchSource<Object>
    private let configuration: WatcherConfiguration
    private let clock: RuntimeClock
    private let logger: Logger

    /// Makes a watcher of `source`.
    public init(
        source: some ListWatchSource<Object>, configuration: WatcherConfiguration = .init(),
        clock: RuntimeClock = .continuous, logger: Logger = Logger(label: "kube-runtime.watcher")
    ) {
        self.source = source
        self.configuration = configuration
        self.clock = clock
        var logger = logger
        logger[metadataKey: "resource"] = "\(Object.resource.plural)"
        self.logger = logger
    }

    /// Runs until the calling task is cancelled, passing every event to `onEvent` (in order, one at a
    /// time) and every error to `onError` (after logging it).
    public func run(
        onError: @escaping @Sendable (WatcherError) async -> Void = { _ in },
        onEvent: @escaping @Sendable (WatcherEvent<Object>) async -> Void
    ) async {
        var machine = WatcherStateMachine<Object>()
        var backoff = ExponentialBackoff(configuration: configuration.backoff)
        let labels = [("resource", Object.resource.plural)]
        let restarts = Counter(label: "overlay_watch_restarts_total", dimensions: labels, factory: configuration.metricsFactory)
        let relists = Counter(label: "overlay_watch_relists_total", dimensions: labels, factory: configuration.metricsFactory)
        var listed = false
        var watched = false
        while !Task.isCancelled {
            let step: WatcherStateMachine<Object>.Step
            var pause = false
            switch machine.nextRequest {
            case .list(let token):
                // A first page after the initial list is a relist (after a 410 or a failed watch start).
                if token == nil {
                    if listed { relists.increment() }
                    listed = true
                }
                do {
                    let page = try await source.list(limit: configuration.pageSize, continueToken: token)
                    step = machine.listSucceeded(page)
                } catch {
                    if Task.isCancelled { return }
                    step = machine.listFailed(error)
                }
            case .watch(let resourceVersion):
                if watched { restarts.increment() }
                watched = true
                (step, pause) = await watchOnce(
                    from: resourceVersion, machine: &machine, backoff: &backoff, onEvent: onEvent,
                    report: { error in
                        logger.log(
                            level: error.isRoutineExpiry ? .debug : .warning, "watch error event", metadata: ["error": "\(error)"])
                        await onError(error)
                    })
            }
            for event in step.events { await onEvent(event) }
            if let error = step.error {
                if Task.isCancelled { return }
                logger.log(
                    level: error.isRoutineExpiry ? .debug : .warning, "watcher error",
                    metadata: ["error": "\(error)", "resourceVersion": "\(machine.resourceVersion ?? "")"])
                await onError(error)
                let delay = backoff.nextDelay(now: clock.now)
                do { try await clock.sleep(for: delay) } catch { return }
            } else if pause {
                // A watch that ends at once without any event is not an error, but re-opening it in a
                // tight loop would hammer the server: wait as after an error.
                logger.debug("watch ended at once without events; pausing before re-watching")
                do { try await clock.sleep(for: backoff.nextDelay(now: clock.now)) } catch { return }
            } else if !step.events.isEmpty {
                backoff.reset()
            }
        }
    }

    /// A watch that ends cleanly sooner than this without a single event (not even a bookmark) is
    /// followed by a backoff pause.
    static var minimumQuietWatch: Duration { .seconds(1) }

    /// Opens one watch and consumes it until it ends, fails, goes idle, or the task is cancelled.
    /// Events are emitted as they arrive; the returned step holds what ended the watch, and `pause` says
    /// that the watch ended cleanly at once without any event.
    private func watchOnce(
        from resourceVersion: String, machine: inout WatcherStateMachine<Object>, backoff: inout ExponentialBackoff,
        onEvent: @escaping @Sendable (WatcherEvent<Object>) async -> Void,
        report: @escaping @Sendable (WatcherError) async -> Void
    ) async -> (step: WatcherStateMachine<Object>.Step, pause: Bool) {
        let stream: AsyncThrowingStream<WatchEvent<Object>, any Error>
        do {
            stream = try await source.watch(resourceVersion: resourceVersion, timeout: configuration.watchTimeout)
        } catch {
            return (machine.watchStartFailed(error), false)
        }
        let started = clock.now
        machine.watchStarted()
        logger.debug("watch started", metadata: ["resourceVersion": "\(resourceVersion)"])
        let idleLimit = configuration.watchTimeout + configuration.idleGrace
        let shared = WatchProgress(machine: machine, now: clock.now)
        let clock = clock
        let outcome = await withTaskGroup(of: WatchEnd.self) { group in
            group.addTask {
                do {
                    for try await event in stream {
                        let step = shared.state.withLock { state in
                            state.lastActivity = clock.now
                            state.sawActivity = true
                            return state.machine.received(event)
                        }
                        for emitted in step.events { await onEvent(emitted) }
                        if !step.events.isEmpty { shared.state.withLock { $0.sawEvent = true } }
                        if let error = step.error {
                            // An in-stream ERROR: a 410 ends this watch (relist); others keep streaming.
                            if error.causesRelist { return .stepError(error) }
                            await report(error)
                        }
                    }
                    return Task.isCancelled ? .cancelled : .ended
                } catch {
                    return Task.isCancelled ? .cancelled : .failed(error)
                }
            }
            group.addTask {
                while true {
                    let deadline = shared.state.withLock { $0.lastActivity } + idleLimit
                    do { try await clock.sleep(until: deadline) } catch { return .cancelled }
                    if clock.now - shared.state.withLock({ $0.lastActivity }) >= idleLimit { return .idle }
                }
            }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
        machine = shared.state.withLock { $0.machine }
        let (sawEvent, sawActivity) = shared.state.withLock { ($0.sawEvent, $0.sawActivity) }
        if sawEvent { backoff.reset() }
        switch outcome {
        case .ended:
            machine.watchEnded()
            return (.init(), !sawActivity && clock.now - started < Self.minimumQuietWatch)
        case .cancelled:
            machine.watchEnded()
            return (.init(), false)
        case .failed(let error):
            return (machine.watchFailed(error), false)
        case .idle:
            return (machine.watchIdleTimedOut(after: idleLimit), false)
        case .stepError(let error):
            return (.init(error: error), false)
        }
    }

    private enum WatchEnd: Sendable {
        case ended, cancelled, idle
        case failed(any Error)
        case stepError(WatcherError)
    }
}

/// What the consuming and the watchdog task of one watch share.
private final class WatchProgress<Object: KubernetesObject>: Sendable {
    struct State {
        var machine: WatcherStateMachine<Object>
        var lastActivity: Duration
        var sawEvent = false
        var sawActivity = false
    }

    let state: Mutex<State>

    init(machine: WatcherStateMachine<Object>, now: Duration) {
        state = Mutex(State(machine: machine, lastActivity: now))
    }
}
