// An IPv4 or IPv6 address, with overflow-safe offset arithmetic; the currency of every IPAM API.

/// The address family of an ``IPAddress`` or ``IPPrefix``.
public enum IPAddressFamily: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// IPv4: 32-bit addresses.
    case v4 = "IPv4"
    /// IPv6: 128-bit addresses.
    case v6 = "IPv6"

    /// The number of bits in an address of this family.
    public var bitWidth: Int {
        switch self {
        case .v4: 32
        case .v6: 128
        }
    }

    /// `IPv4` or `IPv6`.
    public var description: String { rawValue }
}

/// An IPv4 or IPv6 address.
///
/// Ordered with every IPv4 address before every IPv6 address, then numerically. Encodes as its text form.
public enum IPAddress: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// An IPv4 address.
    case v4(IPv4Address)
    /// An IPv6 address.
    case v6(IPv6Address)

    /// Parses an IPv4 or IPv6 address (a `:` selects IPv6), or returns `nil`.
    public init?(_ description: String) {
        guard let parsed = try? IPAddress(parsing: description) else { return nil }
        self = parsed
    }

    /// Parses an IPv4 address such as `192.168.100.4` or an IPv6 address such as `fd00::4`.
    /// - Throws: ``IPAddressParseError`` from the family the text looks like (it contains `:` for IPv6).
    public init(parsing text: String) throws(IPAddressParseError) {
        if text.contains(":") {
            self = .v6(try IPv6Address(parsing: text))
        } else {
            self = .v4(try IPv4Address(parsing: text))
        }
    }

    /// Creates the address of `family` whose numeric value is `value`, or `nil` if it does not fit.
    public init?(family: IPAddressFamily, value: UInt128) {
        switch family {
        case .v4:
            guard let raw = UInt32(exactly: value) else { return nil }
            self = .v4(IPv4Address(rawValue: raw))
        case .v6:
            self = .v6(IPv6Address(value: value))
        }
    }

    /// The address family.
    public var family: IPAddressFamily {
        switch self {
        case .v4: .v4
        case .v6: .v6
        }
    }

    /// The address as an unsigned number (IPv4 addresses use only the low 32 bits).
    public var value: UInt128 {
        switch self {
        case .v4(let address): UInt128(address.rawValue)
        case .v6(let address): address.value
        }
    }

    /// The largest numeric value of this address's family.
    var familyMaximum: UInt128 {
        switch self {
        case .v4: UInt128(UInt32.max)
        case .v6: UInt128.max
        }
    }

    /// The address `offset` positions after this one (before it when negative), or `nil` if that
    /// leaves the address space of the family.
    public func advanced(by offset: Int) -> IPAddress? {
        let result: UInt128
        if offset >= 0 {
            let (sum, overflow) = value.addingReportingOverflow(UInt128(offset))
            guard !overflow, sum <= familyMaximum else { return nil }
            result = sum
        } else {
            let (difference, overflow) = value.subtractingReportingOverflow(UInt128(offset.magnitude))
            guard !overflow else { return nil }
            result = difference
        }
        return IPAddress(family: family, value: result)
    }

    /// The signed number of addresses from this one to `other` (`other - self`), or `nil` if the
    /// families differ or the distance does not fit in `Int` (only possible for IPv6).
    public func distance(to other: IPAddress) -> Int? {
        guard family == other.family else { return nil }
        if other.value >= value {
            return Int(exactly: other.value - value)
        }
        let magnitude = value - other.value
        if magnitude == UInt128(Int.max) + 1 { return Int.min }
        return Int(exactly: magnitude).map { -$0 }
    }

    /// The canonical text form (`192.168.100.4`, `fd00::4`).
    public var description: String {
        switch self {
        case .v4(let address): address.description
        case .v6(let address): address.description
        }
    }

    /// Orders IPv4 before IPv6, then numerically.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let l), .v4(let r)): l < r
        case (.v6(let l), .v6(let r)): l < r
        case (.v4, .v6): true
        case (.v6, .v4): false
        }
    }

    /// Decodes the address from its text form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try IPAddress(parsing: text)
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
