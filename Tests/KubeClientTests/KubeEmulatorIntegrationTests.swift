// KubeClient against the in-memory API server: CRUD, conflicts, status, finalizers, paging, watch, 410, auth.
import Foundation
import KubeEmulator
import Testing

@testable import KubeClient

/// A cluster-scoped custom resource with a status subresource, shaped like NodeOverlayIp.
private struct Gadget: KubernetesObject, Hashable {
    static let resource = ResourceDescriptor(
        group: "client.test", version: "v1", plural: "gadgets", kind: "Gadget", namespaced: false, hasStatusSubresource: true)

    struct Spec: Codable, Hashable, Sendable {
        var subnet: String
    }

    struct Status: Codable, Hashable, Sendable {
        var ipAddr: String?
        var conditions: [Condition]?
    }

    var metadata: ObjectMeta
    var spec: Spec
    var status: Status?
}

private let gadgetCRD = """
    {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
     "metadata": {"name": "gadgets.client.test"},
     "spec": {"group": "client.test", "scope": "Cluster",
       "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget", "listKind": "GadgetList"},
       "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
         "schema": {"openAPIV3Schema": {"type": "object", "properties": {
           "spec": {"type": "object", "required": ["subnet"], "properties": {"subnet": {"type": "string"}}},
           "status": {"type": "object", "properties": {
             "ipAddr": {"type": "string"},
             "conditions": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}}}}]}}
    """

/// Runs `body` with a started emulator (token `integration`) and a client configured from its kubeconfig.
private func withEmulator(
    historyLimit: Int = 10_000, _ body: (KubeEmulator, KubeClient) async throws -> Void
) async throws {
    let emulator = try await KubeEmulator.start(.init(tokens: ["integration"], historyLimit: historyLimit))
    let directory = try ScratchDirectory()
    defer { directory.remove() }
    do {
        try emulator.create(json: gadgetCRD)
        let path = try directory.write("config", emulator.kubeconfig(token: "integration"))
        let client = KubeClient(
            configuration: try KubeConfiguration.load(kubeconfigPath: path, environment: [:]),
            options: .init(rateLimited: false))
        try await body(emulator, client)
    } catch {
        await emulator.shutdown()
        throw error
    }
    await emulator.shutdown()
}

@Suite("KubeClient against KubeEmulator")
struct KubeEmulatorIntegrationTests {
    @Test("create, conflicting update, status update and merge patch of a custom resource")
    func customResourceWrites() async throws {
        try await withEmulator { _, client in
            let created = try await client.create(Gadget(metadata: ObjectMeta(name: "g1"), spec: .init(subnet: "10.0.0.0/24")))
            #expect(created.metadata.uid != nil)
            #expect(created.metadata.generation == 1)
            do {
                _ = try await client.create(Gadget(metadata: ObjectMeta(name: "g1"), spec: .init(subnet: "10.0.0.0/24")))
                Issue.record("expected alreadyExists")
            } catch let error as KubeAPIError {
                #expect(error.reason == .alreadyExists)
            }

            var changed = created
            changed.spec.subnet = "10.0.1.0/24"
            let updated = try await client.update(changed)
            #expect(updated.metadata.generation == 2)
            do {
                _ = try await client.update(changed)
                Issue.record("expected a conflict for the stale resourceVersion")
            } catch let error as KubeAPIError {
                #expect(error.reason == .conflict)
            }

            var withStatus = updated
            withStatus.status = .init(ipAddr: "192.168.100.4/24")
            let statusWritten = try await client.updateStatus(withStatus)
            #expect(statusWritten.status?.ipAddr == "192.168.100.4/24")
            #expect(statusWritten.metadata.generation == 2)

            let ready = Condition(type: "Ready", status: .true, reason: "Configured")
            let patched = try await client.patchStatus(
                Gadget.self, name: "g1", patch: .merge(["status": ["conditions": try JSONValue(encoding: [ready])]]))
            #expect(patched.status?.conditions?.isTrue("Ready") == true)
            #expect(patched.status?.ipAddr == "192.168.100.4/24")
            let read = try await client.get(Gadget.self, name: "g1")
            #expect(read == patched)
        }
    }

    @Test("a finalizer added by JSON patch with test holds a delete (202) until it is removed")
    func finalizerLifecycle() async throws {
        try await withEmulator { _, client in
            _ = try await client.create(Gadget(metadata: ObjectMeta(name: "g2"), spec: .init(subnet: "10.0.0.0/24")))
            let finalizer = "client.test/cleanup"
            let withFinalizer = try await client.patch(
                Gadget.self, name: "g2",
                patch: .json([.test(path: ["metadata", "finalizers"], value: nil), .add(path: ["metadata", "finalizers"], value: [.string(finalizer)])]))
            #expect(withFinalizer.metadata.finalizers == [finalizer])
            do {
                _ = try await client.patch(
                    Gadget.self, name: "g2",
                    patch: .json([.test(path: ["metadata", "finalizers"], value: nil), .add(path: ["metadata", "finalizers"], value: ["x/y"])]))
                Issue.record("expected the failed test to reject the patch")
            } catch let error as KubeAPIError {
                #expect(error.reason == .invalid)
            }

            let deletion = try await client.delete(
                Gadget.self, name: "g2", options: DeleteOptions(preconditions: Preconditions(uid: withFinalizer.metadata.uid)))
            guard case .pending(let held) = deletion else { Issue.record("expected 202 pending, got \(deletion)"); return }
            #expect(held?.metadata.deletionTimestamp != nil)

            _ = try await client.patch(
                Gadget.self, name: "g2",
                patch: .json([
                    .test(path: JSONPointer(["metadata", "finalizers"]).appending(index: 0), value: .string(finalizer)),
                    .remove(path: JSONPointer(["metadata", "finalizers"]).appending(index: 0)),
                ]))
            do {
                _ = try await client.get(Gadget.self, name: "g2")
                Issue.record("expected the object to be gone")
            } catch let error as KubeAPIError {
                #expect(error.reason == .notFound)
            }
        }
    }

