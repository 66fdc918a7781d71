// Pure tests: the NodeOverlayIp template, label/owner patches and guarded finalizer edits.
import IPAddressing
import IPAMCore
import KubeClient
import Operator
import OverlayAPI
import Synchronization
import Testing

@Suite("NodeOverlayIp template and finalizer edits")
struct NodeOverlayIpTemplateTests {
    private func node(_ labels: [String: String], uid: String = "uid-1") -> Node {
        Node(metadata: ObjectMeta(name: "worker-1", labels: labels, uid: uid))
    }

    @Test("labels come from topology labels, falling back to the legacy failure-domain labels")
    func labelsWithLegacyFallback() {
        let current = node(["topology.kubernetes.io/zone": "dal10", "topology.kubernetes.io/region": "us-south"])
        #expect(NodeOverlayIpTemplate.labels(for: current) == ["node": "worker-1", "zone": "dal10", "region": "us-south"])
        let legacy = node(["failure-domain.beta.kubernetes.io/zone": "dal12"])
        #expect(NodeOverlayIpTemplate.labels(for: legacy) == ["node": "worker-1", "zone": "dal12"])
    }

    @Test("a new object is named after the node, controlled by it and carries the finalizer")
    func newObject() {
        let object = NodeOverlayIpTemplate.newObject(for: node(["topology.kubernetes.io/zone": "dal10"]))
        #expect(object.metadata.name == "worker-1")
        #expect(object.metadata.finalizers == [Overlay.addressFinalizer])
        #expect(object.metadata.ownerReferences == [
            OwnerReference(apiVersion: "v1", kind: "Node", name: "worker-1", uid: "uid-1", controller: true, blockOwnerDeletion: true)
        ])
    }

    @Test("the metadata patch follows the node's labels, deletes vanished ones and keeps foreign labels")
    func metadataPatchFollowsNode() {
        let before = node(["topology.kubernetes.io/zone": "dal10", "topology.kubernetes.io/region": "us-south"])
        var object = NodeOverlayIpTemplate.newObject(for: before)
        object.metadata.labels["team"] = "net"
        #expect(NodeOverlayIpTemplate.metadataPatch(for: object, node: before) == nil)
        let moved = node(["topology.kubernetes.io/zone": "dal12"])
        #expect(
            NodeOverlayIpTemplate.metadataPatch(for: object, node: moved)
                == .object(["metadata": .object(["labels": .object(["zone": .string("dal12"), "region": .null])])]))
    }

    @Test("a zone change on a node with an address is reported, not acted on")
    func zoneMismatchIsReported() async {
        var object = NodeOverlayIpTemplate.newObject(for: node(["topology.kubernetes.io/zone": "dal10"]))
        object.status = NodeOverlayIpStatus(ipAddr: "192.168.100.10/24", zone: "dal10", subnet: "192.168.100.0/24")
        let onlyDal10: (IPPrefix) async -> [String] = { _ in ["dal10"] }
        #expect(await NodeOverlayIpTemplate.zoneMismatch(for: object, node: node(["topology.kubernetes.io/zone": "dal10"]), zonesListing: onlyDal10) == nil)
        let note = await NodeOverlayIpTemplate.zoneMismatch(for: object, node: node(["topology.kubernetes.io/zone": "dal12"]), zonesListing: onlyDal10)
        #expect(note?.contains("keeps 192.168.100.10/24 from zone dal10") == true)
    }

    @Test("a node moving between zones that share its address's subnet is no zone mismatch")
    func sharedSubnetIsNoMismatch() async {
        var object = NodeOverlayIpTemplate.newObject(for: node(["topology.kubernetes.io/zone": "dal10"]))
        object.status = NodeOverlayIpStatus(ipAddr: "192.168.100.10/24", zone: "dal10", subnet: "192.168.100.0/24")
        let asked = Mutex<[String]>([])
        let note = await NodeOverlayIpTemplate.zoneMismatch(for: object, node: node(["topology.kubernetes.io/zone": "dal12"])) { subnet in
            asked.withLock { $0.append(subnet.description) }
            return ["dal10", "dal12"]
        }
        #expect(note == nil)
        #expect(asked.withLock { $0 } == ["192.168.100.0/24"])
    }

    @Test("status.zone is the node's own zone when the subnet is listed under it, else the allocation's zone")
    func statusZoneOfSharedSubnet() throws {
        let allocation = IPAllocation(
            owner: IPAMOwner(clusterID: "c", nodeName: "n"), address: try #require(IPAddress("192.168.100.10")), prefixLength: 24,
            gateway: try #require(IPAddress("192.168.100.1")), subnet: try #require(IPPrefix("192.168.100.0/24")), zone: "dal10")
        #expect(AddressStatusPlanner.statusZone(of: allocation, nodeZone: "dal12", subnetZones: ["dal10", "dal12"]) == "dal12")
        #expect(AddressStatusPlanner.statusZone(of: allocation, nodeZone: "dal13", subnetZones: ["dal10", "dal12"]) == "dal10")
        #expect(AddressStatusPlanner.statusZone(of: allocation, nodeZone: nil, subnetZones: ["dal10", "dal12"]) == "dal10")
    }

    @Test("adoption replaces the legacy finalizer with ours behind a test of the current list")
    func adoption() {
        let pointer: JSONPointer = ["metadata", "finalizers"]
        #expect(
            FinalizerEdit.adopt(["finalizer.iks.ibm.com"], ours: "iks.ibm.com/overlay-ip", legacy: "finalizer.iks.ibm.com") == [
                .test(path: pointer, value: .array([.string("finalizer.iks.ibm.com")])),
                .replace(path: pointer, value: .array([.string("iks.ibm.com/overlay-ip")])),
            ])
        #expect(
            FinalizerEdit.adopt([], ours: "iks.ibm.com/overlay-ip", legacy: "finalizer.iks.ibm.com") == [
                .test(path: pointer, value: .null), .add(path: pointer, value: .array([.string("iks.ibm.com/overlay-ip")])),
            ])
        #expect(FinalizerEdit.adopt(["iks.ibm.com/overlay-ip"], ours: "iks.ibm.com/overlay-ip", legacy: "finalizer.iks.ibm.com") == nil)
    }

    @Test("removal takes ours and the legacy finalizer and keeps others")
    func removal() {
        let pointer: JSONPointer = ["metadata", "finalizers"]
        let edit = FinalizerEdit.remove(["a.io/x", "b.io/y"], from: ["a.io/x", "c.io/z", "b.io/y"])
        #expect(edit == [
            .test(path: pointer, value: .array([.string("a.io/x"), .string("c.io/z"), .string("b.io/y")])),
            .replace(path: pointer, value: .array([.string("c.io/z")])),
        ])
        #expect(FinalizerEdit.remove(["a.io/x"], from: ["c.io/z"]) == nil)
    }
}
