// A small CEL interpreter for `x-kubernetes-validations`: the operators, macros and IP/CIDR functions CRDs commonly use.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Evaluates a CEL validation rule against `self` (and `oldSelf` for transition rules).
///
/// Supported: literals (int, double, string, bool, null, lists), `self`/`oldSelf`, field access, indexing,
/// `! - * / % + - == != < <= > >= in && || ?:`, `has()`, `size()`, `all`/`exists`/`exists_one` macros,
/// string `startsWith`/`endsWith`/`contains`/`matches`, and the Kubernetes IP/CIDR library (`isIP`, `isCIDR`,
/// `ip()`, `cidr()`, `.masked()`, `.ip()`, `.prefixLength()`, `.family()`, `.containsIP()`, `.containsCIDR()`).
/// Anything else makes the rule `unsupported`: the caller skips it and logs once.
enum CEL {
    enum Outcome: Equatable {
        case passed
        case failed
        /// Evaluation hit a runtime error (missing field, wrong type): the real server rejects the object too.
        case error(String)
        case unsupported(String)
    }

    static func evaluate(_ rule: String, self value: JSON, oldSelf: JSON?) -> Outcome {
        let expression: Expression
        do {
            var parser = try Parser(rule)
            expression = try parser.parseExpression()
            guard parser.atEnd else { return .unsupported("unexpected trailing input") }
        } catch {
            return .unsupported(error.message)
        }
        var environment: [String: Value] = ["self": Value(json: value)]
        if let oldSelf { environment["oldSelf"] = Value(json: oldSelf) }
        do {
            let result = try expression.evaluate(environment)
            guard case .bool(let passed) = result else { return .error("rule did not evaluate to a bool") }
            return passed ? .passed : .failed
        } catch {
            if error.unsupported { return .unsupported(error.message) }
            return .error(error.message)
        }
    }

    /// Whether the rule mentions `oldSelf` (a transition rule: only checked on update).
    static func isTransitionRule(_ rule: String) -> Bool { rule.contains("oldSelf") }

    // MARK: - Values

    struct Failure: Error {
        var message: String
        var unsupported = false
    }

    struct IPValue: Equatable {
        var bytes: [UInt8]
    }

    struct CIDRValue: Equatable {
        var address: IPValue
        var prefixLength: Int

        var masked: CIDRValue {
            var bytes = address.bytes
            for index in bytes.indices {
                let bitsBefore = index * 8
                if bitsBefore >= prefixLength { bytes[index] = 0 } else if bitsBefore + 8 > prefixLength {
                    bytes[index] &= UInt8(truncatingIfNeeded: 0xFF << (8 - (prefixLength - bitsBefore)))
                }
            }
            return CIDRValue(address: IPValue(bytes: bytes), prefixLength: prefixLength)
        }

        func contains(_ ip: IPValue) -> Bool {
            ip.bytes.count == address.bytes.count && CIDRValue(address: ip, prefixLength: prefixLength).masked == masked
        }
    }

    indirect enum Value: Equatable {
        case null
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case string(String)
        case list([Value])
        case map([String: Value])
        case ip(IPValue)
        case cidr(CIDRValue)

        init(json: JSON) {
            switch json {
            case .null: self = .null
            case .bool(let value): self = .bool(value)
            case .int(let value): self = .int(value)
            case .double(let value): self = .double(value)
            case .string(let value): self = .string(value)
            case .array(let values): self = .list(values.map(Value.init))
            case .object(let members): self = .map(members.mapValues(Value.init))
            }
        }
    }

