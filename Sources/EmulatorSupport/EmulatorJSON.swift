// The IPAM emulators' own ordered JSON value and its compact UTF-8 writer, in the style of the emulated server.
//
// The emulators keep their JSON independent of the clients' (IPAMphpIPAM, IPAMNetBox, KubeClient): an
// emulator is an oracle for a backend's tests, so it must not share the code it is checking.

/// A JSON value whose object members keep their order, as phpIPAM's and NetBox's answers do.
public enum EmulatorJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([EmulatorJSON])
    case object([(String, EmulatorJSON)])

    /// How a server writes what JSON leaves open: whether `/` is escaped and how floats look.
    public struct Style: Sendable {
        /// Whether `/` is written as `\/` (PHP's `json_encode` does so).
        public var escapesSolidus: Bool
        /// The text of a floating-point number.
        public var formatDouble: @Sendable (Double) -> String

        /// Creates a style.
        public init(escapesSolidus: Bool, formatDouble: @escaping @Sendable (Double) -> String) {
            self.escapesSolidus = escapesSolidus
            self.formatDouble = formatDouble
        }
    }

    /// A string value, or `null` when `value` is nil.
    public static func optional(_ value: String?) -> EmulatorJSON {
        value.map(EmulatorJSON.string) ?? .null
    }

    /// An integer value, or `null` when `value` is nil.
    public static func optional(_ value: Int?) -> EmulatorJSON {
        value.map(EmulatorJSON.int) ?? .null
    }

    /// The member named `key` of an object.
    public subscript(key: String) -> EmulatorJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The object's members, or nil for any other value.
    public var members: [(String, EmulatorJSON)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public static func == (lhs: EmulatorJSON, rhs: EmulatorJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    // MARK: - Serialising

    /// Compact UTF-8 JSON (no spaces, non-ASCII kept, control characters escaped) written in `style`.
    public func serialized(_ style: Style) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(to: &out, style)
        return out
    }

    private func write(to out: inout [UInt8], _ style: Style) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value): out.append(contentsOf: style.formatDouble(value).utf8)
        case .string(let value): Self.writeString(value, to: &out, style)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out, style)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.0, to: &out, style)
                out.append(UInt8(ascii: ":"))
                member.1.write(to: &out, style)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ value: String, to out: inout [UInt8], _ style: Style) {
        out.append(UInt8(ascii: "\""))
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: "\\\"".utf8)
            case "\\": out.append(contentsOf: "\\\\".utf8)
            case "/" where style.escapesSolidus: out.append(contentsOf: "\\/".utf8)
            case "\n": out.append(contentsOf: "\\n".utf8)
            case "\r": out.append(contentsOf: "\\r".utf8)
            case "\t": out.append(contentsOf: "\\t".utf8)
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                } else {
                    out.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
