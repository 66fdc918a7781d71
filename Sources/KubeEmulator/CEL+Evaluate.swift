// Evaluation of parsed CEL expressions: operators, macros and the string/list/IP/CIDR functions.

extension CEL.Expression {
    typealias Value = CEL.Value
    typealias Failure = CEL.Failure

    func evaluate(_ environment: [String: Value]) throws(Failure) -> Value {
        switch self {
        case .literal(let value):
            return value
        case .identifier(let name):
            guard let value = environment[name] else { throw Failure(message: "undeclared reference to '\(name)'", unsupported: true) }
            return value
        case .list(let elements):
            var values: [Value] = []
            for element in elements { values.append(try element.evaluate(environment)) }
            return .list(values)
        case .member(let target, let name):
            guard case .map(let members) = try target.evaluate(environment) else { throw Failure(message: "no such key: \(name)") }
            guard let value = members[name] else { throw Failure(message: "no such key: \(name)") }
            return value
        case .index(let target, let index):
            let container = try target.evaluate(environment)
            let key = try index.evaluate(environment)
            switch (container, key) {
            case (.list(let values), .int(let position)) where values.indices.contains(Int(position)): return values[Int(position)]
            case (.map(let members), .string(let name)):
                guard let value = members[name] else { throw Failure(message: "no such key: \(name)") }
                return value
            default: throw Failure(message: "invalid index")
            }
        case .unary(let op, let operand):
            let value = try operand.evaluate(environment)
            switch (op, value) {
            case ("!", .bool(let flag)): return .bool(!flag)
            case ("-", .int(let number)): return .int(-number)
            case ("-", .double(let number)): return .double(-number)
            default: throw Failure(message: "no such overload for \(op)")
            }
        case .binary(let op, let left, let right):
            return try Self.binary(op, left, right, environment)
        case .conditional(let condition, let whenTrue, let whenFalse):
            guard case .bool(let flag) = try condition.evaluate(environment) else { throw Failure(message: "condition is not a bool") }
            return try (flag ? whenTrue : whenFalse).evaluate(environment)
        case .call(let target, let name, let arguments):
            return try Self.call(target, name, arguments, environment)
        }
    }

