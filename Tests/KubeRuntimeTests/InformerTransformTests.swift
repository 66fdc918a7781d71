// Informer transforms: what the cache keeps of a kubelet-style Node and of annotated objects.
import Foundation
import KubeClient
import KubeEmulator
import Testing
@testable import KubeRuntime

@Suite("Informer transforms", .timeLimit(.minutes(2)))
struct InformerTransformTests {
    /// A Node as a kubelet and kubeadm leave it: annotations, spec, addresses and conditions.
    static func kubeletNode(name: String) -> Node {
        Node(
            metadata: ObjectMeta(
                name: name, labels: ["topology.kubernetes.io/zone": "dal10", "kubernetes.io/hostname": name],
                annotations: [
                    "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
                    "node.alpha.kubernetes.io/ttl": "0",
                ],
                finalizers: ["example.com/hold"], uid: "uid-\(name)", resourceVersion: "7", generation: 2,
                creationTimestamp: KubeTime(Date(timeIntervalSince1970: 1_700_000_000)),
                deletionTimestamp: KubeTime(Date(timeIntervalSince1970: 1_700_000_100))),
            spec: NodeSpec(taints: [Taint(key: "dedicated", effect: "NoSchedule")], podCIDR: "10.244.1.0/24"),
            status: NodeStatus(
                addresses: [NodeAddress(type: "InternalIP", address: "10.0.0.1")],
                conditions: [NodeCondition(type: "Ready", status: .true, reason: "KubeletReady", message: "kubelet is posting ready status")]))
    }

    @Test("nodeMetadataOnly drops annotations, spec and status and keeps every other metadata field")
    func nodeMetadataOnlyKeepsWhatTheOperatorReads() {
        let node = Self.kubeletNode(name: "node-a")
        let trimmed = Transforms.nodeMetadataOnly(node)
        var expectedMetadata = node.metadata
        expectedMetadata.annotations = [:]
        #expect(trimmed.metadata == expectedMetadata)
        #expect(trimmed.spec == NodeSpec())
        #expect(trimmed.status == NodeStatus())
        #expect(trimmed.metadata.labels == node.metadata.labels)
        #expect(trimmed.metadata.uid == "uid-node-a" && trimmed.metadata.deletionTimestamp != nil)
    }

    @Test("withoutAnnotations drops only the annotations")
    func withoutAnnotationsDropsOnlyAnnotations() {
        let node = Self.kubeletNode(name: "node-a")
        let trimmed = Transforms.withoutAnnotations(node)
        #expect(trimmed.metadata.annotations.isEmpty)
        var restored = trimmed
        restored.metadata.annotations = node.metadata.annotations
        #expect(restored == node)
    }

    @Test("an informer with a transform stores and delivers the transformed objects, listed and watched")
    func informerStoresTransformedObjects() async throws {
        try await withEmulator { _, client in
            _ = try await client.create(Self.kubeletNode(name: "listed"))
            let nodes = Informer(source: KubeClientListWatch<Node>(client: client), transform: Transforms.nodeMetadataOnly)
            let delivered = EventLog<Node>()
            nodes.subscribe { delivered.record($0.object) }
            let task = Task { try await nodes.run() }
            await nodes.store.waitUntilReady()
            _ = try await client.create(Self.kubeletNode(name: "watched"))
            await delivered.waitForCount(2)
            for name in ["listed", "watched"] {
                let cached = try #require(nodes.store.get(name: name))
                #expect(cached.metadata.labels["topology.kubernetes.io/zone"] == "dal10")
                #expect(cached.metadata.annotations.isEmpty && cached.status == NodeStatus() && cached.spec == NodeSpec())
            }
            #expect(delivered.all.allSatisfy { $0.metadata.annotations.isEmpty && $0.status == NodeStatus() })
            task.cancel()
            try await task.value
        }
    }
}
