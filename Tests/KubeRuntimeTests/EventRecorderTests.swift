// Tests of the event recorder: series folding, naming and namespaces, failures stay inside, over HTTP.
import Foundation
import KubeClient
import KubeEmulator
import Synchronization
import TestSupport
import Testing
@testable import KubeRuntime

/// Records what the recorder writes; can be told to fail.
final class RecordingEventSink: EventSink {
    struct Failure: Error {}

    let created = Mutex<[EventsV1Event]>([])
    let seriesUpdates = Mutex<[(name: String, namespace: String, count: Int)]>([])
    let failing = Mutex(false)

    func create(_ event: EventsV1Event) async throws {
        if failing.withLock({ $0 }) { throw Failure() }
        created.withLock { $0.append(event) }
    }

    func updateSeries(name: String, namespace: String, series: EventSeries) async throws {
        if failing.withLock({ $0 }) { throw Failure() }
        seriesUpdates.withLock { $0.append((name, namespace, series.count)) }
    }
}

@Suite("Event recorder")
struct EventRecorderTests {
    func recorder(_ sink: RecordingEventSink, clock: ManualClock) -> EventRecorder {
        EventRecorder(
            sink: sink, reportingController: "iks.ibm.com/overlay-ip-controller", reportingInstance: "replica-a",
            clusterScopedNamespace: "kube-system", clock: RuntimeClock(clock), wallClock: { Date(timeIntervalSince1970: 1) })
    }

    @Test("a repeat within six minutes patches the first event's series instead of creating another")
    func repeatsPatchSeries() async throws {
        let sink = RecordingEventSink()
        let clock = ManualClock()
        let events = recorder(sink, clock: clock)
        let widget = Widget("w1", namespace: "team")
        await events.publish(.normal, reason: "Reserved", action: "Reserve", note: "got 10.0.0.4", regarding: widget)
        clock.advance(by: .seconds(60))
        await events.publish(.normal, reason: "Reserved", action: "Reserve", note: "got 10.0.0.4", regarding: widget)
        let created = try #require(sink.created.withLock { $0.first })
        #expect(sink.created.withLock { $0.count } == 1)
        #expect(created.metadata.name == "w1.3b9aca00")
        #expect(created.metadata.namespace == "team")
        #expect(created.regarding.kind == "Widget")
        #expect(created.reportingController == "iks.ibm.com/overlay-ip-controller")
        let update = try #require(sink.seriesUpdates.withLock { $0.first })
        #expect(update.name == "w1.3b9aca00")
        #expect(update.count == 2)
        clock.advance(by: .seconds(361))
        await events.publish(.normal, reason: "Reserved", action: "Reserve", note: "got 10.0.0.4", regarding: widget)
        #expect(sink.created.withLock { $0.count } == 2)
    }

    @Test("events about cluster-scoped objects go to the configured namespace")
    func clusterScopedNamespace() async throws {
        let sink = RecordingEventSink()
        await recorder(sink, clock: ManualClock()).publish(.warning, reason: "ReserveFailed", action: "Reserve", regarding: Gadget("g"))
        let created = try #require(sink.created.withLock { $0.first })
        #expect(created.metadata.namespace == "kube-system")
        #expect(created.type == "Warning")
    }

    @Test("a failing API never throws into the caller, and the next occurrence tries a fresh event")
    func failuresStayInside() async {
        let sink = RecordingEventSink()
        let events = recorder(sink, clock: ManualClock())
        sink.failing.withLock { $0 = true }
        await events.publish(.normal, reason: "Reserved", action: "Reserve", regarding: Widget("w"))
        sink.failing.withLock { $0 = false }
        await events.publish(.normal, reason: "Reserved", action: "Reserve", regarding: Widget("w"))
        #expect(sink.created.withLock { $0.count } == 1)
        #expect(sink.seriesUpdates.withLock { $0.isEmpty })
    }

    @Test("over HTTP, a repeated event is one events.k8s.io Event whose series counts the repeats")
    func overHTTP() async throws {
        try await withEmulator { emulator, client in
            let events = EventRecorder(
                sink: KubeEventSink(client: client), reportingController: "iks.ibm.com/test", reportingInstance: "replica-a")
            let map = ConfigMap("settings")
            for _ in 0..<3 {
                await events.publish(.normal, reason: "Configured", action: "Configure", note: "done", regarding: map)
            }
            let stored = try await client.list(EventsV1Event.self, namespace: "default").items
            #expect(stored.count == 1)
            #expect(stored.first?.series?.count == 3)
            #expect(stored.first?.regarding.name == "settings")
        }
    }
}
