// Decodes netlink messages and their attributes from bytes received from the kernel.

/// One netlink message as received: header fields and the payload after the 16-byte header.
struct NetlinkMessage: Sendable {
    /// `nlmsg_type`: `RTM_NEWLINK`, `NLMSG_ERROR`, `NLMSG_DONE`, ….
    var type: UInt16
    /// `nlmsg_flags`.
    var flags: UInt16
    /// `nlmsg_seq`: matches the request this answers; 0 for multicast notifications.
    var sequence: UInt32
    /// The bytes after the header (family header, then attributes).
    var payload: [UInt8]

    /// Splits a datagram into its messages. Truncated or malformed trailing bytes end the list.
    static func split(_ buffer: [UInt8]) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = 0
        while offset + 16 <= buffer.count {
            let length = Int(buffer.readInteger(at: offset, as: UInt32.self))
            guard length >= 16, offset + length <= buffer.count else { break }
            messages.append(NetlinkMessage(
                type: buffer.readInteger(at: offset + 4, as: UInt16.self),
                flags: buffer.readInteger(at: offset + 6, as: UInt16.self),
                sequence: buffer.readInteger(at: offset + 8, as: UInt32.self),
                payload: Array(buffer[(offset + 16)..<(offset + length)])))
            offset += (length + 3) & ~3
        }
        return messages
    }
}

/// The attributes (`struct rtattr` TLVs) of a message or of a nested attribute, by type.
/// When a type repeats, the first occurrence wins (rtnetlink never repeats the ones we read).
struct NetlinkAttributes {
    private var values: [UInt16: [UInt8]] = [:]

    /// Parses the TLVs in `bytes` starting at `offset`; malformed trailing bytes are ignored.
    init(_ bytes: [UInt8], from offset: Int = 0) {
        var position = offset
        while position + 4 <= bytes.count {
            let length = Int(bytes.readInteger(at: position, as: UInt16.self))
            // NLA_F_NESTED and NLA_F_NET_BYTEORDER live in the top bits of the type.
            let type = bytes.readInteger(at: position + 2, as: UInt16.self) & 0x3FFF
            guard length >= 4, position + length <= bytes.count else { break }
            if values[type] == nil { values[type] = Array(bytes[(position + 4)..<(position + length)]) }
            position += (length + 3) & ~3
        }
    }

    /// The raw payload of attribute `type`, if present.
    subscript(_ type: Int) -> [UInt8]? { values[UInt16(type)] }

    /// Attribute `type` as a 32-bit integer in host byte order.
    func uint32(_ type: Int) -> UInt32? {
        guard let value = self[type], value.count >= 4 else { return nil }
        return value.readInteger(at: 0, as: UInt32.self)
    }

    /// Attribute `type` as an 8-bit integer.
    func uint8(_ type: Int) -> UInt8? { self[type]?.first }

    /// Attribute `type` as a string, without its NUL terminator.
    func string(_ type: Int) -> String? {
        guard let value = self[type] else { return nil }
        return String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Attribute `type` parsed as nested attributes.
    func nested(_ type: Int) -> NetlinkAttributes? {
        self[type].map { NetlinkAttributes($0) }
    }
}

extension Array where Element == UInt8 {
    /// Reads a host-byte-order integer at `offset`; the caller has checked the bounds.
    func readInteger<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
        withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }
}
