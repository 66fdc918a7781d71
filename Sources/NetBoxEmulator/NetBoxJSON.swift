// NetBox's side of the emulators' JSON value: Django REST framework's compact output, Python's names and parse errors.
//
// The emulators keep their JSON handling independent of the client's (the IPAMNetBox backend): an
// emulator is an oracle for the backend's tests, so it must not share the code it is checking.
import EmulatorSupport

/// A JSON value whose object members keep their order, as NetBox's serializers emit them.
typealias NetBoxJSON = EmulatorJSON

extension EmulatorJSON.Style {
    /// Compact UTF-8 JSON (`separators=(',', ':')`, non-ASCII kept), as DRF's JSONRenderer writes it.
    static let djangoREST = EmulatorJSON.Style(escapesSolidus: false, formatDouble: { "\($0)" })
}

extension NetBoxJSON {
    /// Python's name for the type of the value (`str`, `int`, …), as DRF puts it into error messages.
    var pythonTypeName: String {
        switch self {
        case .null: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .array: "list"
        case .object: "dict"
        }
    }

    /// Python's `repr()` of the decoded value, e.g. `{'slug': 'nosuchtag'}` (NetBox quotes it in messages).
    var pythonRepr: String {
        switch self {
        case .null: "None"
        case .bool(let value): value ? "True" : "False"
        case .int(let value): String(value)
        case .double(let value): "\(value)"
        case .string(let value):
            value.contains("'") && !value.contains("\"")
                ? "\"\(value)\"" : "'\(value.replacing("'", with: "\\'"))'"
        case .array(let items): "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.map { "'\($0.0)': \($0.1.pythonRepr)" }.joined(separator: ", ") + "}"
        }
    }

    // MARK: - Parsing

    /// Parses a request body the way Python's `json.loads` does; the error text is Python's
    /// (`Expecting value: line 1 column 16 (char 15)`), which DRF prefixes with `JSON parse error - `.
    static func parse(_ bytes: [UInt8]) throws(NetBoxJSONError) -> NetBoxJSON {
        var parser = PythonStyleJSONParser(text: Array(String(decoding: bytes, as: UTF8.self).unicodeScalars))
        return try parser.parseDocument()
    }
}

/// A parse failure with Python's message.
struct NetBoxJSONError: Error, Equatable {
    var message: String
}

/// A recursive-descent JSON parser over Unicode scalars (Python counts positions in code points).
private struct PythonStyleJSONParser {
    let text: [Unicode.Scalar]
    var position = 0

    mutating func parseDocument() throws(NetBoxJSONError) -> NetBoxJSON {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position < text.count { throw failure("Extra data", at: position) }
        return value
    }

    private func failure(_ what: String, at index: Int) -> NetBoxJSONError {
        var line = 1
        var lastNewline = -1
        for offset in 0..<min(index, text.count) where text[offset] == "\n" {
            line += 1
            lastNewline = offset
        }
        let column = index - lastNewline
        return NetBoxJSONError(message: "\(what): line \(line) column \(column) (char \(index))")
    }

    private mutating func skipWhitespace() {
        while position < text.count, [" ", "\t", "\n", "\r"].contains(text[position]) { position += 1 }
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        position + offset < text.count ? text[position + offset] : nil
    }

