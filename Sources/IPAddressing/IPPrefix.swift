// Network prefixes (CIDR blocks): parsing, containment, usable hosts and offset arithmetic.

/// A network prefix such as `192.168.100.0/24` or `fd00:100::/64`.
///
/// The network address never has host bits set. Usable hosts exclude the network address and, for IPv4,
/// the broadcast address, except in /31 and /32 (IPv4) or /127 and /128 (IPv6) prefixes where every address
/// is a host (RFC 3021). For IPv6 the excluded network address is the subnet-router anycast address.
///
/// Ordered by family, then network address, then length. Encodes as its text form `a.b.c.d/n`.
public struct IPPrefix: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// The first address of the prefix (host bits zero).
    public let network: IPAddress
    /// The number of leading network bits: 0–32 for IPv4, 0–128 for IPv6.
    public let length: Int

    /// Creates the prefix of `length` bits containing `address`, clearing its host bits, or `nil` when
    /// `length` is out of range for the address family.
    public init?(containing address: IPAddress, length: Int) {
        guard (0...address.family.bitWidth).contains(length) else { return nil }
        let mask = Self.hostMask(family: address.family, length: length)
        guard let network = IPAddress(family: address.family, value: address.value & ~mask) else { return nil }
        self.network = network
        self.length = length
    }

    /// Parses a prefix, or returns `nil`; use ``init(parsing:allowHostBits:)`` to learn why.
    public init?(_ description: String) {
        guard let parsed = try? IPPrefix(parsing: description) else { return nil }
        self = parsed
    }

    /// Parses `address/length`, e.g. `192.168.100.0/24`.
    ///
    /// - Parameter allowHostBits: When `false` (the default), an address with host bits set
    ///   (`192.168.100.5/24`) is an error, because it usually means a typo; when `true` the host bits are cleared.
    /// - Throws: ``IPAddressParseError`` saying what is wrong, suggesting the masked prefix for host bits.
    public init(parsing text: String, allowHostBits: Bool = false) throws(IPAddressParseError) {
        func fail(_ reason: String) -> IPAddressParseError {
            IPAddressParseError(input: text, expected: .prefix, reason: reason)
        }
        guard let slash = text.firstIndex(of: "/") else {
            throw fail("the prefix length is missing (write it as address/length, e.g. 192.168.100.0/24)")
        }
        let addressText = String(text[..<slash])
        let lengthText = text[text.index(after: slash)...]
        let address: IPAddress
        do {
            address = try IPAddress(parsing: addressText)
        } catch {
            throw fail(error.description)
        }
        let width = address.family.bitWidth
        guard !lengthText.isEmpty, lengthText.utf8.count <= 3,
              lengthText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let length = Int(lengthText), length <= width
        else {
            throw fail("the prefix length \"\(lengthText)\" is not a number from 0 to \(width)")
        }
        guard let prefix = IPPrefix(containing: address, length: length) else {
            throw fail("the prefix length \(length) is out of range")
        }
        if !allowHostBits, prefix.network != address {
            throw fail("host bits are set after the first \(length) bits (did you mean \(prefix)?)")
        }
        self = prefix
    }

    /// The bits of a `family` address that are not covered by a `length`-bit prefix.
    static func hostMask(family: IPAddressFamily, length: Int) -> UInt128 {
        let hostBits = family.bitWidth - length
        if hostBits >= 128 { return UInt128.max }
        if hostBits <= 0 { return 0 }
        return (UInt128(1) << hostBits) - 1
    }

    /// The address family of the prefix.
    public var family: IPAddressFamily { network.family }

    /// The bits of an address below the prefix length.
    private var hostMask: UInt128 { Self.hostMask(family: family, length: length) }

    /// The last address of the prefix (host bits all one).
    public var lastAddress: IPAddress {
        IPAddress(family: family, value: network.value | hostMask) ?? network
    }

    /// The IPv4 broadcast address (the last address of the prefix); `nil` for IPv6, /31 and /32.
    public var broadcast: IPAddress? {
        guard family == .v4, length <= 30 else { return nil }
        return lastAddress
    }

    /// Whether the prefix is so small that every address in it is a usable host (/31, /32, /127, /128).
    private var isPointToPoint: Bool { length >= family.bitWidth - 1 }

    /// The first usable host address.
    public var firstHost: IPAddress {
        isPointToPoint ? network : (network.advanced(by: 1) ?? network)
    }

    /// The last usable host address (for IPv4 the one before the broadcast address).
    public var lastHost: IPAddress {
        guard family == .v4, !isPointToPoint else { return lastAddress }
        return lastAddress.advanced(by: -1) ?? lastAddress
    }

    /// The number of addresses in the prefix, or `nil` if it does not fit in `Int` (large IPv6 prefixes).
    public var addressCount: Int? {
        let (count, overflow) = hostMask.addingReportingOverflow(1)
        return overflow ? nil : Int(exactly: count)
    }

    /// The number of usable host addresses, from ``firstHost`` through ``lastHost``, saturating at `Int.max`.
    public var hostCount: Int {
        let last = lastHost.value
        let first = firstHost.value
        return Int(exactly: last - first).map { $0 == Int.max ? Int.max : $0 + 1 } ?? Int.max
    }

    /// Whether `address` lies in the prefix (network and broadcast included).
    public func contains(_ address: IPAddress) -> Bool {
        address.family == family && address.value & ~hostMask == network.value
    }

    /// Whether every address of `other` lies in this prefix.
    public func contains(_ other: IPPrefix) -> Bool {
        other.family == family && other.length >= length && contains(other.network)
    }

    /// Whether the two prefixes share at least one address (one then contains the other).
    public func overlaps(_ other: IPPrefix) -> Bool {
        contains(other) || other.contains(self)
    }

    /// The address `offset` positions after the network address, or `nil` if it lies outside the prefix.
    ///
    /// Offset 0 is the network address; the inverse is ``offset(of:)``.
    public func address(atOffset offset: Int) -> IPAddress? {
        guard offset >= 0, UInt128(offset) <= hostMask else { return nil }
        return network.advanced(by: offset)
    }

    /// How many positions `address` lies after the network address, or `nil` if the prefix does not
    /// contain it (or, for huge IPv6 prefixes, the offset does not fit in `Int`).
    public func offset(of address: IPAddress) -> Int? {
        guard contains(address) else { return nil }
        return Int(exactly: address.value - network.value)
    }

    /// The text form `network/length`, e.g. `192.168.100.0/24`.
    public var description: String { "\(network)/\(length)" }

    /// Orders by network address (IPv4 first), then by length.
    public static func < (lhs: IPPrefix, rhs: IPPrefix) -> Bool {
        if lhs.network != rhs.network { return lhs.network < rhs.network }
        return lhs.length < rhs.length
    }

    /// Decodes the prefix from its text form; host bits set are an error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try IPPrefix(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the prefix as `network/length`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
