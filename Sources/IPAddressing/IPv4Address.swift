// IPv4 addresses: strict dotted-quad parsing, canonical formatting, string Codable.

/// An IPv4 address such as `192.168.100.4`.
///
/// Parsing is strict: exactly four decimal octets, each 0–255, without leading zeros (which some
/// tools read as octal) or surrounding spaces.
public struct IPv4Address: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// The address as a 32-bit number in host order (`192.168.0.1` is `0xC0A8_0001`).
    public var rawValue: UInt32

    /// Creates the address whose numeric value is `rawValue`.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Creates the address `a.b.c.d`.
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses a dotted-quad address, or returns `nil`; use ``init(parsing:)`` to learn why.
    public init?(_ description: String) {
        guard let parsed = try? IPv4Address(parsing: description) else { return nil }
        self = parsed
    }

    /// Parses a dotted-quad address such as `192.168.100.4`.
    /// - Throws: ``IPAddressParseError`` naming the offending octet.
    public init(parsing text: String) throws(IPAddressParseError) {
        rawValue = try Self.parseValue(Substring(text), reportingAs: text)
    }

    /// Parses `text` (a part of `input`), reporting errors against the whole `input`.
    static func parseValue(_ text: Substring, reportingAs input: String) throws(IPAddressParseError) -> UInt32 {
        func fail(_ reason: String) -> IPAddressParseError {
            IPAddressParseError(input: input, expected: .ipv4Address, reason: reason)
        }
        if text.isEmpty { throw fail("the text is empty") }
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else {
            throw fail("expected 4 dot-separated octets, found \(octets.count)")
        }
        var value: UInt32 = 0
        for (index, octet) in octets.enumerated() {
            if octet.isEmpty { throw fail("octet \(index + 1) is empty") }
            guard octet.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw fail("octet \"\(octet)\" is not a decimal number")
            }
            // More than three digits cannot be ≤ 255; checking the length first also avoids overflow.
            guard octet.utf8.count <= 3, let number = UInt32(octet), number <= 255 else {
                throw fail("octet \(octet) is greater than 255")
            }
            if octet.utf8.count > 1, octet.utf8.first == UInt8(ascii: "0") {
                throw fail("octet \(octet) has a leading zero (some tools read it as octal); write \(number)")
            }
            value = value << 8 | number
        }
        return value
    }

    /// The four octets, most significant first.
    public var octets: (UInt8, UInt8, UInt8, UInt8) {
        (UInt8(truncatingIfNeeded: rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16),
         UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue))
    }

    /// The dotted-quad form, e.g. `192.168.100.4`.
    public var description: String {
        let (a, b, c, d) = octets
        return "\(a).\(b).\(c).\(d)"
    }

    /// Orders numerically.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes the address from its dotted-quad string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try IPv4Address(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the address as its dotted-quad string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