    @Test("listAll pages through nodes with a label selector and watch from the list version sees only later changes")
    func listThenWatch() async throws {
        try await withEmulator { _, client in
            for index in 0..<7 {
                let zone = index % 2 == 0 ? "dal10" : "dal12"
                _ = try await client.create(
                    Node(metadata: ObjectMeta(name: "node-\(index)", labels: ["topology.kubernetes.io/zone": zone])))
            }
            let selector = LabelSelector(matchLabels: ["topology.kubernetes.io/zone": "dal10"]).queryString
            let list = try await client.listAll(Node.self, options: ListOptions(labelSelector: selector, limit: 2))
            #expect(list.items.map(\.metadata.name).sorted() == ["node-0", "node-2", "node-4", "node-6"])
            let listVersion = try #require(list.metadata.resourceVersion)

            let events = client.watch(
                Node.self, options: WatchOptions(resourceVersion: listVersion, fieldSelector: FieldSelector.name("node-8").queryString))
            var iterator = events.makeAsyncIterator()
            _ = try await client.create(Node(metadata: ObjectMeta(name: "node-7")))
            _ = try await client.create(Node(metadata: ObjectMeta(name: "node-8")))
            _ = try await client.patch(Node.self, name: "node-8", patch: .merge(["metadata": ["labels": ["a": "b"]]]))
            _ = try await client.delete(Node.self, name: "node-8")
            var seen: [String] = []
            while seen.count < 3, let event = try await iterator.next() {
                switch event {
                case .added(let node): seen.append("added \(node.metadata.name)")
                case .modified(let node): seen.append("modified \(node.metadata.labels["a"] ?? "")")
                case .deleted(let node): seen.append("deleted \(node.metadata.name)")
                case .bookmark: continue
                case .error(let status): seen.append("error \(status)")
                }
            }
            #expect(seen == ["added node-8", "modified b", "deleted node-8"])
        }
    }

    @Test("a closed watch ends cleanly and a watch from a compacted version reports 410")
    func watchEndAndExpiry() async throws {
        try await withEmulator(historyLimit: 2) { emulator, client in
            let first = try await client.create(Node(metadata: ObjectMeta(name: "old")))
            let events = client.watch(Node.self, options: WatchOptions(resourceVersion: first.metadata.resourceVersion))
            var iterator = events.makeAsyncIterator()
            _ = try await client.create(Node(metadata: ObjectMeta(name: "new")))
            let added = try await iterator.next()
            #expect(added?.object?.metadata.name == "new")
            emulator.closeAllWatches()
            while let event = try await iterator.next() {
                if case .bookmark = event { continue }
                Issue.record("unexpected event after close: \(event)")
            }

            for index in 0..<5 { _ = try await client.create(Node(metadata: ObjectMeta(name: "filler-\(index)"))) }
            emulator.compactHistory()
            var expired = false
            do {
                for try await event in client.watch(Node.self, options: WatchOptions(resourceVersion: first.metadata.resourceVersion)) {
                    if case .error(let status) = event {
                        let reason = KubeAPIError(watchStatus: status).reason
                        expired = reason == .expired || reason == .gone
                        break
                    }
                }
            } catch let error as KubeAPIError {
                expired = error.reason == .expired || error.reason == .gone
            }
            #expect(expired)
        }
    }

    @Test("leases round-trip MicroTime and events.k8s.io/v1 events are accepted")
    func leaseAndEvent() async throws {
        try await withEmulator { _, client in
            let now = try #require(KubeMicroTime(rfc3339: "2026-01-02T03:04:05.123456Z"))
            let lease = try await client.create(
                Lease(
                    metadata: ObjectMeta(name: "leader", namespace: "default"),
                    spec: LeaseSpec(holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: now, renewTime: now, leaseTransitions: 0)))
            #expect(lease.spec.renewTime == now)
            var renewed = lease
            renewed.spec.holderIdentity = "b"
            #expect(try await client.update(renewed).spec.holderIdentity == "b")

            let node = try await client.create(Node(metadata: ObjectMeta(name: "n-event")))
            let event = EventsV1Event(
                metadata: ObjectMeta(name: "n-event.1", namespace: "default"), eventTime: now,
                reportingController: "client.test/tests", reportingInstance: "test-1", action: "Test", reason: "Tested",
                regarding: ObjectReference(to: node), note: "hello")
            let stored = try await client.create(event)
            #expect(stored.regarding.name == "n-event")
            #expect(stored.eventTime == now)
        }
    }

    @Test("a wrong token is answered 401 and reported as unauthorized")
    func wrongToken() async throws {
        try await withEmulator { emulator, _ in
            let client = KubeClient(
                configuration: KubeConfiguration(server: emulator.url, credentials: .token("wrong")), options: .init(rateLimited: false))
            do {
                _ = try await client.get(Node.self, name: "any")
                Issue.record("expected unauthorized")
            } catch let error as KubeAPIError {
                #expect(error.reason == .unauthorized)
                #expect(error.code == 401)
            }
        }
    }
}
