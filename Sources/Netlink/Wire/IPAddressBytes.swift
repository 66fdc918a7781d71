// Converts IPAddressing addresses to and from the network-byte-order bytes netlink attributes carry.
import IPAddressing

extension IPAddress {
    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    var networkBytes: [UInt8] {
        switch self {
        case .v4(let address):
            return withUnsafeBytes(of: address.rawValue.bigEndian) { Array($0) }
        case .v6(let address):
            return withUnsafeBytes(of: address.high.bigEndian) { Array($0) }
                + withUnsafeBytes(of: address.low.bigEndian) { Array($0) }
        }
    }

    /// The netlink address family (`AF_INET` or `AF_INET6`).
    var netlinkFamily: UInt8 {
        switch self {
        case .v4: RTNL.familyIPv4
        case .v6: RTNL.familyIPv6
        }
    }

    /// Decodes 4 (IPv4) or 16 (IPv6) network-byte-order bytes; `nil` for any other length.
    init?(networkBytes bytes: [UInt8]) {
        switch bytes.count {
        case 4:
            self = .v4(IPv4Address(rawValue: UInt32(bigEndian: bytes.readInteger(at: 0, as: UInt32.self))))
        case 16:
            self = .v6(IPv6Address(
                high: UInt64(bigEndian: bytes.readInteger(at: 0, as: UInt64.self)),
                low: UInt64(bigEndian: bytes.readInteger(at: 8, as: UInt64.self))))
        default:
            return nil
        }
    }

    /// The all-zero address of the netlink `family` (the network of a default route).
    static func unspecified(family: UInt8) -> IPAddress? {
        switch family {
        case RTNL.familyIPv4: .v4(IPv4Address(rawValue: 0))
        case RTNL.familyIPv6: .v6(IPv6Address(high: 0, low: 0))
        default: nil
        }
    }
}
