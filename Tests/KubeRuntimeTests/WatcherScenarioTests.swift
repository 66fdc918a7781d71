// Scenario tests of the watcher driver against a scripted list/watch on a manual clock.
import KubeClient
import TestSupport
import Testing
@testable import KubeRuntime

@Suite("Watcher scenarios")
struct WatcherScenarioTests {
    /// No jitter, so backoff delays are exact: 0.8 s, 1.6 s, …
    let configuration = WatcherConfiguration(backoff: .init(jitter: 0))

    /// Runs a watcher over `source` until cancelled, logging events and errors.
    func start(_ source: ScriptedListWatch, clock: ManualClock) -> (Task<Void, Never>, EventLog<String>, EventLog<String>) {
        let events = EventLog<String>()
        let errors = EventLog<String>()
        let watcher = Watcher(source: source, configuration: configuration, clock: RuntimeClock(clock))
        let task = Task {
            await watcher.run(onError: { errors.record("\($0)") }, onEvent: { event in
                for name in describe([event]) { events.record(name) }
            })
        }
        return (task, events, errors)
    }

    func awaitRequests(_ source: ScriptedListWatch, _ expected: [String]) async {
        await source.requests.waitForCount(expected.count)
        #expect(source.requests.all == expected)
    }

    @Test("a 410 in the middle of a watch drops the position and relists after a backoff")
    func goneMidStreamRelists() async {
        let clock = ManualClock()
        let source = ScriptedListWatch([
            .list(continueToken: nil, page: ListPage(items: [Widget("a", resourceVersion: "1")], resourceVersion: "1")),
            .watch(resourceVersion: "1", events: [
                .added(Widget("b", resourceVersion: "2")),
                .error(Status(message: "too old resource version: 1 (322)", reason: "Expired", code: 410)),
            ], ending: .hang),
            .list(continueToken: nil, page: ListPage(items: [Widget("a"), Widget("c")], resourceVersion: "9")),
            .watch(resourceVersion: "9", events: [], ending: .hang),
        ])
        let (task, events, errors) = start(source, clock: clock)
        var errorIterator = errors.stream.makeAsyncIterator()
        _ = await errorIterator.next()
        await clock.waitForSleeper(until: .init(offset: .milliseconds(800)))
        clock.advance(by: .milliseconds(800))
        await awaitRequests(source, ["list -", "watch 1", "list -", "watch 9"])
        task.cancel()
        await task.value
        #expect(events.all == [
            "initStarted", "initApply a", "initDone", "apply b",
            "initStarted", "initApply a", "initApply c", "initDone",
        ])
        #expect(source.remaining == 0)
    }

    @Test("an HTTP 410 when opening the watch relists")
    func httpGoneRelists() async {
        let clock = ManualClock()
        let source = ScriptedListWatch([
            .list(continueToken: nil, page: ListPage(items: [], resourceVersion: "1")),
            .watchFailure(resourceVersion: "1", error: KubeAPIError(code: 410, status: Status(reason: "Gone", code: 410))),
            .list(continueToken: nil, page: ListPage(items: [], resourceVersion: "4")),
            .watch(resourceVersion: "4", events: [], ending: .hang),
        ])
        let (task, _, errors) = start(source, clock: clock)
        var errorIterator = errors.stream.makeAsyncIterator()
        _ = await errorIterator.next()
        await clock.waitForSleeper(until: .init(offset: .milliseconds(800)))
        clock.advance(by: .milliseconds(800))
        await awaitRequests(source, ["list -", "watch 1", "list -", "watch 4"])
        task.cancel()
        await task.value
    }

    @Test("a bookmark advances the resourceVersion the next watch starts from")
    func bookmarkAdvances() async {
        let clock = ManualClock()
        let source = ScriptedListWatch([
            .list(continueToken: nil, page: ListPage(items: [], resourceVersion: "1")),
            .watch(resourceVersion: "1", events: [.bookmark(resourceVersion: "77")], ending: .end),
            .watch(resourceVersion: "77", events: [], ending: .hang),
        ])
        let (task, events, _) = start(source, clock: clock)
        await awaitRequests(source, ["list -", "watch 1", "watch 77"])
        task.cancel()
        await task.value
        #expect(events.all == ["initStarted", "initDone"])
    }

    @Test("a clean end of the watch re-watches from the last resourceVersion without relisting or backoff")
    func cleanEndRewatches() async {
        let clock = ManualClock()
        let source = ScriptedListWatch([
            .list(continueToken: nil, page: ListPage(items: [Widget("a")], resourceVersion: "3")),
            .watch(resourceVersion: "3", events: [.modified(Widget("a", resourceVersion: "4", size: 1))], ending: .end),
            .watch(resourceVersion: "4", events: [.deleted(Widget("a", resourceVersion: "5"))], ending: .end),
            .watch(resourceVersion: "5", events: [], ending: .hang),
        ])
        let (task, events, errors) = start(source, clock: clock)
        await awaitRequests(source, ["list -", "watch 3", "watch 4", "watch 5"])
        task.cancel()
        await task.value
        #expect(events.all == ["initStarted", "initApply a", "initDone", "apply a", "delete a"])
        #expect(errors.all.isEmpty)
        #expect(clock.now == .init(offset: .zero))
    }

    @Test("a watch that ends at once without any event is re-opened only after a backoff pause")
    func emptyWatchPauses() async {
        let clock = ManualClock()
        let source = ScriptedListWatch([
            .list(continueToken: nil, page: ListPage(items: [], resourceVersion: "3")),
            .watch(resourceVersion: "3", events: [], ending: .end),
            .watch(resourceVersion: "3", events: [], ending: .hang),
        ])
        let (task, _, errors) = start(source, clock: clock)
        await clock.waitForSleeper(until: .init(offset: .milliseconds(800)))
        #expect(source.requests.all == ["list -", "watch 3"])
        clock.advance(by: .milliseconds(800))
        await awaitRequests(source, ["list -", "watch 3", "watch 3"])
        task.cancel()
        await task.value
        #expect(errors.all.isEmpty)
    }

    @Test("a silent watch is declared dead after the timeout plus five seconds and re-opened")
    func idleWatchReopens() async {
        let clock = ManualClock()
        let source = ScriptedListWatch([
            .list(continueToken: nil, page: ListPage(items: [], resourceVersion: "3")),
            .watch(resourceVersion: "3", events: [], ending: .hang),
            .watch(resourceVersion: "3", events: [], ending: .hang),
        ])
        let (task, _, errors) = start(source, clock: clock)
        await awaitRequests(source, ["list -", "watch 3"])
        await clock.waitForSleeper(until: .init(offset: .seconds(295)))
        clock.advance(by: .seconds(295))
        var errorIterator = errors.stream.makeAsyncIterator()
        #expect(await errorIterator.next()?.contains("no watch event") == true)
        await clock.waitForSleeper(until: .init(offset: .milliseconds(295_800)))
        clock.advance(by: .milliseconds(800))
        await awaitRequests(source, ["list -", "watch 3", "watch 3"])
        task.cancel()
        await task.value
    }

    @Test("watch start failures back off exponentially and retry the same resourceVersion")
    func watchFailuresBackOff() async {
        let clock = ManualClock()
        let unavailable = KubeAPIError(code: 503, status: Status(reason: "ServiceUnavailable", code: 503))
        let source = ScriptedListWatch([
            .list(continueToken: nil, page: ListPage(items: [], resourceVersion: "3")),
            .watchFailure(resourceVersion: "3", error: unavailable),
            .watchFailure(resourceVersion: "3", error: unavailable),
            .watch(resourceVersion: "3", events: [], ending: .hang),
        ])
        let (task, _, _) = start(source, clock: clock)
        await clock.waitForSleeper(until: .init(offset: .milliseconds(800)))
        clock.advance(by: .milliseconds(800))
        await clock.waitForSleeper(until: .init(offset: .milliseconds(2400)))
        clock.advance(by: .milliseconds(1600))
        await awaitRequests(source, ["list -", "watch 3", "watch 3", "watch 3"])
        task.cancel()
        await task.value
    }
}
