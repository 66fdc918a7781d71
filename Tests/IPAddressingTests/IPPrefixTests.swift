// Tests of prefixes: parsing, host ranges, containment and offset arithmetic.
import Foundation
import IPAddressing
import Testing

@Suite("IPPrefix")
struct IPPrefixTests {
    @Test("parses a prefix and exposes its parts")
    func parse() throws {
        let prefix = try IPPrefix(parsing: "192.168.100.0/24")
        #expect(prefix.network.description == "192.168.100.0")
        #expect(prefix.length == 24)
        #expect(prefix.description == "192.168.100.0/24")
        #expect(prefix.family == .v4)
    }

    @Test("refuses host bits unless asked to mask them")
    func hostBits() throws {
        do {
            _ = try IPPrefix(parsing: "192.168.100.5/24")
            Issue.record("accepted")
        } catch {
            #expect(error.description == #""192.168.100.5/24" is not a network prefix: host bits are set after the first 24 bits (did you mean 192.168.100.0/24?)"#)
        }
        #expect(try IPPrefix(parsing: "192.168.100.5/24", allowHostBits: true).description == "192.168.100.0/24")
        #expect(try IPPrefix(parsing: "fd00::1/64", allowHostBits: true).description == "fd00::/64")
    }

    @Test("rejects malformed prefixes with a message", arguments: [
        ("192.168.100.0", "the prefix length is missing (write it as address/length, e.g. 192.168.100.0/24)"),
        ("192.168.100.0/33", #"the prefix length "33" is not a number from 0 to 32"#),
        ("192.168.100.0/", #"the prefix length "" is not a number from 0 to 32"#),
        ("192.168.100.0/+4", #"the prefix length "+4" is not a number from 0 to 32"#),
        ("fd00::/129", #"the prefix length "129" is not a number from 0 to 128"#),
        ("192.168.300.0/24", #""192.168.300.0" is not an IPv4 address: octet 300 is greater than 255"#),
    ])
    func rejects(input: String, reason: String) {
        do {
            _ = try IPPrefix(parsing: input)
            Issue.record("\(input) was accepted")
        } catch {
            #expect(error.description == "\"\(input)\" is not a network prefix: \(reason)")
        }
    }

    @Test("an IPv4 /24 has network, broadcast and 254 hosts")
    func ipv4Hosts() throws {
        let prefix = try IPPrefix(parsing: "192.168.100.0/24")
        #expect(prefix.broadcast?.description == "192.168.100.255")
        #expect(prefix.firstHost.description == "192.168.100.1")
        #expect(prefix.lastHost.description == "192.168.100.254")
        #expect(prefix.hostCount == 254)
        #expect(prefix.addressCount == 256)
    }

    @Test("IPv4 /31 and /32 use every address as a host", arguments: [
        ("10.0.0.0/31", "10.0.0.0", "10.0.0.1", 2),
        ("10.0.0.7/32", "10.0.0.7", "10.0.0.7", 1),
    ])
    func pointToPoint(text: String, first: String, last: String, count: Int) throws {
        let prefix = try IPPrefix(parsing: text)
        #expect(prefix.broadcast == nil)
        #expect(prefix.firstHost.description == first)
        #expect(prefix.lastHost.description == last)
        #expect(prefix.hostCount == count)
    }

    @Test("the whole IPv4 space is a valid /0")
    func ipv4Zero() throws {
        let prefix = try IPPrefix(parsing: "0.0.0.0/0")
        #expect(prefix.lastAddress.description == "255.255.255.255")
        #expect(prefix.hostCount == 4_294_967_294)
        #expect(prefix.contains(try IPAddress(parsing: "8.8.8.8")))
    }

    @Test("IPv6 prefixes have no broadcast and exclude only the subnet-router anycast address")
    func ipv6Hosts() throws {
        let prefix = try IPPrefix(parsing: "fd00:100::/120")
        #expect(prefix.broadcast == nil)
        #expect(prefix.firstHost.description == "fd00:100::1")
        #expect(prefix.lastHost.description == "fd00:100::ff")
        #expect(prefix.hostCount == 255)
    }

    @Test("huge IPv6 prefixes saturate counts instead of overflowing")
    func ipv6Huge() throws {
        let prefix = try IPPrefix(parsing: "fd00::/64")
        #expect(prefix.addressCount == nil)
        #expect(prefix.hostCount == Int.max)
        let everything = try IPPrefix(parsing: "::/0")
        #expect(everything.hostCount == Int.max)
        #expect(everything.lastAddress.description == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
        #expect(try IPPrefix(parsing: "fd00::/65").addressCount == nil)
        #expect(try IPPrefix(parsing: "fd00::/66").addressCount == 1 << 62)
    }

    @Test("contains addresses of its own family inside it only")
    func containsAddress() throws {
        let prefix = try IPPrefix(parsing: "192.168.100.0/24")
        #expect(prefix.contains(try IPAddress(parsing: "192.168.100.0")))
        #expect(prefix.contains(try IPAddress(parsing: "192.168.100.255")))
        #expect(!prefix.contains(try IPAddress(parsing: "192.168.101.0")))
        #expect(!prefix.contains(try IPAddress(parsing: "::ffff:192.168.100.1")))
    }

    @Test("contains and overlaps other prefixes")
    func containsPrefix() throws {
        let wide = try IPPrefix(parsing: "10.0.0.0/16")
        let narrow = try IPPrefix(parsing: "10.0.5.0/24")
        let elsewhere = try IPPrefix(parsing: "10.1.0.0/24")
        #expect(wide.contains(narrow))
        #expect(!narrow.contains(wide))
        #expect(wide.overlaps(narrow) && narrow.overlaps(wide))
        #expect(!wide.overlaps(elsewhere))
        #expect(!wide.overlaps(try IPPrefix(parsing: "::/0")))
    }

    @Test("maps offsets to addresses and back within the prefix only")
    func offsets() throws {
        let prefix = try IPPrefix(parsing: "10.0.0.0/22")
        #expect(prefix.address(atOffset: 0)?.description == "10.0.0.0")
        #expect(prefix.address(atOffset: 300)?.description == "10.0.1.44")
        #expect(prefix.address(atOffset: 1023)?.description == "10.0.3.255")
        #expect(prefix.address(atOffset: 1024) == nil)
        #expect(prefix.address(atOffset: -1) == nil)
        #expect(prefix.offset(of: try IPAddress(parsing: "10.0.1.44")) == 300)
        #expect(prefix.offset(of: try IPAddress(parsing: "10.0.4.0")) == nil)
        let v6 = try IPPrefix(parsing: "fd00::/64")
        #expect(v6.address(atOffset: Int.max)?.description == "fd00::7fff:ffff:ffff:ffff")
        #expect(v6.offset(of: try IPAddress(parsing: "fd00::ffff:ffff:ffff:ffff")) == nil)
    }

    @Test("builds a prefix around an address by clearing host bits")
    func containing() throws {
        let prefix = try #require(IPPrefix(containing: try IPAddress(parsing: "10.1.2.3"), length: 8))
        #expect(prefix.description == "10.0.0.0/8")
        #expect(IPPrefix(containing: try IPAddress(parsing: "10.1.2.3"), length: 33) == nil)
    }

    @Test("encodes as its text form and sorts by network then length")
    func codableAndOrder() throws {
        let prefixes = try ["10.0.0.0/24", "10.0.0.0/16", "9.0.0.0/8"].map { try IPPrefix(parsing: $0) }
        #expect(prefixes.sorted().map(\.description) == ["9.0.0.0/8", "10.0.0.0/16", "10.0.0.0/24"])
        let data = try JSONEncoder().encode(prefixes)
        #expect(String(decoding: data, as: UTF8.self) == #"["10.0.0.0\/24","10.0.0.0\/16","9.0.0.0\/8"]"#)
        #expect(try JSONDecoder().decode([IPPrefix].self, from: data) == prefixes)
    }
}
