// IPv4/IPv6 addresses, interfaces (address/mask) and prefixes for the emulator, independent of IPAMCore on purpose.
import EmulatorSupport

/// An IPv4 or IPv6 address as a 128-bit number (IPv4 uses the low 32 bits).
typealias NetBoxIP = EmulatorIP

extension EmulatorIP {
    /// 4 or 6, as NetBox's `family` field.
    var family: Int { isIPv6 ? 6 : 4 }
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