    private static func binary(_ op: String, _ left: CEL.Expression, _ right: CEL.Expression, _ environment: [String: Value])
        throws(Failure) -> Value
    {
        if op == "&&" || op == "||" {
            // CEL's commutative short-circuit: an error on one side is absorbed if the other side decides.
            let leftResult: Result<Value, Failure>
            do { leftResult = .success(try left.evaluate(environment)) } catch { leftResult = .failure(error) }
            if case .success(.bool(let flag)) = leftResult, flag == (op == "||") { return .bool(flag) }
            let rightValue = try right.evaluate(environment)
            guard case .bool(let rightFlag) = rightValue else { throw Failure(message: "no such overload for \(op)") }
            if rightFlag == (op == "||") { return .bool(rightFlag) }
            switch leftResult {
            case .success(.bool(let flag)): return .bool(flag)
            case .success: throw Failure(message: "no such overload for \(op)")
            case .failure(let error): throw error
            }
        }
        let lhs = try left.evaluate(environment)
        let rhs = try right.evaluate(environment)
        switch op {
        case "==": return .bool(equal(lhs, rhs))
        case "!=": return .bool(!equal(lhs, rhs))
        case "in":
            switch rhs {
            case .list(let values): return .bool(values.contains { equal($0, lhs) })
            case .map(let members):
                guard case .string(let key) = lhs else { return .bool(false) }
                return .bool(members[key] != nil)
            default: throw Failure(message: "no such overload for in")
            }
        case "<", "<=", ">", ">=":
            let order: Int
            switch (lhs, rhs) {
            case (.string(let a), .string(let b)): order = a < b ? -1 : (a == b ? 0 : 1)
            default:
                guard let a = number(lhs), let b = number(rhs) else { throw Failure(message: "no such overload for \(op)") }
                order = a < b ? -1 : (a == b ? 0 : 1)
            }
            switch op {
            case "<": return .bool(order < 0)
            case "<=": return .bool(order <= 0)
            case ">": return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case "+":
            switch (lhs, rhs) {
            case (.int(let a), .int(let b)): return .int(a &+ b)
            case (.string(let a), .string(let b)): return .string(a + b)
            case (.list(let a), .list(let b)): return .list(a + b)
            default:
                guard let a = number(lhs), let b = number(rhs) else { throw Failure(message: "no such overload for +") }
                return .double(a + b)
            }
        case "-", "*", "/", "%":
            if case .int(let a) = lhs, case .int(let b) = rhs {
                switch op {
                case "-": return .int(a &- b)
                case "*": return .int(a &* b)
                default:
                    guard b != 0 else { throw Failure(message: "division by zero") }
                    return .int(op == "/" ? a / b : a % b)
                }
            }
            guard let a = number(lhs), let b = number(rhs), op != "%" else { throw Failure(message: "no such overload for \(op)") }
            switch op {
            case "-": return .double(a - b)
            case "*": return .double(a * b)
            default: return .double(a / b)
            }
        default:
            throw Failure(message: "unsupported operator \(op)", unsupported: true)
        }
    }

    private static func number(_ value: Value) -> Double? {
        switch value {
        case .int(let number): return Double(number)
        case .double(let number): return number
        default: return nil
        }
    }

    private static func equal(_ lhs: Value, _ rhs: Value) -> Bool {
        if let a = number(lhs), let b = number(rhs) { return a == b }
        return lhs == rhs
    }

    private static func call(_ target: CEL.Expression?, _ name: String, _ arguments: [CEL.Expression], _ environment: [String: Value])
        throws(Failure) -> Value
    {
        if target == nil, name == "has", arguments.count == 1 {
            guard case .member(let object, let field) = arguments[0] else { throw Failure(message: "has() needs a field", unsupported: true) }
            guard case .map(let members) = try object.evaluate(environment) else { return .bool(false) }
            return .bool(members[field] != nil)
        }
        if let target, ["all", "exists", "exists_one"].contains(name), arguments.count == 2,
           case .identifier(let variable) = arguments[0] {
            let collection = try target.evaluate(environment)
            let elements: [Value]
            switch collection {
            case .list(let values): elements = values
            case .map(let members): elements = members.keys.sorted().map(Value.string)
            default: throw Failure(message: "\(name) needs a list or map")
            }
            var matches = 0
            for element in elements {
                var scope = environment
                scope[variable] = element
                guard case .bool(let flag) = try arguments[1].evaluate(scope) else { throw Failure(message: "predicate is not a bool") }
                if flag { matches += 1 }
                if name == "all" && !flag { return .bool(false) }
                if name == "exists" && flag { return .bool(true) }
            }
            switch name {
            case "all": return .bool(true)
            case "exists": return .bool(false)
            default: return .bool(matches == 1)
            }
        }
        var values: [Value] = []
        if let target { values.append(try target.evaluate(environment)) }
        for argument in arguments { values.append(try argument.evaluate(environment)) }
        return try function(name, values)
    }

    private static func function(_ name: String, _ values: [Value]) throws(Failure) -> Value {
        switch (name, values.first, values.count) {
        case ("size", .string(let text)?, 1): return .int(Int64(text.count))
        case ("size", .list(let list)?, 1): return .int(Int64(list.count))
        case ("size", .map(let map)?, 1): return .int(Int64(map.count))
        case ("isIP", .string(let text)?, 1): return .bool(CEL.parseIP(text) != nil)
        case ("isCIDR", .string(let text)?, 1): return .bool(CEL.parseCIDR(text) != nil)
        case ("ip", .string(let text)?, 1):
            guard let ip = CEL.parseIP(text) else { throw Failure(message: "IP Address '\(text)' parse error") }
            return .ip(ip)
        case ("cidr", .string(let text)?, 1):
            guard let cidr = CEL.parseCIDR(text) else { throw Failure(message: "network address parse error") }
            return .cidr(cidr)
        case ("masked", .cidr(let cidr)?, 1): return .cidr(cidr.masked)
        case ("ip", .cidr(let cidr)?, 1): return .ip(cidr.address)
        case ("prefixLength", .cidr(let cidr)?, 1): return .int(Int64(cidr.prefixLength))
        case ("family", .ip(let ip)?, 1): return .int(ip.bytes.count == 4 ? 4 : 6)
        case ("containsIP", .cidr(let cidr)?, 2):
            switch values[1] {
            case .ip(let ip): return .bool(cidr.contains(ip))
            case .string(let text):
                guard let ip = CEL.parseIP(text) else { throw Failure(message: "IP Address '\(text)' parse error") }
                return .bool(cidr.contains(ip))
            default: throw Failure(message: "no such overload for containsIP")
            }
        case ("containsCIDR", .cidr(let cidr)?, 2):
            let other: CEL.CIDRValue?
            switch values[1] {
            case .cidr(let value): other = value
            case .string(let text): other = CEL.parseCIDR(text)
            default: other = nil
            }
            guard let other else { throw Failure(message: "no such overload for containsCIDR") }
            return .bool(other.prefixLength >= cidr.prefixLength && cidr.contains(other.address))
        case ("startsWith", .string(let text)?, 2):
            guard case .string(let prefix) = values[1] else { throw Failure(message: "no such overload") }
            return .bool(text.hasPrefix(prefix))
        case ("endsWith", .string(let text)?, 2):
            guard case .string(let suffix) = values[1] else { throw Failure(message: "no such overload") }
            return .bool(text.hasSuffix(suffix))
        case ("contains", .string(let text)?, 2):
            guard case .string(let part) = values[1] else { throw Failure(message: "no such overload") }
            return .bool(text.contains(part))
        case ("matches", .string(let text)?, 2):
            guard case .string(let pattern) = values[1], let regex = try? Regex(pattern) else {
                throw Failure(message: "invalid regular expression")
            }
            return .bool((try? regex.firstMatch(in: text)) != nil)
        default:
            throw Failure(message: "unsupported function \(name)", unsupported: true)
        }
    }
}
