// IPv4 and IPv6 parsing and subnet arithmetic for the emulator (kept independent of IPAMCore on purpose).

/// An IPv4 or IPv6 address as phpIPAM stores it: a number (IPv4 in the low 32 bits).
struct EmulatorIP: Hashable, Comparable, Sendable, CustomStringConvertible {
    var isIPv6: Bool
    var value: UInt128

    init(isIPv6: Bool, value: UInt128) {
        self.isIPv6 = isIPv6
        self.value = value
    }

    /// Parses dotted-quad IPv4 or IPv6 text (any valid spelling: upper case, leading zeros, `::`); nil for
    /// anything else. IPv6 with an embedded dotted IPv4 tail is not accepted (nothing here needs it).
    init?(_ text: some StringProtocol) {
        if text.contains(":") {
            guard let value = Self.parseIPv6(Substring(text)) else { return nil }
            self.init(isIPv6: true, value: value)
        } else {
            guard let value = Self.parseIPv4(Substring(text)) else { return nil }
            self.init(isIPv6: false, value: UInt128(value))
        }
    }

    /// The number of bits of the family: 32 or 128.
    var width: Int { isIPv6 ? 128 : 32 }

    static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.isIPv6 == rhs.isIPv6 ? lhs.value < rhs.value : !lhs.isIPv6
    }

    /// Dotted quad, or IPv6 in the compressed form phpIPAM prints (`fd00:100::2`): lower-case hex without
    /// leading zeros, the first longest run of at least two zero groups written `::`.
    var description: String {
        guard isIPv6 else {
            return (0..<4).map { String(value >> UInt128(24 - 8 * $0) & 0xff) }.joined(separator: ".")
        }
        let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> UInt128(112 - 16 * $0)) }
        var run = (start: 0, count: 0)
        var current = (start: 0, count: 0)
        for (index, group) in groups.enumerated() {
            if group == 0 {
                if current.count == 0 { current.start = index }
                current.count += 1
                if current.count > run.count { run = current }
            } else {
                current.count = 0
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard run.count >= 2 else { return hex.joined(separator: ":") }
        return hex[..<run.start].joined(separator: ":") + "::" + hex[(run.start + run.count)...].joined(separator: ":")
    }

    private static func parseIPv4(_ text: Substring) -> UInt32? {
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

    private static func parseIPv6(_ text: Substring) -> UInt128? {
        func hexGroups(_ part: Substring) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var groups: [UInt16] = []
            for piece in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard piece.count <= 4, piece.allSatisfy(\.isHexDigit), let group = UInt16(piece, radix: 16) else { return nil }
                groups.append(group)
            }
            return groups
        }
        let halves = text.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
        guard let head = hexGroups(halves[0]) else { return nil }
        var groups = head
        if halves.count == 2 {
            guard !halves[1].contains("::"), let tail = hexGroups(halves[1]), head.count + tail.count <= 7 else { return nil }
            groups += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard groups.count == 8 else { return nil }
        return groups.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }
}

/// A subnet as network address plus mask length.
struct EmulatorPrefix: Hashable, Sendable, CustomStringConvertible {
    var network: EmulatorIP
    var length: Int

    /// Parses `a.b.c.d/n` or `x:y::/n`, masking any host bits.
    init?(cidr text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = EmulatorIP(parts[0]), let length = Int(parts[1]),
            (0...address.width).contains(length)
        else { return nil }
        self.init(network: address, length: length)
    }

    init(network: EmulatorIP, length: Int) {
        self.length = length
        self.network = EmulatorIP(isIPv6: network.isIPv6, value: network.value & Self.mask(length, width: network.width))
    }

    /// The network bits of a `width`-bit address with a `length`-bit prefix.
    static func mask(_ length: Int, width: Int) -> UInt128 {
        let all: UInt128 = width == 128 ? .max : UInt128(UInt32.max)
        return length == 0 ? 0 : all << UInt128(width - length) & all
    }

    var isIPv6: Bool { network.isIPv6 }
    private var hostBits: UInt128 { ~Self.mask(length, width: network.width) & Self.mask(network.width, width: network.width) }

    var netmask: EmulatorIP { EmulatorIP(isIPv6: isIPv6, value: Self.mask(length, width: network.width)) }
    var wildcard: EmulatorIP { EmulatorIP(isIPv6: isIPv6, value: hostBits) }
    var broadcast: EmulatorIP { EmulatorIP(isIPv6: isIPv6, value: network.value | hostBits) }

    /// The first address phpIPAM hands out: IPv4 excludes the network address below /31; IPv6 starts at
    /// the subnet address itself (observed: `first_free` on an empty `fd00:100::/64` offers `fd00:100::`).
    var firstHost: EmulatorIP {
        isIPv6 || length >= 31 ? network : EmulatorIP(isIPv6: false, value: network.value + 1)
    }
    /// The last address phpIPAM may hand out: IPv4 excludes the broadcast address below /31; IPv6 has none.
    var lastHost: EmulatorIP {
        isIPv6 || length >= 31 ? broadcast : EmulatorIP(isIPv6: false, value: broadcast.value - 1)
    }
    /// How many addresses phpIPAM counts as hosts (`maxhosts`): 2^64 for an IPv6 /64, saturating at a /0.
    var hostCount: UInt128 {
        let (count, overflow) = (lastHost.value - firstHost.value).addingReportingOverflow(1)
        return overflow ? .max : count
    }

    func contains(_ address: EmulatorIP) -> Bool {
        address.isIPv6 == isIPv6 && address.value & Self.mask(length, width: network.width) == network.value
    }

    /// Whether phpIPAM accepts `address` as a host of this subnet (inside; for IPv4 not network or broadcast).
    func isHost(_ address: EmulatorIP) -> Bool {
        contains(address) && address >= firstHost && address <= lastHost
    }

    var description: String { "\(network)/\(length)" }
}
