// Tests of the family-agnostic IPAddress: parsing dispatch, ordering and offset arithmetic.
import Foundation
import IPAddressing
import Testing

@Suite("IPAddress")
struct IPAddressTests {
    @Test("picks the family from the text")
    func family() throws {
        #expect(try IPAddress(parsing: "10.0.0.1") == .v4(IPv4Address(10, 0, 0, 1)))
        #expect(try IPAddress(parsing: "fd00::1").family == .v6)
        #expect(IPAddress("nonsense") == nil)
    }

    @Test("reports the error of the family the text looks like")
    func errors() {
        do {
            _ = try IPAddress(parsing: "192.168.1.300")
            Issue.record("accepted")
        } catch {
            #expect(error.description == #""192.168.1.300" is not an IPv4 address: octet 300 is greater than 255"#)
        }
        do {
            _ = try IPAddress(parsing: "fd00::zz")
            Issue.record("accepted")
        } catch {
            #expect(error.expected == .ipv6Address)
        }
    }

    @Test("orders every IPv4 address before every IPv6 address")
    func ordering() throws {
        let sorted = try ["fd00::1", "10.0.0.2", "::", "10.0.0.1"].map { try IPAddress(parsing: $0) }.sorted()
        #expect(sorted.map(\.description) == ["10.0.0.1", "10.0.0.2", "::", "fd00::1"])
    }

    @Test("advances forwards and backwards across octet boundaries")
    func advance() throws {
        let address = try IPAddress(parsing: "10.0.0.255")
        #expect(address.advanced(by: 1)?.description == "10.0.1.0")
        #expect(address.advanced(by: -256)?.description == "9.255.255.255")
        #expect(try IPAddress(parsing: "fd00::ffff").advanced(by: 1)?.description == "fd00::1:0")
    }

    @Test("returns nil instead of wrapping at the ends of the address space")
    func advanceOverflow() throws {
        #expect(try IPAddress(parsing: "255.255.255.255").advanced(by: 1) == nil)
        #expect(try IPAddress(parsing: "0.0.0.0").advanced(by: -1) == nil)
        #expect(try IPAddress(parsing: "0.0.0.0").advanced(by: Int.max) == nil)
        #expect(try IPAddress(parsing: "0.0.0.0").advanced(by: Int.min) == nil)
        #expect(try IPAddress(parsing: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").advanced(by: 1) == nil)
        #expect(try IPAddress(parsing: "::").advanced(by: -1) == nil)
        #expect(try IPAddress(parsing: "::").advanced(by: Int.max)?.description == "::7fff:ffff:ffff:ffff")
    }

    @Test("measures signed distances and refuses mixed families or overflow")
    func distance() throws {
        let a = try IPAddress(parsing: "10.0.0.1")
        let b = try IPAddress(parsing: "10.0.1.1")
        #expect(a.distance(to: b) == 256)
        #expect(b.distance(to: a) == -256)
        #expect(try a.distance(to: IPAddress(parsing: "::1")) == nil)
        let zero = try IPAddress(parsing: "::")
        #expect(try zero.distance(to: IPAddress(parsing: "ffff::")) == nil)
        let minAway = try #require(zero.advanced(by: Int.max)?.advanced(by: 1))
        #expect(minAway.distance(to: zero) == Int.min)
    }

    @Test("encodes as a string in a Codable struct")
    func codable() throws {
        struct Holder: Codable, Equatable { var address: IPAddress }
        let holder = Holder(address: try IPAddress(parsing: "fd00::4"))
        let data = try JSONEncoder().encode(holder)
        #expect(String(decoding: data, as: UTF8.self) == #"{"address":"fd00::4"}"#)
        #expect(try JSONDecoder().decode(Holder.self, from: data) == holder)
    }
}
