// Unit tests of the finalizer table and flow, and of the event series cache.
import Foundation
import KubeClient
import Synchronization
import Testing
@testable import KubeRuntime

@Suite("Finalizer")
struct FinalizerTests {
    let name = "iks.ibm.com/test-guard"

    func widget(finalizers: [String], deleting: Bool) -> Widget {
        var widget = Widget("w")
        widget.metadata.finalizers = finalizers
        if deleting { widget.metadata.deletionTimestamp = .now() }
        return widget
    }

    @Test("an object without the finalizer that is not deleting gets it added with a test on an empty list")
    func addsToEmptyList() {
        let decision = FinalizerDecision.decide(for: widget(finalizers: [], deleting: false).metadata, finalizer: name)
        #expect(decision == .addFinalizer(patch: [
            .test(path: ["metadata", "finalizers"], value: .null),
            .add(path: ["metadata", "finalizers"], value: [.string(name)]),
        ]))
    }

    @Test("the finalizer is appended after testing the current list")
    func appendsToList() {
        let decision = FinalizerDecision.decide(for: widget(finalizers: ["other.io/x"], deleting: false).metadata, finalizer: name)
        #expect(decision == .addFinalizer(patch: [
            .test(path: ["metadata", "finalizers"], value: ["other.io/x"]),
            .add(path: ["metadata", "finalizers", "-"], value: .string(name)),
        ]))
    }

    @Test("a deleting object with the finalizer is cleaned up and the finalizer removed at its tested index")
    func cleanupRemovesAtIndex() {
        let decision = FinalizerDecision.decide(for: widget(finalizers: ["other.io/x", name], deleting: true).metadata, finalizer: name)
        #expect(decision == .cleanup(removal: [
            .test(path: ["metadata", "finalizers", "1"], value: .string(name)),
            .remove(path: ["metadata", "finalizers", "1"]),
        ]))
    }

    @Test("a live object with the finalizer is applied; a deleting one without it is left alone")
    func applyAndNothing() {
        #expect(FinalizerDecision.decide(for: widget(finalizers: [name], deleting: false).metadata, finalizer: name) == .apply)
        #expect(FinalizerDecision.decide(for: widget(finalizers: ["other.io/x"], deleting: true).metadata, finalizer: name) == .nothing)
    }

    @Test("finalizer names must be domain-qualified")
    func namesAreQualified() {
        #expect(Finalizer<Widget>.isDomainQualified("iks.ibm.com/overlay-ip"))
        #expect(!Finalizer<Widget>.isDomainQualified("overlay-ip"))
        #expect(!Finalizer<Widget>.isDomainQualified("local/overlay-ip"))
        #expect(throws: FinalizerNameError.self) { try Finalizer<Widget>(name: "plain") { _, _ in } }
    }

    @Test("the finalizer is removed only after cleanup succeeds")
    func removesOnlyAfterCleanup() async throws {
        let patches = Mutex<[[JSONPatchOperation]]>([])
        let finalizer = try Finalizer<Widget>(name: name) { _, operations in patches.withLock { $0.append(operations) } }
        let deleting = widget(finalizers: [name], deleting: true)
        await #expect(throws: FinalizerError.self) {
            _ = try await finalizer.run(deleting) { _ in throw CleanupFailure() }
        }
        #expect(patches.withLock { $0.isEmpty })
        let action = try await finalizer.run(deleting) { event in
            guard case .cleanup = event else { throw CleanupFailure() }
            return .awaitChange
        }
        #expect(action == .awaitChange)
        #expect(patches.withLock { $0.count } == 1)
    }

    @Test("a terminal error from apply stays terminal through the finalizer")
    func terminalStaysTerminal() async throws {
        let finalizer = try Finalizer<Widget>(name: name) { _, _ in }
        await #expect(throws: TerminalError.self) {
            _ = try await finalizer.run(widget(finalizers: [name], deleting: false)) { _ in throw TerminalError(CleanupFailure()) }
        }
    }

    struct CleanupFailure: Error {}
}

@Suite("Event series")
struct EventSeriesCacheTests {
    let key = EventSeriesCache.Key(
        regarding: ObjectReference(kind: "Node", name: "n1"), related: nil, type: "Normal", reason: "Reserved", action: "Reserve", note: "ok")

    @Test("a repeat within six minutes becomes a series update with a growing count")
    func repeatsBecomeSeries() {
        var cache = EventSeriesCache()
        #expect(cache.occurrence(of: key, now: .zero) == .create)
        cache.created(key, name: "n1.abc", namespace: "default", now: .zero)
        #expect(cache.occurrence(of: key, now: .seconds(60)) == .updateSeries(name: "n1.abc", namespace: "default", count: 2))
        #expect(cache.occurrence(of: key, now: .seconds(400)) == .updateSeries(name: "n1.abc", namespace: "default", count: 3))
    }

    @Test("an occurrence more than six minutes after the last creates a new event")
    func oldSeriesExpire() {
        var cache = EventSeriesCache()
        cache.created(key, name: "n1.abc", namespace: "default", now: .zero)
        #expect(cache.occurrence(of: key, now: .seconds(360)) == .create)
    }

    @Test("event names are the regarding name and hex nanoseconds")
    func eventName() {
        let date = Date(timeIntervalSince1970: 1)
        #expect(EventRecorder.eventName(regarding: "node-1", at: date) == "node-1.3b9aca00")
    }
}
