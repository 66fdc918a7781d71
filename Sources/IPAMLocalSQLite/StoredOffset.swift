// How an address offset (0 through 2^64 − 1: every address of an IPv6 /64) is kept in SQLite's signed integers.
import IPAddressing

/// The order-preserving map between unsigned offsets and SQLite's signed 64-bit `INTEGER`s.
///
/// Flipping the top bit maps offset 0 to `Int64.min` and `UInt64.max` to `Int64.max`, so `ORDER BY` and
/// range comparisons in SQL keep the offsets' order and nothing overflows. Schema v2 moved v1's offsets
/// (all below 2^62) into this encoding.
enum StoredOffset {
    /// The database value of `offset`.
    static func encode(_ offset: UInt64) -> Int64 { Int64(bitPattern: offset ^ (1 << 63)) }

    /// The offset a database value stands for.
    static func decode(_ stored: Int64) -> UInt64 { UInt64(bitPattern: stored) ^ (1 << 63) }
}

extension IPPrefix {
    /// The address `offset` positions after the network address, or `nil` when the prefix is smaller.
    func address(atWideOffset offset: UInt64) -> IPAddress? {
        guard UInt128(offset) <= lastAddress.value - network.value else { return nil }
        return IPAddress(family: family, value: network.value + UInt128(offset))
    }

    /// How many positions `address` lies after the network address, or `nil` when the prefix does not contain
    /// it or the offset needs more than 64 bits (prefixes shorter than an IPv6 /64).
    func wideOffset(of address: IPAddress) -> UInt64? {
        guard contains(address) else { return nil }
        return UInt64(exactly: address.value - network.value)
    }
}
