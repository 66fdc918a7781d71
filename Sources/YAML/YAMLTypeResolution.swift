// The YAML 1.1 reading of plain scalars (null, booleans, integers, floats) that Yams applies, without regexes.

/// YAML 1.1 type resolution of scalars, as Yams' default resolver and constructors do it.
enum YAMLTypeResolution {
    /// The type a scalar resolves to: its explicit tag, `str` for quoted and block scalars, else what a
    /// plain scalar's text looks like (`bool`, `int`, `float`, `merge`, `null`, `timestamp`, `value`, `str`).
    static func resolvedTag(of scalar: YAMLNode.Scalar) -> String {
        if let tag = scalar.tag { return tag }
        guard scalar.style == .plain else { return "str" }
        let text = scalar.string
        if bool(text) != nil { return "bool" }
        if isInteger(text) { return "int" }
        if isFloat(text) { return "float" }
        switch text {
        case "<<": return "merge"
        case "", "~", "null", "Null", "NULL": return "null"
        case "=": return "value"
        default: break
        }
        if isTimestamp(text) { return "timestamp" }
        return "str"
    }

    /// `yes`/`true`/`on` and `no`/`false`/`off`, in any case (as Yams constructs `Bool`).
    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    /// An integer in YAML 1.1 notation: decimal, `0x` hex, `0b` binary, `0o` or leading-zero octal, `_` separators.
    static func integer<T: FixedWidthInteger>(_ text: String, as type: T.Type) -> T? {
        var digits = text.filter { $0 != "_" }[...]
        if digits == "0" { return 0 }
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard T.isSigned || !negative else { return nil }
        var radix = 10
        for (prefix, base) in [("0x", 16), ("0b", 2), ("0o", 8)] where digits.hasPrefix(prefix) {
            radix = base
            digits = digits.dropFirst(2)
        }
        if radix == 10, digits.count > 1, digits.hasPrefix("0") {
            radix = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, !digits.hasPrefix("-"), !digits.hasPrefix("+") else { return nil }
        return T((negative ? "-" : "") + digits, radix: radix)
    }

    /// A floating-point number, `.inf`, `-.inf` or `.nan` (any case), `_` separators allowed.
    static func floatingPoint(_ text: String) -> Double? {
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default:
            let cleaned = text.filter { $0 != "_" }
            guard cleaned.first.map({ $0.isNumber || "+-.".contains($0) }) == true else { return nil }
            return Double(cleaned)
        }
    }

    private static func isInteger(_ text: String) -> Bool {
        integer(text, as: Int64.self) != nil && text.allSatisfy { $0.isASCII && ($0.isHexDigit || "+-_xob".contains($0)) }
    }

    private static func isFloat(_ text: String) -> Bool {
        if [".inf", "+.inf", "-.inf", ".nan"].contains(text.lowercased()) { return true }
        return text.allSatisfy { $0.isASCII && ($0.isNumber || "+-._eE".contains($0)) } && floatingPoint(text) != nil
    }

    /// `2001-12-14` or `2001-12-14t21:59:43.10-05:00` shapes (only the leading date is checked).
    private static func isTimestamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 8, bytes[4] == UInt8(ascii: "-") else { return false }
        return bytes[0..<4].allSatisfy { $0 >= 48 && $0 <= 57 }
    }
}
