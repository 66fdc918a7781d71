// IPv4/IPv6 addresses, interfaces (address/mask) and prefixes for the emulator, independent of IPAMCore on purpose.

/// An IPv4 or IPv6 address as a 128-bit number (IPv4 uses the low 32 bits).
struct NetBoxIP: Hashable, Comparable, Sendable, CustomStringConvertible {
    var isIPv6: Bool
    var value: UInt128

    init(isIPv6: Bool, value: UInt128) {
        self.isIPv6 = isIPv6
        self.value = value
    }

    /// Parses `192.168.110.1` or `fd00:110::1` (an IPv6 address may end in dotted IPv4).
    init?(_ text: some StringProtocol) {
        let text = String(text)
        if text.contains(":") {
            guard let value = Self.parseIPv6(text) else { return nil }
            self.init(isIPv6: true, value: value)
        } else {
            guard let value = Self.parseIPv4(text) else { return nil }
            self.init(isIPv6: false, value: UInt128(value))
        }
    }

    var family: Int { isIPv6 ? 6 : 4 }
    var bitCount: Int { isIPv6 ? 128 : 32 }

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.isIPv6 ? 1 : 0, lhs.value) < (rhs.isIPv6 ? 1 : 0, rhs.value)
    }

    /// Dotted quad, or RFC 5952 text (lower case, longest run of two or more zero groups as `::`).
    var description: String {
        guard isIPv6 else {
            let v = UInt32(truncatingIfNeeded: value)
            return "\(v >> 24 & 0xff).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
        }
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

    static func parseIPv4(_ text: String) -> UInt32? {
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

    static func parseIPv6(_ text: String) -> UInt128? {
        var text = Substring(text)
        var tailIPv4: UInt32?
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(String(text[text.index(after: lastColon)...])) else { return nil }
            tailIPv4 = v4
            text = text[...lastColon]
            if text.hasSuffix(":") && !text.hasSuffix("::") { text = text.dropLast() }
        }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
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
}

/// An address with a mask length, as NetBox stores IP addresses (`192.168.110.3/24`).
struct NetBoxInterface: Hashable, Sendable, CustomStringConvertible {
    var ip: NetBoxIP
    var length: Int

    /// Parses `a.b.c.d/n` or `x::y/n`; without a mask the full length is used (netaddr's default).
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let ip = NetBoxIP(parts[0]) else { return nil }
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...ip.bitCount).contains(length), parts[1].allSatisfy(\.isNumber) else {
                return nil
            }
            self.length = length
        } else {
            length = ip.bitCount
        }
        self.ip = ip
    }

    init(ip: NetBoxIP, length: Int) {
        self.ip = ip
        self.length = length
    }

    var description: String { "\(ip)/\(length)" }

    /// PostgreSQL's inet order: the network part over the shorter mask, then the mask length, then the address.
    static func postgresOrder(_ lhs: Self, _ rhs: Self) -> Bool {
        if lhs.ip.isIPv6 != rhs.ip.isIPv6 { return !lhs.ip.isIPv6 }
        let common = min(lhs.length, rhs.length)
        let mask = NetBoxPrefix.mask(common, bits: lhs.ip.bitCount)
        let (left, right) = (lhs.ip.value & mask, rhs.ip.value & mask)
        if left != right { return left < right }
        if lhs.length != rhs.length { return lhs.length < rhs.length }
        return lhs.ip.value < rhs.ip.value
    }
}

/// A network: address with the host bits cleared, plus mask length.
struct NetBoxPrefix: Hashable, Sendable, CustomStringConvertible {
    var network: NetBoxIP
    var length: Int

    /// Parses a CIDR, clearing any host bits (NetBox stores the network, `str(IPNetwork(...).cidr)`).
    init?(cidr text: String) {
        guard text.contains("/"), let interface = NetBoxInterface(text) else { return nil }
        self.init(network: interface.ip, length: interface.length)
    }

    init(network: NetBoxIP, length: Int) {
        self.length = length
        self.network = NetBoxIP(isIPv6: network.isIPv6, value: network.value & Self.mask(length, bits: network.bitCount))
    }

    static func mask(_ length: Int, bits: Int) -> UInt128 {
        let all: UInt128 = bits == 128 ? .max : (UInt128(1) << 32) - 1
        return length == 0 ? 0 : (all << UInt128(bits - length)) & all
    }

    var first: NetBoxIP { network }
    var last: NetBoxIP {
        let hostBits = ~Self.mask(length, bits: network.bitCount) & Self.mask(network.bitCount, bits: network.bitCount)
        return NetBoxIP(isIPv6: network.isIPv6, value: network.value | hostBits)
    }

    func contains(_ ip: NetBoxIP) -> Bool {
        ip.isIPv6 == network.isIPv6 && ip.value & Self.mask(length, bits: network.bitCount) == network.value
    }

    /// Whether `other` lies inside this prefix (equal counts).
    func contains(_ other: NetBoxPrefix) -> Bool {
        other.length >= length && contains(other.network)
    }

    var description: String { "\(network)/\(length)" }
}