    private mutating func consume(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars)
        guard position + scalars.count <= text.count, Array(text[position..<position + scalars.count]) == scalars else {
            return false
        }
        position += scalars.count
        return true
    }

    private mutating func parseValue() throws(NetBoxJSONError) -> NetBoxJSON {
        guard let scalar = peek() else { throw failure("Expecting value", at: position) }
        switch scalar {
        case "{": return try parseObject()
        case "[": return try parseArray()
        case "\"": return .string(try parseString())
        case "n" where consume("null"): return .null
        case "t" where consume("true"): return .bool(true)
        case "f" where consume("false"): return .bool(false)
        default:
            if scalar == "-" || ("0"..."9").contains(scalar) {
                if let number = parseNumber() { return number }
            }
            throw failure("Expecting value", at: position)
        }
    }

    private mutating func parseObject() throws(NetBoxJSONError) -> NetBoxJSON {
        position += 1
        var members: [(String, NetBoxJSON)] = []
        skipWhitespace()
        if peek() == "}" {
            position += 1
            return .object([])
        }
        while true {
            skipWhitespace()
            guard peek() == "\"" else { throw failure("Expecting property name enclosed in double quotes", at: position) }
            let key = try parseString()
            skipWhitespace()
            guard peek() == ":" else { throw failure("Expecting ':' delimiter", at: position) }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            // Python keeps the last value of a repeated key, at the position of the first.
            if let index = members.firstIndex(where: { $0.0 == key }) {
                members[index].1 = value
            } else {
                members.append((key, value))
            }
            skipWhitespace()
            switch peek() {
            case "}":
                position += 1
                return .object(members)
            case ",":
                position += 1
            default:
                throw failure("Expecting ',' delimiter", at: position)
            }
        }
    }

    private mutating func parseArray() throws(NetBoxJSONError) -> NetBoxJSON {
        position += 1
        var items: [NetBoxJSON] = []
        skipWhitespace()
        if peek() == "]" {
            position += 1
            return .array([])
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case "]":
                position += 1
                return .array(items)
            case ",":
                position += 1
            default:
                throw failure("Expecting ',' delimiter", at: position)
            }
        }
    }

    private mutating func parseString() throws(NetBoxJSONError) -> String {
        let start = position
        position += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else { throw failure("Unterminated string starting at", at: start) }
            if scalar == "\"" {
                position += 1
                return String(result)
            }
            if scalar.value < 0x20 { throw failure("Invalid control character at", at: position) }
            if scalar != "\\" {
                result.append(scalar)
                position += 1
                continue
            }
            guard let escape = peek(1) else { throw failure("Unterminated string starting at", at: start) }
            switch escape {
            case "\"": result.append("\"")
            case "\\": result.append("\\")
            case "/": result.append("/")
            case "b": result.append("\u{08}")
            case "f": result.append("\u{0C}")
            case "n": result.append("\n")
            case "r": result.append("\r")
            case "t": result.append("\t")
            case "u":
                guard let unit = hexUnit(at: position + 2) else { throw failure("Invalid \\uXXXX escape", at: position + 1) }
                position += 6
                if (0xD800..<0xDC00).contains(unit), peek() == "\\", peek(1) == "u", let low = hexUnit(at: position + 2),
                    (0xDC00..<0xE000).contains(low)
                {
                    position += 6
                    let combined = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    result.append(Unicode.Scalar(combined) ?? "\u{FFFD}")
                } else {
                    result.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                }
                continue
            default:
                throw failure("Invalid \\escape", at: position)
            }
            position += 2
        }
    }

    private func hexUnit(at index: Int) -> UInt32? {
        guard index + 4 <= text.count else { return nil }
        var value: UInt32 = 0
        for scalar in text[index..<index + 4] {
            guard let digit = hexDigit(scalar) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    private func hexDigit(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 0x30
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }

    /// Python's number pattern `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`; nil when nothing matches.
    private mutating func parseNumber() -> NetBoxJSON? {
        let start = position
        var index = position
        func isDigit(_ i: Int) -> Bool { i < text.count && ("0"..."9").contains(text[i]) }
        if index < text.count, text[index] == "-" { index += 1 }
        guard isDigit(index) else { return nil }
        if text[index] == "0" {
            index += 1
        } else {
            while isDigit(index) { index += 1 }
        }
        var isInteger = true
        if index < text.count, text[index] == ".", isDigit(index + 1) {
            isInteger = false
            index += 1
            while isDigit(index) { index += 1 }
        }
        if index < text.count, text[index] == "e" || text[index] == "E" {
            var exponent = index + 1
            if exponent < text.count, text[exponent] == "+" || text[exponent] == "-" { exponent += 1 }
            if isDigit(exponent) {
                isInteger = false
                index = exponent
                while isDigit(index) { index += 1 }
            }
        }
        let literal = String(String.UnicodeScalarView(text[start..<index]))
        position = index
        if isInteger, let value = Int(literal) { return .int(value) }
        return .double(Double(literal) ?? 0)
    }
}
