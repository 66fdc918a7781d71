// Round-trip tests over many generated addresses: formatting then parsing gives the same value back.
import IPAddressing
import Testing

/// A small deterministic generator (SplitMix64), so that failures reproduce.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Address round trips")
struct AddressRoundTripTests {
    @Test("every IPv6 address, including ones with zero runs, formats to text that parses back to it")
    func ipv6RoundTrip() throws {
        var generator = SplitMix64(state: 42)
        for _ in 0..<2000 {
            // Zero out random groups so that "::" compression is exercised at every position.
            var groups = (0..<8).map { _ in UInt16.random(in: 0...UInt16.max, using: &generator) }
            for index in groups.indices where Bool.random(using: &generator) { groups[index] = 0 }
            let value = groups.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
            let address = IPv6Address(value: value)
            let text = address.description
            #expect(try IPv6Address(parsing: text) == address, "\(text)")
            #expect(!text.contains(":::") && text.ranges(of: "::").count <= 1, "\(text)")
        }
    }

    @Test("every IPv4 address formats to text that parses back to it")
    func ipv4RoundTrip() throws {
        var generator = SplitMix64(state: 7)
        for _ in 0..<2000 {
            let address = IPv4Address(rawValue: UInt32.random(in: 0...UInt32.max, using: &generator))
            #expect(try IPv4Address(parsing: address.description) == address)
        }
    }

    @Test("advancing by an offset and measuring the distance are inverse")
    func advanceAndDistance() throws {
        var generator = SplitMix64(state: 99)
        let base = try IPAddress(parsing: "fd00::8000:0:0:0")
        for _ in 0..<500 {
            let offset = Int.random(in: -(1 << 62)...(1 << 62), using: &generator)
            let moved = try #require(base.advanced(by: offset))
            #expect(base.distance(to: moved) == offset)
        }
    }
}
