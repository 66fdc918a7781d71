// Tests of how addresses are marked as one cluster's and one node's, and how the marks are read back.
import IPAMCore
@testable import IPAMNetBox
import IPAddressing
import Testing

@Suite("NetBox ownership marks")
struct NetBoxMarksTests {
    let marks = NetBoxMarks(tag: "overlay", clusterField: "overlay_cluster", clusterID: "c1")

    static func record(
        status: String = "active", dnsName: String = "node-1", description: String = "overlay-ip-controller: node-1",
        tags: [String] = ["overlay"], cluster: NetBoxFieldValue = .text("c1")
    ) -> NetBoxAddressRecord {
        NetBoxAddressRecord(
            id: 5, ip: IPAddress("10.0.0.5")!, prefixLength: 24, status: status, dnsName: dnsName, description: description, tags: tags,
            customFields: ["overlay_cluster": cluster])
    }

    @Test("an active address with the tag, the exact cluster and a dns name belongs to that node")
    func owner() {
        #expect(marks.owner(of: Self.record()) == IPAMOwner(clusterID: "c1", nodeName: "node-1"))
    }

    @Test("another cluster's, an untagged, a released or a nameless address belongs to nobody here", arguments: [
        NetBoxMarksTests.record(cluster: .text("c10")),
        NetBoxMarksTests.record(cluster: .text("C1")),
        NetBoxMarksTests.record(cluster: .null),
        NetBoxMarksTests.record(tags: []),
        NetBoxMarksTests.record(status: "deprecated"),
        NetBoxMarksTests.record(dnsName: ""),
    ])
    func notOurs(_ record: NetBoxAddressRecord) {
        #expect(marks.owner(of: record) == nil)
    }

    @Test("the description keeps the node name's spelling that NetBox lower-cases in dns_name")
    func spelling() {
        let held = marks.held(by: IPAMOwner(clusterID: "c1", nodeName: "Node-A"))
        #expect(held.dnsName == "node-a")
        #expect(marks.owner(of: Self.record(dnsName: "node-a", description: held.description))?.nodeName == "Node-A")
        #expect(marks.owner(of: Self.record(dnsName: "node-a", description: "edited by hand"))?.nodeName == "node-a")
    }

    @Test("a released address carries its release time, read back only for this cluster")
    func released() {
        let body = marks.released(by: IPAMOwner(clusterID: "c1", nodeName: "node-1"), at: 1_796_000_000)
        #expect(body.status == "deprecated" && body.dnsName.isEmpty)
        #expect(marks.releaseTime(of: Self.record(status: "deprecated", dnsName: "", description: body.description)) == 1_796_000_000)
        #expect(marks.releaseTime(of: Self.record(status: "deprecated", dnsName: "", description: body.description, cluster: .text("c2"))) == nil)
        #expect(marks.releaseTime(of: Self.record(status: "deprecated", description: "released by a person at 12")) == nil)
    }

    @Test("a new address's body carries the tag, the cluster and the node")
    func body() {
        let held = marks.held(by: IPAMOwner(clusterID: "c1", nodeName: "node-1"))
        #expect(held == NetBoxAddressBody(
            status: "active", dnsName: "node-1", description: "overlay-ip-controller: node-1", tags: ["overlay"],
            customFields: ["overlay_cluster": "c1"]))
    }
}
