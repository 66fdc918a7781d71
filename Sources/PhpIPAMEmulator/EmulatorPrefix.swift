// Subnet arithmetic for the emulator, IPv4 and IPv6, independent of IPAddressing: an oracle shares no code with what it checks.
import EmulatorSupport

/// A subnet as network address plus mask length.
struct EmulatorPrefix: Hashable, Sendable, CustomStringConvertible {
    var network: EmulatorIP
    var length: Int

    /// Parses `a.b.c.d/n` or `x:y::/n`, masking any host bits.
    init?(cidr text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = EmulatorIP(parts[0]), let length = Int(parts[1]),
            (0...address.bitCount).contains(length)
        else { return nil }
        self.init(network: address, length: length)
    }

    init(network: EmulatorIP, length: Int) {
        self.length = length
        self.network = EmulatorIP(isIPv6: network.isIPv6, value: network.value & Self.mask(length, width: network.bitCount))
    }

    /// The network bits of a `width`-bit address with a `length`-bit prefix.
    static func mask(_ length: Int, width: Int) -> UInt128 {
        let all: UInt128 = width == 128 ? .max : UInt128(UInt32.max)
        return length == 0 ? 0 : all << UInt128(width - length) & all
    }

    var isIPv6: Bool { network.isIPv6 }
    private var hostBits: UInt128 { ~Self.mask(length, width: network.bitCount) & Self.mask(network.bitCount, width: network.bitCount) }

    var netmask: EmulatorIP { EmulatorIP(isIPv6: isIPv6, value: Self.mask(length, width: network.bitCount)) }
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
        address.isIPv6 == isIPv6 && address.value & Self.mask(length, width: network.bitCount) == network.value
    }

    /// Whether phpIPAM accepts `address` as a host of this subnet (inside; for IPv4 not network or broadcast).
    func isHost(_ address: EmulatorIP) -> Bool {
        contains(address) && address >= firstHost && address <= lastHost
    }

    var description: String { "\(network)/\(length)" }
}
