// `overlay-ipam check` on dual-stack nodes: each recorded address is compared with the node's allocation of its family.
import IPAddressing
import IPAMCore
import OverlayIPAMCommands
import Testing

@Suite("Drift reports of dual-stack nodes")
struct DualStackDriftTests {
    private func allocation(_ node: String, _ address: String, _ length: Int, _ gateway: String, _ subnet: String) throws -> IPAllocation {
        IPAllocation(
            owner: IPAMOwner(clusterID: "prod", nodeName: node), address: try IPAddress(parsing: address), prefixLength: length,
            gateway: try IPAddress(parsing: gateway), subnet: try IPPrefix(parsing: subnet), zone: "dal10")
    }

    private func v4(_ node: String, _ address: String) throws -> IPAllocation {
        try allocation(node, address, 24, "192.168.100.1", "192.168.100.0/24")
    }

    private func v6(_ node: String, _ address: String) throws -> IPAllocation {
        try allocation(node, address, 64, "fd00:100::1", "fd00:100::/64")
    }

    @Test("a dual-stack node whose IPAM holds both recorded addresses is clean")
    func bothHeldIsClean() throws {
        let report = DriftReport(
            clusterID: "prod", allocations: [try v4("a", "192.168.100.10"), try v6("a", "fd00:100::a")],
            recorded: ["a": ["192.168.100.10/24", "fd00:100::a/64"]])
        #expect(report.isClean)
    }

    @Test("a lost IPv6 address is missing on its own, with what the IPAM holds of that family")
    func lostFamilyIsMissing() throws {
        let lost = DriftReport(
            clusterID: "prod", allocations: [try v4("a", "192.168.100.10")], recorded: ["a": ["192.168.100.10/24", "fd00:100::a/64"]])
        #expect(lost.missing.map(\.recorded) == ["fd00:100::a/64"] && lost.missing.first?.held == nil)
        let other = DriftReport(
            clusterID: "prod", allocations: [try v4("a", "192.168.100.10"), try v6("a", "fd00:100::b")],
            recorded: ["a": ["192.168.100.10/24", "fd00:100::a/64"]])
        #expect(other.missing.map(\.recorded) == ["fd00:100::a/64"] && other.missing.first?.held == "fd00:100::b/64")
        #expect(other.text().contains("missing  fd00:100::a/64 recorded for a; the IPAM holds fd00:100::b/64 instead"))
    }

    @Test("both addresses of a node without a NodeOverlayIp are leaked")
    func bothFamiliesLeak() throws {
        let report = DriftReport(
            clusterID: "prod", allocations: [try v4("gone", "192.168.100.10"), try v6("gone", "fd00:100::a")], recorded: [:])
        #expect(report.leaked.map(\.address) == ["192.168.100.10/24", "fd00:100::a/64"])
    }

    @Test("a node recorded with one address while its zone is dual-stack is not missing anything it records")
    func partialStatusIsNotDrift() throws {
        let report = DriftReport(
            clusterID: "prod", allocations: [try v4("a", "192.168.100.10"), try v6("a", "fd00:100::a")], recorded: ["a": ["192.168.100.10/24"]])
        #expect(report.isClean)
    }
}
