// Tests of IPv6 address parsing (all RFC 4291 forms) and RFC 5952 canonical formatting.
import Foundation
import IPAddressing
import Testing

@Suite("IPv6Address")
struct IPv6AddressTests {
    @Test("formats canonically per RFC 5952", arguments: [
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("::", "::"),
        ("::1", "::1"),
        ("1::", "1::"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),  // a single zero group is not compressed
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),  // the longest run wins
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),  // the first of equal runs wins
        ("fd00:100::4", "fd00:100::4"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("::ffff:c000:0201", "::ffff:192.0.2.1"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
    ])
    func canonical(input: String, expected: String) throws {
        #expect(try IPv6Address(parsing: input).description == expected)
    }

    @Test("parses the numeric value of every group")
    func value() throws {
        let address = try IPv6Address(parsing: "2001:db8::ff00:42:8329")
        #expect(address.high == 0x2001_0DB8_0000_0000)
        #expect(address.low == 0x0000_FF00_0042_8329)
        #expect(address.groups == [0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329])
        #expect(IPv6Address(value: address.value) == address)
    }

    @Test("rejects garbage with a message naming the problem", arguments: [
        ("", "the text is empty"),
        ("1::2::3", #""::" may appear only once"#),
        ("1:2:3:4:5:6:7", "expected 8 colon-separated groups, found 7"),
        ("1:2:3:4:5:6:7:8:9", "expected 8 colon-separated groups, found 9"),
        ("1:2:3:4::5:6:7:8", #""::" stands for at least one zero group, but 8 groups are given besides it"#),
        ("12345::", "group 12345 has more than 4 hex digits"),
        ("g::1", #"group "g" is not hexadecimal"#),
        ("+1::", #"group "+1" is not hexadecimal"#),
        (":1:2:3:4:5:6:7", #"group 1 is empty (a single ":" where "::" or a number was expected)"#),
        ("1:::2", #"group 2 is empty (a single ":" where "::" or a number was expected)"#),
        ("fe80::1%eth0", "zone identifiers (the part after %) are not allowed"),
        ("::1.2.3.4:5", "an embedded IPv4 address (1.2.3.4) is only allowed as the last part"),
        ("1.2.3.4::", "an embedded IPv4 address (1.2.3.4) is only allowed as the last part"),
        ("::ffff:1.2.3.256", "embedded IPv4 part: octet 256 is greater than 255"),
    ])
    func rejects(input: String, reason: String) {
        do {
            _ = try IPv6Address(parsing: input)
            Issue.record("\(input) was accepted")
        } catch {
            #expect(error.description == "\"\(input)\" is not an IPv6 address: \(reason)")
        }
    }

    @Test("orders numerically")
    func ordering() throws {
        #expect(try IPv6Address(parsing: "fd00::9") < IPv6Address(parsing: "fd00::10"))
        #expect(try IPv6Address(parsing: "::ffff:ffff:ffff:ffff") < IPv6Address(parsing: "0:0:0:1::"))
    }

    @Test("encodes as its canonical string")
    func codable() throws {
        let address = try IPv6Address(parsing: "FD00:0100:0000::0004")
        let data = try JSONEncoder().encode([address])
        #expect(String(decoding: data, as: UTF8.self) == #"["fd00:100::4"]"#)
        #expect(try JSONDecoder().decode([IPv6Address].self, from: data) == [address])
    }
}
