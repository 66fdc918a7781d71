// An ordered JSON value the emulator answers with, serialised the way PHP's json_encode does.

/// A JSON value whose object keys keep their insertion order, as phpIPAM's answers do.
///
/// Deliberately not the phpIPAM backend's record types: the emulator is the independent oracle the backend
/// is tested against and answers as `phpipam-api.md` records the real server, so it shares no
/// decoding or encoding code with the client whose mistakes it must catch.
public enum EmulatorJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([EmulatorJSON])
    case object([(String, EmulatorJSON)])

    /// A string value, or `null` when `value` is nil.
    static func optional(_ value: String?) -> EmulatorJSON {
        value.map(EmulatorJSON.string) ?? .null
    }

    /// An integer value, or `null` when `value` is nil.
    static func optional(_ value: Int?) -> EmulatorJSON {
        value.map(EmulatorJSON.int) ?? .null
    }

    /// The value with every integer turned into a string, as `api-stringify-results: 1` asks.
    func stringified() -> EmulatorJSON {
        switch self {
        case .int(let value): .string(String(value))
        case .array(let items): .array(items.map { $0.stringified() })
        case .object(let members): .object(members.map { ($0.0, $0.1.stringified()) })
        default: self
        }
    }

    /// The member named `key` of an object.
    subscript(key: String) -> EmulatorJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
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

    /// The UTF-8 serialisation, escaping `/` as `\/` like PHP's `json_encode`.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return out
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value): out.append(contentsOf: Self.format(value).utf8)
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.0, to: &out)
                out.append(UInt8(ascii: ":"))
                member.1.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Formats a float like PHP does for `time`: integral values without a fraction, others with up to 3 digits.
    private static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        let thousandths = (value * 1000).rounded() / 1000
        return "\(thousandths)"
    }

    private static func writeString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: "\\\"".utf8)
            case "\\": out.append(contentsOf: "\\\\".utf8)
            case "/": out.append(contentsOf: "\\/".utf8)
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
