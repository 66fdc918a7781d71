// Pure tests: which Node and NodeOverlayIp changes reach the operator's controllers.
import Foundation
import KubeClient
import KubeRuntime
import OverlayAPI
import Testing

@testable import Operator

@Suite("Change filters")
struct ChangeFilterTests {
    private let node = Node(
        metadata: ObjectMeta(name: "node-a", labels: ["topology.kubernetes.io/zone": "dal10"], uid: "u1", resourceVersion: "1"))

    @Test("a kubelet heartbeat (status and resourceVersion only) passes no Node filter; labels, deletion and creation do")
    func nodeHeartbeatIsDropped() {
        var heartbeat = node
        heartbeat.metadata.resourceVersion = "2"
        heartbeat.status.conditions = [NodeCondition(type: "Ready", status: .true, lastHeartbeatTime: KubeTime(Date()))]
        #expect(!ChangeFilters.metadataChanged(.modified(old: node, new: heartbeat)))

        var relabelled = heartbeat
        relabelled.metadata.labels["topology.kubernetes.io/zone"] = "dal12"
        #expect(ChangeFilters.metadataChanged(.modified(old: node, new: relabelled)))
        var deleting = heartbeat
        deleting.metadata.deletionTimestamp = KubeTime(Date())
        #expect(ChangeFilters.metadataChanged(.modified(old: node, new: deleting)))
        #expect(ChangeFilters.metadataChanged(.added(node)))
        #expect(ChangeFilters.metadataChanged(.deleted(node)))
    }

    @Test("an agent's route report reaches only the route index, not the address controller; its address report does")
    func routeReportsSkipTheAddressController() {
        let object = NodeOverlayIp(metadata: ObjectMeta(name: "node-a", resourceVersion: "1"))
        var reported = object
        reported.metadata.resourceVersion = "2"
        reported.status.routes = [RouteReport(name: "onprem", subnet: "10.0.0.0/24", state: .applied)]
        #expect(!AddressController.isRelevant(.modified(old: object, new: reported)))

        var configured = reported
        configured.status.configuredAddress = "192.168.100.4/24"
        #expect(AddressController.isRelevant(.modified(old: reported, new: configured)))
        #expect(AddressController.isRelevant(.added(object)))
    }
}
