// Round trips of real Kubernetes objects through KubeJSON: bytes read are the bytes written, time stamps included.
import Testing

@testable import KubeClient

@Suite("Kubernetes objects read and write the API server's JSON byte for byte")
struct WireRoundTripTests {
    /// Decodes `json` as `T`, encodes it again and returns the text.
    private func roundTrip<T: Codable & Hashable>(_ type: T.Type, _ json: String) throws -> String {
        let decoded = try KubeJSON.decode(type, from: Array(json.utf8))
        let encoded = try KubeJSON.encode(decoded)
        #expect(try KubeJSON.decode(type, from: encoded) == decoded)
        return String(decoding: encoded, as: UTF8.self)
    }

    @Test("a Node with labels, taints with whole-second Time, addresses and conditions")
    func node() throws {
        let json = #"{"apiVersion":"v1","kind":"Node","metadata":{"creationTimestamp":"2024-05-01T12:00:00Z","labels":{"kubernetes.io/hostname":"worker-1","topology.kubernetes.io/zone":"dal10"},"name":"worker-1","resourceVersion":"4711","uid":"6b1c1f2e-0000-4000-8000-000000000001"},"spec":{"podCIDR":"172.30.1.0/24","providerID":"ibm://abc/worker-1","taints":[{"effect":"NoSchedule","key":"dedicated","timeAdded":"2024-05-01T12:00:05Z","value":"edge"}]},"status":{"addresses":[{"address":"10.0.0.5","type":"InternalIP"},{"address":"worker-1","type":"Hostname"}],"conditions":[{"lastHeartbeatTime":"2024-05-01T12:03:00Z","lastTransitionTime":"2024-05-01T12:00:10Z","message":"kubelet is posting ready status","reason":"KubeletReady","status":"True","type":"Ready"}]}}"#
        #expect(try roundTrip(Node.self, json) == json)
    }

    @Test("a Lease keeps six fractional digits in acquireTime and renewTime")
    func lease() throws {
        let json = #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"overlay-ip-controller","namespace":"overlay-system","resourceVersion":"12"},"spec":{"acquireTime":"2024-05-01T12:00:00.000000Z","holderIdentity":"operator-7f9c_1b2d","leaseDurationSeconds":15,"leaseTransitions":3,"renewTime":"2024-05-01T12:03:07.123456Z"}}"#
        #expect(try roundTrip(Lease.self, json) == json)
    }

    @Test("an events.k8s.io/v1 Event with MicroTime eventTime and a series")
    func event() throws {
        let json = #"{"action":"Reserve","apiVersion":"events.k8s.io/v1","eventTime":"2024-05-01T12:00:00.250000Z","kind":"Event","metadata":{"name":"worker-1.17c8","namespace":"default"},"note":"reserved 192.168.100.4/24 in dal10","reason":"Reserved","regarding":{"apiVersion":"iks.ibm.com/v1alpha1","kind":"NodeOverlayIp","name":"worker-1","uid":"u-1"},"reportingController":"iks.ibm.com/overlay-ip-controller","reportingInstance":"operator-7f9c","series":{"count":2,"lastObservedTime":"2024-05-01T12:05:00.999999Z"},"type":"Normal"}"#
        #expect(try roundTrip(EventsV1Event.self, json) == json)
    }

    @Test("time stamps with offsets read as the same instant and write in UTC with the type's digits")
    func timeStampNormalisation() throws {
        let lease = try KubeJSON.decode(
            LeaseSpec.self, from: Array(#"{"acquireTime":"2024-05-01T14:00:00.123456+02:00","renewTime":"2024-05-01T12:00:01Z"}"#.utf8))
        #expect(lease.acquireTime?.description == "2024-05-01T12:00:00.123456Z")
        #expect(lease.renewTime?.description == "2024-05-01T12:00:01.000000Z")
        let condition = try KubeJSON.decode(NodeCondition.self, from: Array(#"{"lastTransitionTime":"2024-05-01T12:00:00.9Z","status":"True","type":"Ready"}"#.utf8))
        #expect(condition.lastTransitionTime?.description == "2024-05-01T12:00:00Z")
    }
}
