// IPv4 and IPv6 addresses. (Placeholder shape; the foundation work fills in parsing and arithmetic.)

/// An IPv4 address.
public struct IPv4Address: Hashable, Comparable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An IPv6 address.
public struct IPv6Address: Hashable, Comparable, Sendable {
    public var high: UInt64
    public var low: UInt64
    public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
}

/// An IPv4 or IPv6 address.
public enum IPAddress: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)
    public var description: String { "" }
    public init(from decoder: any Decoder) throws { self = .v4(IPv4Address(rawValue: 0)) }
    public func encode(to encoder: any Encoder) throws {}
}

/// A network prefix such as `192.168.100.0/24`.
public struct IPPrefix: Hashable, Sendable, Codable, CustomStringConvertible {
    public var network: IPAddress
    public var length: Int
    public var description: String { "\(network)/\(length)" }
}
