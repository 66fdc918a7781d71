// Tests of the metadata types: time formats, selectors, conditions, object encoding.
import Foundation
import Testing

@testable import KubeClient

@Suite("Metadata types")
struct MetaTypesTests {
    @Test("Time encodes whole seconds in UTC and parses fractions and offsets")
    func kubeTime() throws {
        let time = try #require(KubeTime(rfc3339: "2006-01-02T15:04:05.999+07:00"))
        #expect(time.description == "2006-01-02T08:04:05Z")
        #expect(KubeTime(rfc3339: "2024-02-29T23:59:59Z")?.description == "2024-02-29T23:59:59Z")
        #expect(KubeTime(rfc3339: "1969-12-31T23:59:59Z")?.date.timeIntervalSince1970 == -1)
        #expect(KubeTime(rfc3339: "2024-13-01T00:00:00Z") == nil)
        #expect(KubeTime(rfc3339: "2024-01-01T00:00:00") == nil)
        #expect(KubeTime(rfc3339: "2024-01-01T00:00:00Zjunk") == nil)
    }

    @Test("MicroTime encodes exactly six fractional digits without rounding errors")
    func microTime() throws {
        let time = try #require(KubeMicroTime(rfc3339: "2006-01-02T15:04:05.123456Z"))
        #expect(time.description == "2006-01-02T15:04:05.123456Z")
        #expect(KubeMicroTime(Date(timeIntervalSince1970: 0)).description == "1970-01-01T00:00:00.000000Z")
        let bytes = try KubeJSON.encode(LeaseSpec(renewTime: time))
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"renewTime":"2006-01-02T15:04:05.123456Z"}"#)
        let decoded = try KubeJSON.decode(LeaseSpec.self, from: bytes)
        #expect(decoded.renewTime == time)
    }

    @Test("label selector matches In, NotIn, Exists, DoesNotExist and matchLabels together")
    func labelSelectorMatching() {
        let selector = LabelSelector(
            matchLabels: ["region": "us-south"],
            matchExpressions: [
                LabelSelectorRequirement(key: "zone", operator: .in, values: ["dal10", "dal12"]),
                LabelSelectorRequirement(key: "tier", operator: .notIn, values: ["edge"]),
                LabelSelectorRequirement(key: "node", operator: .exists),
                LabelSelectorRequirement(key: "legacy", operator: .doesNotExist),
            ])
        let good = ["region": "us-south", "zone": "dal10", "node": "n1"]
        #expect(selector.matches(labels: good))
        #expect(!selector.matches(labels: good.merging(["region": "eu"]) { $1 }))
        #expect(!selector.matches(labels: good.merging(["zone": "dal13"]) { $1 }))
        #expect(!selector.matches(labels: good.merging(["tier": "edge"]) { $1 }))
        #expect(selector.matches(labels: good.merging(["tier": "core"]) { $1 }))
        #expect(!selector.matches(labels: good.filter { $0.key != "node" }))
        #expect(!selector.matches(labels: good.merging(["legacy": ""]) { $1 }))
        #expect(LabelSelector().matches(labels: [:]))
    }

    @Test("label selector query string is deterministic")
    func labelSelectorQuery() {
        let selector = LabelSelector(
            matchLabels: ["b": "2", "a": "1"],
            matchExpressions: [
                LabelSelectorRequirement(key: "zone", operator: .in, values: ["dal12", "dal10"]),
                LabelSelectorRequirement(key: "tier", operator: .notIn, values: ["edge"]),
                LabelSelectorRequirement(key: "node", operator: .exists),
                LabelSelectorRequirement(key: "legacy", operator: .doesNotExist),
            ])
        #expect(selector.queryString == "a=1,b=2,zone in (dal10,dal12),tier notin (edge),node,!legacy")
    }

    @Test("field selector escapes separators in values")
    func fieldSelector() {
        #expect(FieldSelector.name("node-1").queryString == "metadata.name=node-1")
        let selector = FieldSelector([
            .init(field: "metadata.name", equals: false, value: "a,b=c\\d"),
            .init(field: "metadata.namespace", equals: true, value: "x"),
        ])
        #expect(selector.queryString == #"metadata.name!=a\,b\=c\\d,metadata.namespace=x"#)
    }

    @Test("setCondition keeps lastTransitionTime while the status is unchanged")
    func conditionTransitionTime() throws {
        let early = try #require(KubeTime(rfc3339: "2024-01-01T00:00:00Z"))
        let late = try #require(KubeTime(rfc3339: "2024-01-02T00:00:00Z"))
        var conditions: [Condition] = []
        let added = conditions.setCondition(Condition(type: "Ready", status: .false, reason: "Pending", lastTransitionTime: early))
        #expect(added)
        let reasonChanged = conditions.setCondition(Condition(type: "Ready", status: .false, reason: "Waiting", lastTransitionTime: late))
        #expect(reasonChanged)
        #expect(conditions.condition(ofType: "Ready")?.lastTransitionTime == early)
        #expect(conditions.condition(ofType: "Ready")?.reason == "Waiting")
        let unchanged = conditions.setCondition(Condition(type: "Ready", status: .false, reason: "Waiting", lastTransitionTime: late))
        #expect(!unchanged)
        let flipped = conditions.setCondition(Condition(type: "Ready", status: .true, reason: "Configured", lastTransitionTime: late))
        #expect(flipped)
        #expect(conditions.condition(ofType: "Ready")?.lastTransitionTime == late)
        #expect(conditions.isTrue("Ready"))
        #expect(conditions.count == 1)
        let removed = conditions.removeCondition(ofType: "Ready")
        #expect(removed)
        #expect(conditions.isEmpty)
    }

    @Test("built-in objects encode apiVersion and kind, and omit empty metadata collections")
    func objectEncoding() throws {
        let lease = Lease(metadata: ObjectMeta(name: "leader", namespace: "ops"), spec: LeaseSpec(holderIdentity: "me", leaseDurationSeconds: 15))
        let text = String(decoding: try KubeJSON.encode(lease), as: UTF8.self)
        #expect(
            text == #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"leader","namespace":"ops"},"#
                + #""spec":{"holderIdentity":"me","leaseDurationSeconds":15}}"#)
    }

    @Test("node decoding ignores managedFields and unknown fields and reads addresses and conditions")
    func nodeDecoding() throws {
        let json = #"""
            {"kind":"Node","apiVersion":"v1","metadata":{"name":"n1","uid":"u1","resourceVersion":"7","generation":1,
            "creationTimestamp":"2024-05-01T12:00:00Z","labels":{"topology.kubernetes.io/zone":"dal10"},
            "managedFields":[{"manager":"kubelet"}]},"spec":{"podCIDR":"10.0.0.0/24","taints":[{"key":"k","effect":"NoSchedule"}]},
            "status":{"addresses":[{"type":"InternalIP","address":"10.1.2.3"}],"conditions":[{"type":"Ready","status":"True",
            "lastHeartbeatTime":"2024-05-01T12:00:00Z"}],"nodeInfo":{"kubeletVersion":"v1.30"}}}
            """#
        let node = try KubeJSON.decode(Node.self, from: Array(json.utf8))
        #expect(node.metadata.labels["topology.kubernetes.io/zone"] == "dal10")
        #expect(node.address(ofType: "InternalIP") == "10.1.2.3")
        #expect(node.isReady)
        #expect(node.spec.taints?.first?.effect == "NoSchedule")
        #expect(node.metadata.finalizers.isEmpty)
    }

    @Test("owner reference from a read object is a controller reference; without uid there is none")
    func ownerReference() {
        var node = Node(metadata: ObjectMeta(name: "n1"))
        #expect(OwnerReference(controllerOf: node) == nil)
        node.metadata.uid = "u1"
        let reference = OwnerReference(controllerOf: node)
        #expect(reference == OwnerReference(apiVersion: "v1", kind: "Node", name: "n1", uid: "u1", controller: true, blockOwnerDeletion: true))
        #expect(reference?.refers(to: Node.self) == true)
        #expect(reference?.refers(to: Lease.self) == false)
    }

    @Test("object lists decode items and the continue token, and encode the list kind")
    func objectList() throws {
        let json = #"{"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"9","continue":"tok"},"items":[{"metadata":{"name":"a"}}]}"#
        let list = try KubeJSON.decode(ObjectList<Node>.self, from: Array(json.utf8))
        #expect(list.items.map(\.metadata.name) == ["a"])
        #expect(list.metadata.continueToken == "tok")
        #expect(list.metadata.hasMorePages)
        let empty = try KubeJSON.decode(ObjectList<Node>.self, from: Array(#"{"metadata":{"resourceVersion":"1"},"items":null}"#.utf8))
        #expect(empty.items.isEmpty)
        let encoded = String(decoding: try KubeJSON.encode(ObjectList<Node>(items: [])), as: UTF8.self)
        #expect(encoded == #"{"apiVersion":"v1","items":[],"kind":"NodeList","metadata":{}}"#)
    }
}
