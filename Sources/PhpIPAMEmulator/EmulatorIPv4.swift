// IPv4 parsing and subnet arithmetic for the emulator, independent of IPAddressing: an oracle shares no code with what it checks.

/// An IPv4 address as phpIPAM stores it: a 32-bit number.
struct EmulatorIPv4: Hashable, Comparable, Sendable, CustomStringConvertible {
    var value: UInt32

    init(_ value: UInt32) { self.value = value }

    /// Parses dotted-quad notation; nil for anything else.
    init?(dotted text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt32(part), octet <= 255 else {
                return nil
            }
            result = result << 8 | octet
        }
        value = result
    }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    var description: String {
        "\(value >> 24 & 0xff).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
    }
}

/// A subnet as network address plus mask length.
struct EmulatorPrefix: Hashable, Sendable, CustomStringConvertible {
    var network: EmulatorIPv4
    var length: Int

    /// Parses `a.b.c.d/n`, masking any host bits.
    init?(cidr text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = EmulatorIPv4(dotted: parts[0]), let length = Int(parts[1]),
            (0...32).contains(length)
        else { return nil }
        self.init(network: address, length: length)
    }

    init(network: EmulatorIPv4, length: Int) {
        self.length = length
        self.network = EmulatorIPv4(network.value & Self.mask(length))
    }

    static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    var netmask: EmulatorIPv4 { EmulatorIPv4(Self.mask(length)) }
    var broadcast: EmulatorIPv4 { EmulatorIPv4(network.value | ~Self.mask(length)) }

    /// The first address phpIPAM may hand out (network excluded below /31).
    var firstHost: EmulatorIPv4 { length >= 31 ? network : EmulatorIPv4(network.value + 1) }
    /// The last address phpIPAM may hand out (broadcast excluded below /31).
    var lastHost: EmulatorIPv4 { length >= 31 ? broadcast : EmulatorIPv4(broadcast.value - 1) }
    var hostCount: Int { Int(lastHost.value) - Int(firstHost.value) + 1 }

    func contains(_ address: EmulatorIPv4) -> Bool {
        address.value & Self.mask(length) == network.value
    }

    /// Whether phpIPAM accepts `address` as a host of this subnet (inside, not network or broadcast).
    func isHost(_ address: EmulatorIPv4) -> Bool {
        contains(address) && address >= firstHost && address <= lastHost
    }

    var description: String { "\(network)/\(length)" }
}
