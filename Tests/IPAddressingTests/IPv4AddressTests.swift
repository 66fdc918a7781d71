// Tests of IPv4 address parsing, formatting and ordering.
import Foundation
import IPAddressing
import Testing

@Suite("IPv4Address")
struct IPv4AddressTests {
    @Test("parses a dotted quad and formats it back unchanged", arguments: ["0.0.0.0", "192.168.100.4", "255.255.255.255", "10.0.0.1"])
    func roundTrip(text: String) throws {
        let address = try IPv4Address(parsing: text)
        #expect(address.description == text)
    }

    @Test("stores the address as a host-order number")
    func rawValue() throws {
        #expect(try IPv4Address(parsing: "192.168.0.1").rawValue == 0xC0A8_0001)
        #expect(IPv4Address(192, 168, 0, 1) == IPv4Address(rawValue: 0xC0A8_0001))
    }

    @Test("rejects garbage with a message naming the problem", arguments: [
        ("192.168.1.300", #""192.168.1.300" is not an IPv4 address: octet 300 is greater than 255"#),
        ("192.168.1", #""192.168.1" is not an IPv4 address: expected 4 dot-separated octets, found 3"#),
        ("1.2.3.4.5", #""1.2.3.4.5" is not an IPv4 address: expected 4 dot-separated octets, found 5"#),
        ("1..3.4", #""1..3.4" is not an IPv4 address: octet 2 is empty"#),
        ("1.2.3.x", #""1.2.3.x" is not an IPv4 address: octet "x" is not a decimal number"#),
        ("1.2.3.-4", #""1.2.3.-4" is not an IPv4 address: octet "-4" is not a decimal number"#),
        (" 1.2.3.4", #"" 1.2.3.4" is not an IPv4 address: octet " 1" is not a decimal number"#),
        ("1.2.3.010", #""1.2.3.010" is not an IPv4 address: octet 010 has a leading zero (some tools read it as octal); write 10"#),
        ("1.2.3.99999999999999999999", #""1.2.3.99999999999999999999" is not an IPv4 address: octet 99999999999999999999 is greater than 255"#),
        ("", #""" is not an IPv4 address: the text is empty"#),
    ])
    func rejects(text: String, message: String) {
        #expect(throws: IPAddressParseError.self) { try IPv4Address(parsing: text) }
        do {
            _ = try IPv4Address(parsing: text)
        } catch {
            #expect(error.description == message)
        }
        #expect(IPv4Address(text) == nil)
    }

    @Test("orders numerically, not textually")
    func ordering() throws {
        #expect(try IPv4Address(parsing: "10.0.0.9") < IPv4Address(parsing: "10.0.0.10"))
        #expect(try IPv4Address(parsing: "9.255.255.255") < IPv4Address(parsing: "10.0.0.0"))
    }

    @Test("encodes as a JSON string and decodes back")
    func codable() throws {
        let address = try IPv4Address(parsing: "192.168.100.4")
        let data = try JSONEncoder().encode([address])
        #expect(String(decoding: data, as: UTF8.self) == #"["192.168.100.4"]"#)
        #expect(try JSONDecoder().decode([IPv4Address].self, from: data) == [address])
    }

    @Test("refuses to decode an invalid string")
    func decodingInvalid() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IPv4Address].self, from: Data(#"["1.2.3.256"]"#.utf8))
        }
    }
}
