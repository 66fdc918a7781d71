// Unit tests of the watcher state machine: paging, resourceVersion tracking, relist and re-watch rules.
import KubeClient
import Testing
@testable import KubeRuntime

/// Event names for compact comparisons.
func describe(_ events: [WatcherEvent<Widget>]) -> [String] {
    events.map { event in
        switch event {
        case .initStarted: "initStarted"
        case .initApply(let object): "initApply \(object.metadata.name)"
        case .initDone: "initDone"
        case .apply(let object): "apply \(object.metadata.name)"
        case .delete(let object): "delete \(object.metadata.name)"
        }
    }
}

@Suite("Watcher state machine")
struct WatcherStateMachineTests {
    @Test("watcher lists page by page, then watches from the list's resourceVersion")
    func pagedListThenWatch() {
        var machine = WatcherStateMachine<Widget>()
        #expect(machine.nextRequest == .list(continueToken: nil))
        let first = machine.listSucceeded(ListPage(items: [Widget("a")], resourceVersion: "10", continueToken: "next"))
        #expect(describe(first.events) == ["initStarted", "initApply a"])
        #expect(machine.nextRequest == .list(continueToken: "next"))
        let last = machine.listSucceeded(ListPage(items: [Widget("b")], resourceVersion: "10", continueToken: ""))
        #expect(describe(last.events) == ["initApply b", "initDone"])
        #expect(machine.state == .listed(resourceVersion: "10"))
        #expect(machine.nextRequest == .watch(resourceVersion: "10"))
        machine.watchStarted()
        #expect(machine.state == .watching(resourceVersion: "10"))
    }

    @Test("a list without a resourceVersion is an error and starts over")
    func listWithoutResourceVersion() {
        var machine = WatcherStateMachine<Widget>()
        let step = machine.listSucceeded(ListPage(items: [], resourceVersion: nil))
        guard case .listWithoutResourceVersion = step.error else {
            Issue.record("expected listWithoutResourceVersion, got \(String(describing: step.error))")
            return
        }
        #expect(machine.state == .empty)
    }

    @Test("a failed list page restarts the list from the first page")
    func failedPageRestarts() {
        var machine = WatcherStateMachine<Widget>()
        _ = machine.listSucceeded(ListPage(items: [Widget("a")], resourceVersion: "5", continueToken: "t"))
        let step = machine.listFailed(KubeAPIError(code: 410, status: Status(reason: "Expired", code: 410)))
        #expect(step.error != nil)
        #expect(machine.nextRequest == .list(continueToken: nil))
        let again = machine.listSucceeded(ListPage(items: [], resourceVersion: "6"))
        #expect(describe(again.events) == ["initStarted", "initDone"])
    }

    @Test("watch events advance the resourceVersion and become apply and delete")
    func eventsAdvanceResourceVersion() {
        var machine = watching(at: "10")
        #expect(describe(machine.received(.added(Widget("a", resourceVersion: "11"))).events) == ["apply a"])
        #expect(describe(machine.received(.modified(Widget("a", resourceVersion: "12"))).events) == ["apply a"])
        #expect(describe(machine.received(.deleted(Widget("a", resourceVersion: "13"))).events) == ["delete a"])
        #expect(machine.state == .watching(resourceVersion: "13"))
    }

    @Test("a bookmark advances the resourceVersion and emits nothing")
    func bookmarkAdvances() {
        var machine = watching(at: "10")
        let step = machine.received(.bookmark(resourceVersion: "42"))
        #expect(step.events.isEmpty)
        #expect(step.error == nil)
        #expect(machine.state == .watching(resourceVersion: "42"))
    }

    @Test("an in-stream 410 Expired error drops the position and relists", arguments: ["Expired", "Gone"])
    func goneRelists(reason: String) {
        var machine = watching(at: "10")
        let step = machine.received(.error(Status(message: "too old resource version: 1 (322)", reason: reason, code: 410)))
        #expect(step.error?.causesRelist == true)
        #expect(machine.nextRequest == .list(continueToken: nil))
    }

