// Round trips of NodeOverlayIp and StaticRoute objects as the API server stores them: bytes in, same bytes out.
import KubeClient
import OverlayAPI
import Testing

@Suite("NodeOverlayIp and StaticRoute read and write the API server's JSON byte for byte")
struct WireRoundTripTests {
    private func roundTrip<T: Codable & Hashable>(_ type: T.Type, _ json: String) throws -> String {
        let decoded = try KubeJSON.decode(type, from: Array(json.utf8))
        let encoded = try KubeJSON.encode(decoded)
        #expect(try KubeJSON.decode(type, from: encoded) == decoded)
        return String(decoding: encoded, as: UTF8.self)
    }

    @Test("a NodeOverlayIp with both writers' status keys, conditions with whole-second Time and route reports")
    func nodeOverlayIp() throws {
        let json = #"{"apiVersion":"iks.ibm.com/v1alpha1","kind":"NodeOverlayIp","metadata":{"creationTimestamp":"2024-05-01T12:00:00Z","finalizers":["iks.ibm.com/overlay-ip"],"generation":1,"labels":{"node":"worker-1","region":"us-south","zone":"dal10"},"name":"worker-1","resourceVersion":"88","uid":"u-1"},"spec":{},"status":{"conditions":[{"lastTransitionTime":"2024-05-01T12:00:01Z","message":"192.168.100.4/24 from 192.168.100.0/24","observedGeneration":1,"reason":"Reserved","status":"True","type":"Reserved"}],"configuredAddress":"192.168.100.4/24","gateway":"192.168.100.1","interface":"eth0","interfaceLabel":"tmp0","ipAddr":"192.168.100.4/24","observedGeneration":1,"routes":[{"device":"tmp0","gateway":"192.168.100.1","name":"onprem","state":"Applied","subnet":"192.168.0.0/24","table":254},{"message":"overlaps the node's own subnet 10.0.0.0/24","name":"bad","state":"Refused","subnet":"10.0.0.0/16"}],"subnet":"192.168.100.0/24","zone":"dal10"}}"#
        #expect(try roundTrip(NodeOverlayIp.self, json) == json)
    }

    @Test("a dual-stack NodeOverlayIp: ipAddrs, gateways and configuredAddresses beside their first-family keys")
    func dualStackNodeOverlayIp() throws {
        let json = #"{"apiVersion":"iks.ibm.com/v1alpha1","kind":"NodeOverlayIp","metadata":{"name":"worker-2"},"spec":{},"status":{"configuredAddress":"192.168.100.5/24","configuredAddresses":["192.168.100.5/24","fd00:100::5/64"],"gateway":"192.168.100.1","gateways":["192.168.100.1","fd00:100::1"],"ipAddr":"192.168.100.5/24","ipAddrs":["192.168.100.5/24","fd00:100::5/64"],"routes":[{"device":"tmp0","gateway":"fd00:100::1","name":"onprem-v6","state":"Applied","subnet":"fd00:192:168::/64","table":254}],"subnet":"192.168.100.0/24","zone":"dal10"}}"#
        #expect(try roundTrip(NodeOverlayIp.self, json) == json)
    }

    @Test("a StaticRoute with a node selector, a table and an aggregated status")
    func staticRoute() throws {
        let json = #"{"apiVersion":"iks.ibm.com/v1alpha1","kind":"StaticRoute","metadata":{"labels":{"zone":"dal10"},"name":"onprem-192.168.0.0-24"},"spec":{"gateway":"192.168.100.1","nodeSelector":{"matchLabels":{"node-role.kubernetes.io/edge":""}},"subnet":"192.168.0.0/24","table":100},"status":{"appliedNodes":2,"conditions":[{"lastTransitionTime":"2024-05-01T12:00:02Z","message":"applied on 2 of 3 nodes","reason":"Pending","status":"False","type":"Ready"}],"notApplied":[{"hostname":"worker-3","message":"gateway unreachable","state":"Failed"}],"observedGeneration":1,"ready":"2/3","selectedNodes":3}}"#
        #expect(try roundTrip(StaticRoute.self, json) == json)
    }
}
