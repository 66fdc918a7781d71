// Tests of the controller wiring: readiness, current objects only, owners, mappers, retries, shutdown.
import KubeClient
import Logging
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing
@testable import KubeRuntime

@Suite("Controller")
struct ControllerTests {
    /// Reconciles log `name size` and return `.awaitChange`.
    func recordingController(
        _ source: InMemoryListWatch<Widget>, clock: ManualClock = ManualClock(), log: EventLog<String>,
        gate: AsyncGate? = nil, configuration: ControllerConfiguration = .init()
    ) -> Controller<Widget> {
        Controller(for: source, configuration: configuration, clock: RuntimeClock(clock)) { widget in
            log.record("\(widget.metadata.name) \(widget.size)")
            await gate?.wait()
            return .awaitChange
        }
    }

    @Test("controller reconciles every listed object once its store is ready")
    func reconcilesListedObjects() async throws {
        let source = InMemoryListWatch([Widget("a"), Widget("b")])
        let log = EventLog<String>()
        let controller = recordingController(source, log: log)
        let task = Task { try await controller.run() }
        var runs = log.stream.makeAsyncIterator()
        let first = await runs.next()
        let second = await runs.next()
        #expect(Set([first, second]) == ["a 0", "b 0"])
        task.cancel()
        try await task.value
    }

    @Test("controller reconciles the current cached object and skips keys whose object is gone")
    func reconcilesCurrentObjectOnly() async throws {
        let source = InMemoryListWatch([Widget("a")])
        let log = EventLog<String>()
        let gate = AsyncGate()
        let controller = Controller(for: source, clock: RuntimeClock(ManualClock())) { widget in
            log.record("\(widget.metadata.name) \(widget.size)")
            if widget.metadata.name == "a" { await gate.wait() }
            return .awaitChange
        }
        let task = Task { try await controller.run() }
        var runs = log.stream.makeAsyncIterator()
        #expect(await runs.next() == "a 0")
        // While "a" reconciles, it changes, then goes away; "b" arrives.
        source.upsert(Widget("a", size: 1))
        source.delete(ObjectKey(namespace: "default", name: "a"))
        source.upsert(Widget("b"))
        await controller.store.waitUntil { $0[ObjectKey(namespace: "default", name: "b")] != nil }
        gate.open()
        #expect(await runs.next() == "b 0")
        // With one slot and "a"'s rerun queued before "c", reaching "c" means "a"'s rerun was skipped.
        source.upsert(Widget("c"))
        #expect(await runs.next() == "c 0")
        task.cancel()
        try await task.value
        #expect(log.all.filter { $0.hasPrefix("a") } == ["a 0"])
    }

    @Test("a change to an owned child reconciles its owner")
    func ownedChildTriggersOwner() async throws {
        let owners = InMemoryListWatch([Gadget("owner")])
        let children = InMemoryListWatch<Widget>()
        let log = EventLog<String>()
        let controller = Controller(for: owners, clock: RuntimeClock(ManualClock())) { gadget in
            log.record(gadget.metadata.name)
            return .awaitChange
        }
        .owns(children)
        let task = Task { try await controller.run() }
        var runs = log.stream.makeAsyncIterator()
        #expect(await runs.next() == "owner")
        var child = Widget("child")
        child.metadata.ownerReferences = [
            OwnerReference(apiVersion: "v1", kind: "Node", name: "unrelated", uid: "u2"),
            OwnerReference(apiVersion: "example.com/v1", kind: "Gadget", name: "owner", uid: "u1"),
        ]
        children.upsert(child)
        #expect(await runs.next() == "owner")
        children.delete(ObjectKey(child))
        #expect(await runs.next() == "owner")
        task.cancel()
        try await task.value
        #expect(log.all == ["owner", "owner", "owner"])
    }

    @Test("a mapped watch reconciles the keys its mapper returns, on deletion too")
    func mappedWatchTriggers() async throws {
        let source = InMemoryListWatch([Widget("x"), Widget("y")])
        let others = InMemoryListWatch<Gadget>([Gadget("g")])
        let log = EventLog<String>()
        let controller = recordingController(source, log: log).watches(others) { _ in [ObjectKey(namespace: "default", name: "y")] }
        let task = Task { try await controller.run() }
        var runs = log.stream.makeAsyncIterator()
        var initial: Set<String> = []
        while initial.count < 2, let run = await runs.next() { initial.insert(run) }
        #expect(initial == ["x 0", "y 0"])
        others.delete(ObjectKey(name: "g"))
        #expect(await runs.next() == "y 0")
        task.cancel()
        try await task.value
    }

    @Test("controller waits for every watched store before reconciling")
    func waitsForAllStores() async throws {
        let gate = AsyncGate()
        let source = InMemoryListWatch([Widget("a")])
        let others = InMemoryListWatch<Gadget>([], holdListUntil: gate)
        let log = EventLog<String>()
        let controller = recordingController(source, log: log).watches(others) { _ in [] }
        let task = Task { try await controller.run() }
        await controller.store.waitUntilReady()
        #expect(log.all.isEmpty)
        gate.open()
        var runs = log.stream.makeAsyncIterator()
        #expect(await runs.next() == "a 0")
        task.cancel()
        try await task.value
    }

