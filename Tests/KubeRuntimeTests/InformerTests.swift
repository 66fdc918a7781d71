// Shared informers over HTTP: one list and one watch per resource for several controllers; filters drop heartbeats.
import Foundation
import KubeClient
import KubeEmulator
import ServiceLifecycle
import Testing
@testable import KubeRuntime

@Suite("Shared informers over HTTP", .timeLimit(.minutes(2)))
struct InformerTests {
    @Test("two controllers on one shared Node informer cost one list and one watch, and one relist after a 410; both see every node")
    func oneWatchForTwoControllers() async throws {
        try await withEmulator { emulator, client in
            let nodes = Informer(source: KubeClientListWatch<Node>(client: client))
            let first = EventLog<String>()
            let second = EventLog<String>()
            let a = Controller(for: nodes) { node in
                first.record(node.metadata.name)
                return .awaitChange
            }
            let b = Controller(for: nodes) { node in
                second.record(node.metadata.name)
                return .awaitChange
            }
            let tasks = [Task { try await nodes.run() }, Task { try await a.run() }, Task { try await b.run() }]
            // Created after the initial list, so it can only arrive through the (one) watch.
            await nodes.store.waitUntilReady()
            _ = try await client.create(Node(metadata: ObjectMeta(name: "node-a")))
            await first.waitForCount(1)
            await second.waitForCount(1)
            #expect(emulator.requestCount(verb: "list", resource: "nodes") == 1)
            #expect(emulator.requestCount(verb: "watch", resource: "nodes") == 1)

            // A 410 on the re-watch: one relist serves both controllers (node-a is unchanged: no reconcile).
            emulator.failNextRequests(1, status: 410, pathContaining: "nodes", method: "GET")
            emulator.closeAllWatches()
            await nodes.store.waitUntil { _ in emulator.requestCount(verb: "list", resource: "nodes") == 2 }
            _ = try await client.create(Node(metadata: ObjectMeta(name: "node-b")))
            await first.waitForCount(2)
            await second.waitForCount(2)
            #expect(emulator.requestCount(verb: "list", resource: "nodes") == 2)
            #expect(first.all.last == "node-b" && second.all.last == "node-b")
            for task in tasks { task.cancel() }
            for task in tasks { try await task.value }
        }
    }

    @Test("a kubelet-style Node status update triggers no reconcile; a label change does")
    func kubeletHeartbeatTriggersNothing() async throws {
        try await withEmulator { _, client in
            let nodes = Informer(source: KubeClientListWatch<Node>(client: client))
            let reconciled = EventLog<String>()
            // One worker: keys run in the order they became due, so a heartbeat-triggered run of node-a
            // would come before the barrier node's.
            let controller = Controller(for: nodes, filter: ChangeFilters.metadataChanged, configuration: .init(concurrency: 1)) { node in
                reconciled.record(node.metadata.name)
                return .awaitChange
            }
            let tasks = [Task { try await nodes.run() }, Task { try await controller.run() }]
            var node = try await client.create(Node(metadata: ObjectMeta(name: "node-a", labels: ["zone": "dal10"])))
            await reconciled.waitForCount(1)

            for beat in 0..<5 {
                node.status.conditions = [
                    NodeCondition(
                        type: "Ready", status: .true, lastHeartbeatTime: KubeTime(Date(timeIntervalSince1970: 1_700_000_000 + Double(beat))),
                        reason: "KubeletReady", message: "kubelet is posting ready status")
                ]
                node = try await client.updateStatus(node)
            }
            let lastBeat = node.metadata.resourceVersion
            await nodes.store.waitUntil { $0[ObjectKey(name: "node-a")]?.metadata.resourceVersion == lastBeat }
            _ = try await client.create(Node(metadata: ObjectMeta(name: "barrier")))
            await reconciled.waitForCount(2)
            #expect(reconciled.all == ["node-a", "barrier"])

            node.metadata.labels["zone"] = "dal12"
            _ = try await client.update(node)
            await reconciled.waitForCount(3)
            #expect(reconciled.all == ["node-a", "barrier", "node-a"])
            for task in tasks { task.cancel() }
            for task in tasks { try await task.value }
        }
    }

    @Test("a relist reports what changed while the watch was down: added, modified with the old state, deleted; not the unchanged")
    func relistReportsDifferences() {
        let store = Store<Node>()
        func node(_ name: String, _ version: String) -> Node { Node(metadata: ObjectMeta(name: name, resourceVersion: version)) }
        _ = store.applyReportingChanges(.initStarted)
        for object in [node("kept", "1"), node("changed", "1"), node("gone", "1")] { _ = store.applyReportingChanges(.initApply(object)) }
        #expect(store.applyReportingChanges(.initDone).count == 3)

        _ = store.applyReportingChanges(.initStarted)
        for object in [node("kept", "1"), node("changed", "2"), node("new", "3")] { _ = store.applyReportingChanges(.initApply(object)) }
        let changes = store.applyReportingChanges(.initDone)
        let summary = changes.map { change -> String in
            switch change {
            case .added(let object): "added \(object.metadata.name)"
            case .modified(let old, let new): "modified \(new.metadata.name) \(old.metadata.resourceVersion ?? "")→\(new.metadata.resourceVersion ?? "")"
            case .deleted(let object): "deleted \(object.metadata.name)"
            }
        }
        #expect(Set(summary) == ["modified changed 1→2", "added new", "deleted gone"])
        #expect(store.keys.map(\.name) == ["changed", "kept", "new"])
    }
}