    @Test("another in-stream error is reported and the watch goes on")
    func otherErrorKeepsWatching() {
        var machine = watching(at: "10")
        let step = machine.received(.error(Status(message: "internal", reason: "InternalError", code: 500)))
        #expect(step.error != nil)
        #expect(machine.state == .watching(resourceVersion: "10"))
    }

    @Test("a clean end of the watch re-watches from the last resourceVersion without relisting")
    func cleanEndRewatches() {
        var machine = watching(at: "10")
        _ = machine.received(.modified(Widget("a", resourceVersion: "15")))
        machine.watchEnded()
        #expect(machine.nextRequest == .watch(resourceVersion: "15"))
    }

    @Test("an HTTP 410 when opening the watch relists; other failures retry the same resourceVersion")
    func watchOpenFailures() {
        var gone = listed(at: "10")
        _ = gone.watchStartFailed(KubeAPIError(code: 410, status: Status(reason: "Gone", code: 410)))
        #expect(gone.nextRequest == .list(continueToken: nil))
        var flaky = listed(at: "10")
        _ = flaky.watchStartFailed(KubeAPIError(code: 503, status: Status(code: 503)))
        #expect(flaky.nextRequest == .watch(resourceVersion: "10"))
    }

    @Test("an idle watch is treated as dead and re-watched from its resourceVersion")
    func idleRewatches() {
        var machine = watching(at: "10")
        let step = machine.watchIdleTimedOut(after: .seconds(295))
        #expect(step.error?.causesRelist == false)
        #expect(machine.nextRequest == .watch(resourceVersion: "10"))
    }

    private func listed(at version: String) -> WatcherStateMachine<Widget> {
        var machine = WatcherStateMachine<Widget>()
        _ = machine.listSucceeded(ListPage(items: [], resourceVersion: version))
        return machine
    }

    private func watching(at version: String) -> WatcherStateMachine<Widget> {
        var machine = listed(at: version)
        machine.watchStarted()
        return machine
    }
}

@Suite("Store")
struct StoreTests {
    @Test("store swaps in a relisted snapshot atomically, dropping objects deleted meanwhile")
    func relistSwaps() {
        let store = Store<Widget>()
        store.apply(.initStarted)
        store.apply(.initApply(Widget("a")))
        store.apply(.initApply(Widget("b")))
        #expect(store.count == 0)
        store.apply(.initDone)
        #expect(store.keys.map(\.name) == ["a", "b"])
        store.apply(.initStarted)
        store.apply(.initApply(Widget("b", size: 2)))
        #expect(store.count == 2)
        store.apply(.initDone)
        #expect(store.keys.map(\.name) == ["b"])
        #expect(store.get(name: "b", namespace: "default")?.size == 2)
    }

    @Test("store applies and deletes single objects directly")
    func applyDelete() {
        let store = Store<Widget>()
        store.apply(.apply(Widget("a", size: 1)))
        #expect(store.get(name: "a", namespace: "default")?.size == 1)
        store.apply(.delete(Widget("a")))
        #expect(store.get(name: "a", namespace: "default") == nil)
    }

    @Test("a cluster-scoped lookup with a namespace falls back to no namespace; a namespaced one does not")
    func clusterScopedFallback() {
        let gadgets = Store<Gadget>()
        gadgets.apply(.apply(Gadget("g")))
        #expect(gadgets.get(name: "g", namespace: "ignored") != nil)
        let widgets = Store<Widget>()
        widgets.apply(.apply(Widget("w", namespace: "one")))
        #expect(widgets.get(name: "w", namespace: "two") == nil)
        #expect(widgets.get(name: "w") == nil)
    }

    @Test("store readiness opens on the first complete list, not before")
    func readiness() async {
        let store = Store<Widget>()
        let waiter = Task { await store.waitUntilReady(); return store.isReady }
        store.apply(.initStarted)
        store.apply(.initApply(Widget("a")))
        #expect(!store.isReady)
        store.apply(.initDone)
        #expect(await waiter.value)
    }
}
