// Tests of inclusive address ranges.
import Foundation
import IPAddressing
import Testing

@Suite("IPRange")
struct IPRangeTests {
    @Test("parses first-last, a single address and a prefix")
    func parse() throws {
        let range = try IPRange(parsing: "192.168.100.2-192.168.100.9")
        #expect(range.first.description == "192.168.100.2")
        #expect(range.last.description == "192.168.100.9")
        #expect(range.count == 8)
        #expect(range.description == "192.168.100.2-192.168.100.9")
        let single = try IPRange(parsing: "192.168.100.7")
        #expect(single.count == 1)
        #expect(single.description == "192.168.100.7")
        let block = try IPRange(parsing: "192.168.100.0/30")
        #expect(block.description == "192.168.100.0-192.168.100.3")
        #expect(try IPRange(parsing: "fd00::2-fd00::9").count == 8)
    }

    @Test("rejects malformed ranges with a message", arguments: [
        ("192.168.100.9-192.168.100.2", "the first address 192.168.100.9 is after the last address 192.168.100.2 (write 192.168.100.2-192.168.100.9)"),
        ("10.0.0.1-fd00::1", "10.0.0.1 is IPv4 but fd00::1 is IPv6"),
        ("10.0.0.1-10.0.0.2-10.0.0.3", #"a range has one "-" between its first and last address"#),
        ("10.0.0.1-", #""" is not an IPv4 address: the text is empty"#),
        ("10.0.0.1-10.0.0.256", #""10.0.0.256" is not an IPv4 address: octet 256 is greater than 255"#),
    ])
    func rejects(input: String, reason: String) {
        do {
            _ = try IPRange(parsing: input)
            Issue.record("\(input) was accepted")
        } catch {
            #expect(error.description == "\"\(input)\" is not an address range: \(reason)")
        }
    }

    @Test("contains and overlaps inclusively")
    func containment() throws {
        let range = try IPRange(parsing: "10.0.0.2-10.0.0.9")
        #expect(range.contains(try IPAddress(parsing: "10.0.0.2")))
        #expect(range.contains(try IPAddress(parsing: "10.0.0.9")))
        #expect(!range.contains(try IPAddress(parsing: "10.0.0.10")))
        #expect(range.overlaps(try IPRange(parsing: "10.0.0.9-10.0.0.20")))
        #expect(!range.overlaps(try IPRange(parsing: "10.0.0.10-10.0.0.20")))
        #expect(range.isInside(try IPPrefix(parsing: "10.0.0.0/28")))
        #expect(!range.isInside(try IPPrefix(parsing: "10.0.0.0/29")))
    }

    @Test("counts huge IPv6 ranges without overflowing")
    func hugeCount() throws {
        #expect(try IPRange(parsing: "::-ffff::").count == Int.max)
    }

    @Test("encodes as its text form")
    func codable() throws {
        let ranges = try ["10.0.0.2-10.0.0.9", "10.0.0.20"].map { try IPRange(parsing: $0) }
        let data = try JSONEncoder().encode(ranges)
        #expect(String(decoding: data, as: UTF8.self) == #"["10.0.0.2-10.0.0.9","10.0.0.20"]"#)
        #expect(try JSONDecoder().decode([IPRange].self, from: data) == ranges)
    }
}
