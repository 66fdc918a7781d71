// Encodes one netlink request: the message header, a family header and (nested) attributes.

/// Builds the bytes of one netlink message in host byte order, with 4-byte alignment as
/// `NLMSG_ALIGN`/`RTA_ALIGN` require. Pure: no I/O, unit-tested byte for byte.
struct NetlinkMessageBuilder {
    /// The message so far; the header's length and sequence are filled in by ``finish(sequence:)``.
    private(set) var bytes: [UInt8]

    /// Starts a message of `type` (`RTM_NEWROUTE`, …) with `flags` (`NLM_F_REQUEST | …`).
    init(type: UInt16, flags: UInt16) {
        bytes = []
        bytes.reserveCapacity(128)
        append(UInt32(0))  // nlmsg_len, set by finish
        append(type)
        append(flags)
        append(UInt32(0))  // nlmsg_seq, set by finish
        append(UInt32(0))  // nlmsg_pid: the kernel fills in our port
    }

    /// Appends a fixed-size integer in host byte order (the family headers are plain C structs).
    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    /// Appends an attribute with a raw payload, padded to 4 bytes.
    mutating func addAttribute(_ type: Int, _ payload: [UInt8]) {
        append(UInt16(4 + payload.count))
        append(UInt16(type))
        bytes.append(contentsOf: payload)
        pad()
    }

    /// Appends an attribute holding a 32-bit integer.
    mutating func addAttribute(_ type: Int, uint32 value: UInt32) {
        addAttribute(type, withUnsafeBytes(of: value) { Array($0) })
    }

    /// Appends an attribute holding a NUL-terminated string (interface names, link kinds).
    mutating func addAttribute(_ type: Int, string value: String) {
        addAttribute(type, Array(value.utf8) + [0])
    }

    /// Appends a nested attribute whose payload is whatever `body` appends.
    mutating func addNestedAttribute(_ type: Int, _ body: (inout NetlinkMessageBuilder) -> Void) {
        let start = bytes.count
        append(UInt16(0))
        append(UInt16(type))
        body(&self)
        let length = UInt16(bytes.count - start)
        withUnsafeBytes(of: length) { raw in
            bytes[start] = raw[0]
            bytes[start + 1] = raw[1]
        }
        pad()
    }

    /// The finished message with its length and `sequence` written into the header.
    func finish(sequence: UInt32) -> [UInt8] {
        var result = bytes
        withUnsafeBytes(of: UInt32(result.count)) { result.replaceSubrange(0..<4, with: $0) }
        withUnsafeBytes(of: sequence) { result.replaceSubrange(8..<12, with: $0) }
        return result
    }

    private mutating func pad() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }
}