    @Test("a failed reconcile is retried after the backoff; a terminal one is not")
    func retriesErrorsNotTerminal() async throws {
        let clock = ManualClock()
        let source = InMemoryListWatch([Widget("flaky"), Widget("broken")])
        let log = EventLog<String>()
        let attempts = Mutex<[String: Int]>([:])
        let failures = EventLog<String>()
        let controller = Controller(
            for: source, configuration: .init(retry: .init(baseDelay: .seconds(1), queriesPerSecond: 0)), clock: RuntimeClock(clock)
        ) { widget in
            let name = widget.metadata.name
            let attempt = attempts.withLock { $0[name, default: 0] += 1; return $0[name, default: 0] }
            log.record("\(name) \(attempt)")
            if name == "broken" { throw TerminalError(TestFailure()) }
            if attempt == 1 { throw TestFailure() }
            return .awaitChange
        }
        .onError { widget, error in
            failures.record("\(widget.metadata.name) \(error is TerminalError ? "terminal" : "retry")")
        }
        let task = Task { try await controller.run() }
        var runs = log.stream.makeAsyncIterator()
        var seen: Set<String> = []
        while seen.count < 2, let run = await runs.next() { seen.insert(run) }
        #expect(seen == ["flaky 1", "broken 1"])
        await clock.waitForSleeper(until: .init(offset: .seconds(1)))
        clock.advance(by: .seconds(1))
        #expect(await runs.next() == "flaky 2")
        task.cancel()
        try await task.value
        #expect(attempts.withLock { $0["broken"] } == 1)
        #expect(Set(failures.all) == ["flaky retry", "broken terminal"])
    }

    @Test("a key that keeps failing warns once when it starts failing and once when it recovers, with the failed attempts")
    func failureLoggedWhenItStartsAndClears() async throws {
        let clock = ManualClock()
        let captured = CapturedLogs()
        let attempts = EventLog<Int>()
        let count = Mutex(0)
        let controller = Controller(
            for: InMemoryListWatch([Widget("flaky")]), configuration: .init(retry: .init(baseDelay: .seconds(1), queriesPerSecond: 0)),
            clock: RuntimeClock(clock), logger: captured.logger()
        ) { _ in
            let attempt = count.withLock { $0 += 1; return $0 }
            attempts.record(attempt)
            if attempt <= 3 { throw TestFailure() }
            return .awaitChange
        }
        let task = Task { try await controller.run() }
        var runs = attempts.stream.makeAsyncIterator()
        #expect(await runs.next() == 1)
        for attempt in 2...4 {
            await clock.waitForSleepers(count: 1)  // the queue waits for the retry
            clock.advance(by: .seconds(1000))
            #expect(await runs.next() == attempt)
        }
        task.cancel()
        try await task.value
        let lines = captured.all.filter { $0.level >= .info && $0.text.contains("reconcile") }
        #expect(lines.map(\.level) == [.warning, .info], "\(lines.map(\.text))")
        #expect(lines.last?.text.contains("failedAttempts=3") == true)
    }

    @Test("periodic resync reconciles every cached object again")
    func periodicResync() async throws {
        let clock = ManualClock()
        let source = InMemoryListWatch([Widget("a"), Widget("b")])
        let log = EventLog<String>()
        let controller = recordingController(
            source, clock: clock, log: log, configuration: .init(requeueAfterSuccess: nil, resyncInterval: .seconds(60)))
        let task = Task { try await controller.run() }
        await log.waitForCount(2)
        await clock.waitForSleeper(until: .init(offset: .seconds(60)))
        clock.advance(by: .seconds(60))
        await log.waitForCount(4)
        task.cancel()
        try await task.value
        #expect(log.all.sorted() == ["a 0", "a 0", "b 0", "b 0"])
    }

    @Test("graceful shutdown lets a running reconcile finish and starts no other")
    func gracefulShutdownDrains() async throws {
        let source = InMemoryListWatch([Widget("a")])
        let log = EventLog<String>()
        let finished = Mutex(false)
        let controller = Controller(for: source, clock: RuntimeClock(ManualClock())) { widget in
            log.record(widget.metadata.name)
            // Shutdown handlers run in registration order, so once this returns the controller has
            // already stopped taking keys; a change arriving now must not start another reconcile.
            try? await gracefulShutdown()
            source.upsert(Widget("b"))
            finished.withLock { $0 = true }
            return .requeue(after: .zero)
        }
        let group = ServiceGroup(services: [controller], logger: Logger(label: "test"))
        let task = Task { try await group.run() }
        await log.waitForCount(1)
        await group.triggerGracefulShutdown()
        try await task.value
        #expect(finished.withLock { $0 })
        #expect(log.all == ["a"])
    }

    struct TestFailure: Error {}
}