    static func parseIP(_ text: String) -> IPValue? {
        var v4 = in_addr()
        if !text.contains(":"), inet_pton(AF_INET, text, &v4) == 1 {
            return IPValue(bytes: withUnsafeBytes(of: &v4) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return IPValue(bytes: withUnsafeBytes(of: &v6) { Array($0) }) }
        return nil
    }

    static func parseCIDR(_ text: String) -> CIDRValue? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].allSatisfy(\.isNumber), let length = Int(parts[1]),
              let address = parseIP(String(parts[0])), length <= address.bytes.count * 8
        else { return nil }
        return CIDRValue(address: address, prefixLength: length)
    }

    // MARK: - Syntax

    enum Token: Equatable {
        case identifier(String)
        case int(Int64)
        case double(Double)
        case string(String)
        case symbol(String)
    }

    indirect enum Expression {
        case literal(Value)
        case identifier(String)
        case list([Expression])
        case member(Expression, String)
        case index(Expression, Expression)
        case call(target: Expression?, name: String, arguments: [Expression])
        case unary(String, Expression)
        case binary(String, Expression, Expression)
        case conditional(Expression, Expression, Expression)
    }

    struct Parser {
        var tokens: [Token]
        var position = 0

        init(_ text: String) throws(Failure) {
            tokens = try Self.tokenize(text)
        }

        var atEnd: Bool { position == tokens.count }

        static func tokenize(_ text: String) throws(Failure) -> [Token] {
            var tokens: [Token] = []
            let characters = Array(text)
            var index = 0
            let symbols = ["==", "!=", "<=", ">=", "&&", "||", "(", ")", "[", "]", ",", ".", "!", "<", ">", "+", "-", "*", "/",
                           "%", "?", ":"]
            while index < characters.count {
                let character = characters[index]
                if character.isWhitespace {
                    index += 1
                } else if character.isLetter || character == "_" {
                    var end = index
                    while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
                    tokens.append(.identifier(String(characters[index..<end])))
                    index = end
                } else if character.isNumber {
                    var end = index
                    while end < characters.count, characters[end].isNumber || characters[end] == "." { end += 1 }
                    let literal = String(characters[index..<end])
                    if let value = Int64(literal) {
                        tokens.append(.int(value))
                    } else if let value = Double(literal) {
                        tokens.append(.double(value))
                    } else {
                        throw Failure(message: "bad number \(literal)")
                    }
                    index = end
                    if index < characters.count, characters[index] == "u" { index += 1 }
                } else if character == "'" || character == "\"" {
                    var end = index + 1
                    var value = ""
                    while end < characters.count, characters[end] != character {
                        if characters[end] == "\\", end + 1 < characters.count {
                            end += 1
                            switch characters[end] {
                            case "n": value.append("\n")
                            case "t": value.append("\t")
                            default: value.append(characters[end])
                            }
                        } else {
                            value.append(characters[end])
                        }
                        end += 1
                    }
                    guard end < characters.count else { throw Failure(message: "unterminated string") }
                    tokens.append(.string(value))
                    index = end + 1
                } else {
                    let rest = String(characters[index..<min(index + 2, characters.count)])
                    guard let symbol = symbols.first(where: { rest.hasPrefix($0) }) else {
                        throw Failure(message: "unexpected character \(character)")
                    }
                    tokens.append(.symbol(symbol))
                    index += symbol.count
                }
            }
            return tokens
        }

        mutating func peek(_ symbol: String) -> Bool {
            position < tokens.count && tokens[position] == .symbol(symbol)
        }

        mutating func consume(_ symbol: String) -> Bool {
            if peek(symbol) {
                position += 1
                return true
            }
            return false
        }

        mutating func expect(_ symbol: String) throws(Failure) {
            guard consume(symbol) else { throw Failure(message: "expected \(symbol)") }
        }

        mutating func parseExpression() throws(Failure) -> Expression {
            let condition = try parseBinary(level: 0)
            if consume("?") {
                let whenTrue = try parseExpression()
                try expect(":")
                let whenFalse = try parseExpression()
                return .conditional(condition, whenTrue, whenFalse)
            }
            return condition
        }

        static let levels: [[String]] = [["||"], ["&&"], ["==", "!=", "<", "<=", ">", ">=", "in"], ["+", "-"], ["*", "/", "%"]]

        mutating func parseBinary(level: Int) throws(Failure) -> Expression {
            guard level < Self.levels.count else { return try parseUnary() }
            var left = try parseBinary(level: level + 1)
            while position < tokens.count {
                let token = tokens[position]
                let op: String
                switch token {
                case .symbol(let symbol) where Self.levels[level].contains(symbol): op = symbol
                case .identifier("in") where Self.levels[level].contains("in"): op = "in"
                default: return left
                }
                position += 1
                left = .binary(op, left, try parseBinary(level: level + 1))
            }
            return left
        }

        mutating func parseUnary() throws(Failure) -> Expression {
            if consume("!") { return .unary("!", try parseUnary()) }
            if consume("-") { return .unary("-", try parseUnary()) }
            return try parseMember()
        }

        mutating func parseArguments() throws(Failure) -> [Expression] {
            var arguments: [Expression] = []
            if consume(")") { return arguments }
            repeat { arguments.append(try parseExpression()) } while consume(",")
            try expect(")")
            return arguments
        }

        mutating func parseMember() throws(Failure) -> Expression {
            var expression = try parsePrimary()
            while true {
                if consume(".") {
                    guard position < tokens.count, case .identifier(let name) = tokens[position] else {
                        throw Failure(message: "expected a field name")
                    }
                    position += 1
                    if consume("(") {
                        expression = .call(target: expression, name: name, arguments: try parseArguments())
                    } else {
                        expression = .member(expression, name)
                    }
                } else if consume("[") {
                    let index = try parseExpression()
                    try expect("]")
                    expression = .index(expression, index)
                } else {
                    return expression
                }
            }
        }

        mutating func parsePrimary() throws(Failure) -> Expression {
            guard position < tokens.count else { throw Failure(message: "unexpected end of rule") }
            let token = tokens[position]
            position += 1
            switch token {
            case .int(let value): return .literal(.int(value))
            case .double(let value): return .literal(.double(value))
            case .string(let value): return .literal(.string(value))
            case .identifier("true"): return .literal(.bool(true))
            case .identifier("false"): return .literal(.bool(false))
            case .identifier("null"): return .literal(.null)
            case .identifier(let name):
                if consume("(") { return .call(target: nil, name: name, arguments: try parseArguments()) }
                return .identifier(name)
            case .symbol("("):
                let inner = try parseExpression()
                try expect(")")
                return inner
            case .symbol("["):
                var elements: [Expression] = []
                if !consume("]") {
                    repeat { elements.append(try parseExpression()) } while consume(",")
                    try expect("]")
                }
                return .list(elements)
            default:
                throw Failure(message: "unsupported syntax")
            }
        }
    }
}
