// `check` lists the original controller's records: adoptable ones as information, partial matches as drift.
import Foundation
import IPAddressing
import IPAMCore
import OverlayIPAMCommands
import Testing

@Suite("overlay-ipam check: records of the original controller")
struct LegacyReportTests {
    static func record(_ address: String, owner: String, id: Int) throws -> LegacyAllocation {
        LegacyAllocation(
            address: try #require(IPAddress(address)), subnet: try #require(IPPrefix("192.168.100.0/24")), zone: "dal10",
            recordedOwner: owner, location: "phpIPAM address \(id)")
    }

    @Test("a record whose trimmed owner's NodeOverlayIp records its address is adoptable; partial matches are drift and named")
    func classification() throws {
        let report = DriftReport(
            clusterID: "prod", allocations: [],
            legacy: [
                try Self.record("192.168.100.50", owner: "node-a\n", id: 15),
                try Self.record("192.168.100.51", owner: "node-b\n", id: 16),
                try Self.record("192.168.100.52", owner: "node-x\n", id: 17),
                try Self.record("192.168.100.53", owner: " gone\n", id: 18),
            ],
            recorded: ["node-a": ["192.168.100.50/24"], "node-b": ["192.168.100.7/24"], "node-c": ["192.168.100.52/24"]])
        #expect(report.legacy.map(\.adoptable) == [true, false, false, false])
        #expect(report.legacy[1].detail == "node node-b's NodeOverlayIp records 192.168.100.7 instead; not adopted")
        #expect(report.legacy[2].detail == "the NodeOverlayIp of node-c, not of node-x, records it; not adopted")
        #expect(report.legacy[3].detail == "no NodeOverlayIp of gone exists; not adopted")
        // node-a's address is about to be adopted: not reported as missing as well.
        #expect(report.missing.map(\.node) == ["node-b", "node-c"])
        #expect(!report.isClean)
        let text = report.text()
        #expect(text.contains(#"adopt   192.168.100.50 (zone dal10) phpIPAM address 15, owner "node-a\n": node node-a's NodeOverlayIp records it"#))
        #expect(text.contains("3 legacy records not adoptable"))

        let adoptableOnly = DriftReport(
            clusterID: "prod", allocations: [], legacy: [try Self.record("192.168.100.50", owner: "node-a\n", id: 15)],
            recorded: ["node-a": ["192.168.100.50/24"]])
        #expect(adoptableOnly.isClean)
        let decoded = try JSONDecoder().decode(DriftReport.self, from: JSONEncoder().encode(adoptableOnly))
        #expect(decoded == adoptableOnly)
        let older = try JSONDecoder().decode(DriftReport.self, from: Data(#"{"clusterID":"prod","leaked":[],"missing":[]}"#.utf8))
        #expect(older.legacy.isEmpty)
    }
}
