// IPv4 and IPv6 addresses for the emulators: parsing and the compressed form servers print (no IPAMCore on purpose).

/// An IPv4 or IPv6 address as the emulated servers store it: a number (IPv4 in the low 32 bits).
package struct EmulatorIP: Hashable, Comparable, Sendable, CustomStringConvertible {
    package var isIPv6: Bool
    package var value: UInt128

    package init(isIPv6: Bool, value: UInt128) {
        self.isIPv6 = isIPv6
        self.value = value
    }

    /// Parses `192.168.110.1` or IPv6 in any valid spelling (`fd00:110::1`, upper case, leading zeros, a
    /// dotted IPv4 tail); nil for anything else.
    package init?(_ text: some StringProtocol) {
        if text.contains(":") {
            guard let value = EmulatorAddressText.parseIPv6(text) else { return nil }
            self.init(isIPv6: true, value: value)
        } else {
            guard let value = EmulatorAddressText.parseIPv4(text) else { return nil }
            self.init(isIPv6: false, value: UInt128(value))
        }
    }

    /// The number of bits of the family: 32 or 128.
    package var bitCount: Int { isIPv6 ? 128 : 32 }

    /// IPv4 before IPv6, then by number.
    package static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.isIPv6 == rhs.isIPv6 ? lhs.value < rhs.value : !lhs.isIPv6
    }

    /// Dotted quad, or RFC 5952 text as NetBox and phpIPAM print IPv6 (`fd00:100::2`).
    package var description: String {
        isIPv6 ? EmulatorAddressText.formatIPv6(value) : EmulatorAddressText.formatIPv4(value)
    }
}

/// Reads and writes IP address text the way the emulated servers do.
package enum EmulatorAddressText {
    /// Parses dotted-quad IPv4 (`192.168.110.1`); nil for anything else.
    package static func parseIPv4(_ text: some StringProtocol) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt32(part), octet <= 255 else {
                return nil
            }
            result = result << 8 | octet
        }
        return result
    }

    /// Parses IPv6 text in any valid spelling (`fd00:110::1`, upper case, leading zeros, a dotted IPv4 tail).
    package static func parseIPv6(_ text: some StringProtocol) -> UInt128? {
        var text = Substring(text)
        var tailIPv4: UInt32?
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(text[text.index(after: lastColon)...]) else { return nil }
            tailIPv4 = v4
            text = text[...lastColon]
            if text.hasSuffix(":") && !text.hasSuffix("::") { text = text.dropLast() }
        }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for piece in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(piece.count), let group = UInt16(piece, radix: 16) else { return nil }
                result.append(group)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all: [UInt16]
        let capacity = tailIPv4 == nil ? 8 : 6
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < capacity else { return nil }
            all = head + Array(repeating: 0, count: capacity - head.count - tail.count) + tail
        } else {
            guard head.count == capacity else { return nil }
            all = head
        }
        if let tailIPv4 {
            all += [UInt16(tailIPv4 >> 16), UInt16(tailIPv4 & 0xffff)]
        }
        return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }

    /// Dotted quad of the low 32 bits.
    package static func formatIPv4(_ value: UInt128) -> String {
        let v = UInt32(truncatingIfNeeded: value)
        return "\(v >> 24 & 0xff).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
    }

    /// RFC 5952 text, as NetBox and phpIPAM print IPv6 (`fd00:100::2`): lower case, no leading zeros, the
    /// first longest run of two or more zero groups written `::`.
    package static func formatIPv6(_ value: UInt128) -> String {
        let groups = (0..<8).map { Int((value >> UInt128(112 - 16 * $0)) & 0xffff) }
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestLength >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}
