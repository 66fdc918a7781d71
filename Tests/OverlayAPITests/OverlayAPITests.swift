// Tests of the NodeOverlayIp and StaticRoute types: the original's objects, selection, status patches.
import Foundation
import KubeClient
import OverlayAPI
import Testing

@Suite("Overlay API types")
struct OverlayAPITests {
    @Test("the original controller's NodeOverlayIp decodes with its finalizer and status")
    func decodesOriginalNodeOverlayIp() throws {
        let json = """
            {"apiVersion":"iks.ibm.com/v1alpha1","kind":"NodeOverlayIp","metadata":{"creationTimestamp":"2019-06-17T17:52:11Z",
            "finalizers":["finalizer.iks.ibm.com"],"generation":1,"labels":{"node":"10.176.162.151","region":"us-south","zone":"dal10"},
            "name":"10.176.162.151","resourceVersion":"756505","uid":"a23e85ba-9128-11e9-85d4-8e97af49c5de"},
            "spec":{},"status":{"gateway":"192.168.100.1","ipAddr":"192.168.100.4/24"}}
            """
        let object = try KubeJSON.decode(NodeOverlayIp.self, from: Array(json.utf8))
        #expect(object.nodeName == "10.176.162.151")
        #expect(object.metadata.finalizers == [Overlay.legacyFinalizer])
        #expect(object.status.ipAddr == "192.168.100.4/24")
        #expect(object.status.gateway == "192.168.100.1")
        #expect(object.status.conditions == nil)
    }

    @Test("the original controller's StaticRoute with its nodeStatus list decodes (the list is ignored, the next status write deletes it)")
    func decodesOriginalStaticRoute() throws {
        let json = """
            {"apiVersion":"iks.ibm.com/v1alpha1","kind":"StaticRoute","metadata":{"name":"onprem-192.168.0.0-24","finalizers":["finalizer.iks.ibm.com"]},
            "spec":{"subnet":"192.168.0.0/24"},"status":{"nodeStatus":[{"device":"tmp0","gateway":"192.168.100.1","hostname":"10.176.162.151"}]}}
            """
        let route = try KubeJSON.decode(StaticRoute.self, from: Array(json.utf8))
        #expect(route.spec.subnet == "192.168.0.0/24")
        #expect(route.status == StaticRouteStatus())
        let patch = try StaticRouteStatus(selectedNodes: 1).patch()
        #expect(patch["status"]?["nodeStatus"] == .null)
        #expect(patch["status"]?["selectedNodes"] == .integer(1))
    }

    @Test("a route without selector or zone label selects every node")
    func selectsEveryNode() {
        let route = StaticRoute(metadata: ObjectMeta(name: "all"), spec: StaticRouteSpec(subnet: "10.0.0.0/8"))
        #expect(route.selects(nodeLabels: [:]))
    }

    @Test("a zone label on the route limits it to nodes of that zone, legacy zone labels included")
    func zoneLabelScopesRoute() {
        let route = StaticRoute(metadata: ObjectMeta(name: "z", labels: ["zone": "dal10"]), spec: StaticRouteSpec(subnet: "10.0.0.0/8"))
        #expect(route.selects(nodeLabels: ["topology.kubernetes.io/zone": "dal10"]))
        #expect(route.selects(nodeLabels: ["failure-domain.beta.kubernetes.io/zone": "dal10"]))
        #expect(!route.selects(nodeLabels: ["topology.kubernetes.io/zone": "dal12"]))
        #expect(!route.selects(nodeLabels: [:]))
    }

    @Test("a node selector must match as well as the zone label")
    func selectorAndZone() {
        let selector = LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "edge", operator: .exists)])
        let route = StaticRoute(
            metadata: ObjectMeta(name: "s", labels: ["zone": "dal10"]),
            spec: StaticRouteSpec(subnet: "10.0.0.0/8", nodeSelector: selector))
        #expect(route.selects(nodeLabels: ["edge": "", "topology.kubernetes.io/zone": "dal10"]))
        #expect(!route.selects(nodeLabels: ["topology.kubernetes.io/zone": "dal10"]))
        #expect(!route.selects(nodeLabels: ["edge": "", "topology.kubernetes.io/zone": "dal12"]))
    }

    @Test("the operator's patch sets its keys, nulls the absent ones and leaves the agent's alone")
    func operatorPatchTouchesOnlyOperatorKeys() throws {
        let status = NodeOverlayIpStatus(ipAddr: "192.168.100.4/24", gateway: "192.168.100.1", zone: "dal10", configuredAddress: "ignored")
        let patch = try status.operatorPatch()
        let body = try #require(patch["status"])
        #expect(body["ipAddr"] == .string("192.168.100.4/24"))
        #expect(body["subnet"] == .null)
        #expect(body["configuredAddress"] == nil)
        #expect(body["routes"] == nil)
    }

    @Test("the agent's patch clears configuredAddress with null and leaves the operator's keys alone")
    func agentPatchTouchesOnlyAgentKeys() throws {
        let status = NodeOverlayIpStatus(ipAddr: "ignored", interface: "eth0", interfaceLabel: "tmp0")
        let body = try #require(try status.agentPatch()["status"])
        #expect(body["interface"] == .string("eth0"))
        #expect(body["configuredAddress"] == .null)
        #expect(body["ipAddr"] == nil)
    }

    @Test("absent spec and status decode as defaults; a StaticRoute without spec is rejected; encoding keeps every key")
    func specStatusDefaultsAndEncoding() throws {
        let bare = Array(#"{"metadata":{"name":"n1"}}"#.utf8)
        let overlay = try KubeJSON.decode(NodeOverlayIp.self, from: bare)
        #expect(overlay.status == NodeOverlayIpStatus())
        let node = try KubeJSON.decode(Node.self, from: bare)
        #expect(node.status == NodeStatus())
        #expect(throws: KubeClientError.self) { try KubeJSON.decode(StaticRoute.self, from: bare) }

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let route = StaticRoute(metadata: ObjectMeta(name: "r1"), spec: StaticRouteSpec(subnet: "10.0.0.0/24"))
        let routeJSON = String(decoding: try encoder.encode(route), as: UTF8.self)
        #expect(routeJSON == """
            {"apiVersion":"iks.ibm.com/v1alpha1","kind":"StaticRoute","metadata":{"name":"r1"},\
            "spec":{"subnet":"10.0.0.0/24"},"status":{}}
            """, "\(routeJSON)")
        let overlayJSON = String(decoding: try encoder.encode(NodeOverlayIp(metadata: ObjectMeta(name: "n1"))), as: UTF8.self)
        #expect(overlayJSON == """
            {"apiVersion":"iks.ibm.com/v1alpha1","kind":"NodeOverlayIp","metadata":{"name":"n1"},"spec":{},"status":{}}
            """, "\(overlayJSON)")
    }
}
