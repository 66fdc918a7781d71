// IPv6 addresses: RFC 4291 parsing (with `::` and embedded IPv4), RFC 5952 formatting, string Codable.

/// An IPv6 address such as `fd00:100::4`.
///
/// Parsing accepts every RFC 4291 text form: eight groups of one to four hex digits, one `::` for a run
/// of zero groups, and a dotted-quad IPv4 address in place of the last two groups. Zone identifiers
/// (`fe80::1%eth0`) are rejected: an overlay address never carries one.
///
/// ``description`` is the RFC 5952 canonical form: lower case, no leading zeros, the longest run of two or
/// more zero groups (the first one on a tie) compressed to `::`, and IPv4-mapped addresses written as
/// `::ffff:192.0.2.1`.
public struct IPv6Address: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// The most significant 64 bits.
    public var high: UInt64
    /// The least significant 64 bits.
    public var low: UInt64

    /// Creates the address from its two 64-bit halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Creates the address whose 128-bit numeric value is `value`.
    public init(value: UInt128) {
        high = UInt64(truncatingIfNeeded: value >> 64)
        low = UInt64(truncatingIfNeeded: value)
    }

    /// The address as one 128-bit number.
    public var value: UInt128 { UInt128(high) << 64 | UInt128(low) }

    /// Parses an IPv6 address, or returns `nil`; use ``init(parsing:)`` to learn why.
    public init?(_ description: String) {
        guard let parsed = try? IPv6Address(parsing: description) else { return nil }
        self = parsed
    }

    /// Parses an IPv6 address such as `fd00::4` or `::ffff:192.0.2.1`.
    /// - Throws: ``IPAddressParseError`` saying which group is wrong.
    public init(parsing text: String) throws(IPAddressParseError) {
        self.init(value: try Self.parseValue(text))
    }

    private static func parseValue(_ text: String) throws(IPAddressParseError) -> UInt128 {
        func fail(_ reason: String) -> IPAddressParseError {
            IPAddressParseError(input: text, expected: .ipv6Address, reason: reason)
        }
        if text.isEmpty { throw fail("the text is empty") }
        if text.contains("%") { throw fail("zone identifiers (the part after %) are not allowed") }

        // Split at the one permitted "::" into the groups before and after it.
        let head: Substring
        let tail: Substring?
        if let gap = text.firstRange(of: "::") {
            head = text[..<gap.lowerBound]
            let rest = text[gap.upperBound...]
            if rest.contains("::") { throw fail("\"::\" may appear only once") }
            tail = rest
        } else {
            head = Substring(text)
            tail = nil
        }
        let headGroups = head.isEmpty ? [] : head.split(separator: ":", omittingEmptySubsequences: false)
        let tailGroups = (tail?.isEmpty ?? true) ? [] : (tail ?? "").split(separator: ":", omittingEmptySubsequences: false)
        let allGroups = headGroups + tailGroups

        var words: [UInt16] = []
        words.reserveCapacity(8)
        var headWordCount = 0
        for (index, group) in allGroups.enumerated() {
            if index == headGroups.count { headWordCount = words.count }
            if group.isEmpty { throw fail("group \(index + 1) is empty (a single \":\" where \"::\" or a number was expected)") }
            if group.contains(".") {
                guard index == allGroups.count - 1, tail == nil || index >= headGroups.count else {
                    throw fail("an embedded IPv4 address (\(group)) is only allowed as the last part")
                }
                let v4: UInt32
                do {
                    v4 = try IPv4Address.parseValue(group, reportingAs: String(group))
                } catch {
                    throw fail("embedded IPv4 part: \(error.reason)")
                }
                words.append(UInt16(truncatingIfNeeded: v4 >> 16))
                words.append(UInt16(truncatingIfNeeded: v4))
                continue
            }
            guard group.utf8.count <= 4 else { throw fail("group \(group) has more than 4 hex digits") }
            guard let word = UInt16(group, radix: 16), group.utf8.allSatisfy(\.isASCIIHexDigit) else {
                throw fail("group \"\(group)\" is not hexadecimal")
            }
            words.append(word)
        }
        if headGroups.count == allGroups.count { headWordCount = words.count }

        if tail != nil {
            guard words.count <= 7 else {
                throw fail("\"::\" stands for at least one zero group, but \(words.count) groups are given besides it")
            }
            let zeros = [UInt16](repeating: 0, count: 8 - words.count)
            words.insert(contentsOf: zeros, at: headWordCount)
        } else if words.count != 8 {
            throw fail("expected 8 colon-separated groups, found \(words.count)")
        }
        return words.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }

    /// The eight 16-bit groups, most significant first.
    public var groups: [UInt16] {
        (0..<8).map { UInt16(truncatingIfNeeded: value >> (112 - 16 * $0)) }
    }

    /// The RFC 5952 canonical text form.
    public var description: String {
        let words = groups
        // IPv4-mapped addresses (::ffff:0:0/96) keep their dotted-quad tail, as RFC 5952 §5 recommends.
        if high == 0, low >> 32 == 0xFFFF {
            return "::ffff:\(IPv4Address(rawValue: UInt32(truncatingIfNeeded: low)))"
        }
        var bestStart = -1
        var bestLength = 1  // A single zero group is never compressed.
        var index = 0
        while index < 8 {
            guard words[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8, words[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        func hex(_ range: Range<Int>) -> String {
            words[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    /// Orders numerically.
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

    /// Decodes the address from its text form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try IPv6Address(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the address as its canonical text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension UInt8 {
    /// Whether the byte is an ASCII hex digit (0-9, a-f, A-F).
    fileprivate var isASCIIHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
