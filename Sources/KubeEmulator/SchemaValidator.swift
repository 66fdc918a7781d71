// Structural-schema handling for custom resources: pruning, defaulting and openAPIV3Schema validation.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Validates one object against a CRD version's `openAPIV3Schema` the way kube-apiserver does.
///
/// Unknown fields are pruned unless `x-kubernetes-preserve-unknown-fields` is set; `default`s are filled in;
/// violations become `StatusCause`s with the real server's wording. CEL rules: `self == oldSelf`,
/// `isCIDR(self)`, `isIP(self)` are evaluated; other rules are reported in `unsupportedRules` and skipped.
struct SchemaValidator {
    private(set) var causes: [StatusCause] = []
    private(set) var unsupportedRules: Set<String> = []
    /// Paths of the unknown fields that were pruned (`spec.junk`), for `fieldValidation=Strict`.
    private(set) var prunedFields: [String] = []

    /// Returns the pruned and defaulted object and records every violation.
    mutating func process(_ object: JSON, schema: JSON, old: JSON?) -> JSON {
        guard case .object(var members) = object else { return object }
        let properties = schema["properties"]?.objectValue ?? [:]
        var result: [String: JSON] = [:]
        for key in ["apiVersion", "kind", "metadata"] where members[key] != nil {
            result[key] = members.removeValue(forKey: key)
        }
        var body = JSON.object(members)
        var rootSchema = schema
        rootSchema["properties"] = .object(properties.filter { !["apiVersion", "kind", "metadata"].contains($0.key) })
        if var required = rootSchema["required"]?.arrayValue {
            required.removeAll { ["apiVersion", "kind", "metadata"].contains($0.stringValue ?? "") }
            rootSchema["required"] = .array(required)
        }
        body = visit(body, schema: rootSchema, path: "", old: old)
        for (key, value) in body.objectValue ?? [:] { result[key] = value }
        runPendingRules()
        return .object(result)
    }

    /// A CEL rule found during the schema walk, evaluated once the structural checks are done.
    private struct PendingRule {
        var rule: JSON
        var value: JSON
        var schema: JSON
        var path: String
        var old: JSON?
    }

    private var pendingRules: [PendingRule] = []

    /// Like the real server, CEL rules are skipped when structural errors could make them meaningless
    /// (`hasBlockingErr` in apiextensions-apiserver's customresource strategy).
    private static let blockingReasons: Set<String> = [
        "FieldValueNotSupported", "FieldValueRequired", "FieldValueTooLong", "FieldValueTooMany", "FieldValueTypeInvalid",
    ]

    private mutating func runPendingRules() {
        guard !pendingRules.isEmpty else { return }
        if causes.contains(where: { Self.blockingReasons.contains($0.reason) }) {
            add("FieldValueInvalid", "<nil>", "Invalid value: \"null\": some validation rules were not checked because the object "
                + "was invalid; correct the existing errors to complete validation")
        } else {
            for pending in pendingRules {
                checkRule(pending.rule, value: pending.value, schema: pending.schema, path: pending.path, old: pending.old)
            }
        }
        pendingRules.removeAll()
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private mutating func add(_ reason: String, _ path: String, _ message: String) {
        causes.append(StatusCause(reason: reason, message: message, field: path))
    }

    private mutating func visit(_ value: JSON, schema: JSON, path: String, old: JSON?) -> JSON {
        if value.isNull {
            if schema["nullable"]?.boolValue == true { return value }
        }
        let preserveUnknown = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
        let intOrString = schema["x-kubernetes-int-or-string"]?.boolValue == true
        var result = value
        if intOrString {
            if value.intValue == nil && value.stringValue == nil {
                add("FieldValueTypeInvalid", path, "Invalid value: \"\(value.typeName)\": \(path) in body must be of type integer,string: \"\(value.typeName)\"")
                return value
            }
        } else if let type = schema["type"]?.stringValue, !Self.hasType(value, type) {
            add("FieldValueTypeInvalid", path, "Invalid value: \"\(value.typeName)\": \(path) in body must be of type \(type): \"\(value.typeName)\"")
            return value
        }
        switch value {
        case .object(let members):
            result = visitObject(members, schema: schema, path: path, old: old, preserveUnknown: preserveUnknown)
        case .array(let elements):
            if let maxItems = schema["maxItems"]?.intValue, elements.count > maxItems {
                add("FieldValueTooMany", path, "Too many: \(elements.count): must have at most \(maxItems) items")
            }
            if let minItems = schema["minItems"]?.intValue, elements.count < minItems {
                add("FieldValueInvalid", path, "Invalid value: \(elements.count): \(path) in body should have at least \(minItems) items")
            }
            if let items = schema["items"] {
                let oldElements = old?.arrayValue ?? []
                result = .array(elements.enumerated().map { index, element in
                    visit(element, schema: items, path: "\(path)[\(index)]", old: index < oldElements.count ? oldElements[index] : nil)
                })
            }
        case .string(let string):
            checkString(string, schema: schema, path: path)
        case .int, .double:
            checkNumber(value, schema: schema, path: path)
        default:
            break
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            let list = allowed.map(Self.render).joined(separator: ", ")
            add("FieldValueNotSupported", path, "Unsupported value: \(Self.render(value)): supported values: \(list)")
        }
        for rule in schema["x-kubernetes-validations"]?.arrayValue ?? [] {
            pendingRules.append(PendingRule(rule: rule, value: result, schema: schema, path: path, old: old))
        }
        return result
    }

    private mutating func visitObject(
        _ members: [String: JSON], schema: JSON, path: String, old: JSON?, preserveUnknown: Bool
    ) -> JSON {
        let properties = schema["properties"]?.objectValue ?? [:]
        let additional = schema["additionalProperties"]
        var result: [String: JSON] = [:]
        for (key, member) in members {
            if let propertySchema = properties[key] {
                result[key] = visit(member, schema: propertySchema, path: Self.join(path, key), old: old?[key])
            } else if let additional, additional.objectValue != nil {
                result[key] = visit(member, schema: additional, path: Self.join(path, key), old: old?[key])
            } else if preserveUnknown || additional?.boolValue == true {
                result[key] = member
            } else {
                prunedFields.append(Self.join(path, key))
            }
        }
        for (key, propertySchema) in properties where result[key] == nil {
            if let defaultValue = propertySchema["default"] { result[key] = defaultValue }
        }
        for required in schema["required"]?.arrayValue ?? [] {
            if let key = required.stringValue, result[key] == nil {
                add("FieldValueRequired", Self.join(path, key), "Required value")
            }
        }
        return .object(result)
    }

    private mutating func checkString(_ string: String, schema: JSON, path: String) {
        let length = string.unicodeScalars.count
        if let maxLength = schema["maxLength"]?.intValue, length > maxLength {
            add("FieldValueTooLong", path, "Too long: may not be more than \(maxLength) bytes")
        }
        if let minLength = schema["minLength"]?.intValue, length < minLength {
            add("FieldValueInvalid", path, "Invalid value: \(Self.render(.string(string))): \(path) in body should be at least \(minLength) chars long")
        }
        if let pattern = schema["pattern"]?.stringValue {
            if let regex = try? Regex(pattern), (try? regex.firstMatch(in: string)) == nil {
                add("FieldValueInvalid", path, "Invalid value: \(Self.render(.string(string))): \(path) in body should match '\(pattern)'")
            }
        }
        if let format = schema["format"]?.stringValue, !Self.matchesFormat(string, format) {
            add("FieldValueInvalid", path, "Invalid value: \(Self.render(.string(string))): \(path) in body must be of type \(format): \(Self.render(.string(string)))")
        }
    }

    private mutating func checkNumber(_ value: JSON, schema: JSON, path: String) {
        guard let number = value.doubleValue else { return }
        let exclusiveMinimum = schema["exclusiveMinimum"]?.boolValue == true
        let exclusiveMaximum = schema["exclusiveMaximum"]?.boolValue == true
        if let minimum = schema["minimum"]?.doubleValue, exclusiveMinimum ? number <= minimum : number < minimum {
            let bound = Self.render(schema["minimum"] ?? .null)
            let relation = exclusiveMinimum ? "greater than" : "greater than or equal to"
            add("FieldValueInvalid", path, "Invalid value: \(Self.render(value)): \(path) in body should be \(relation) \(bound)")
        }
        if let maximum = schema["maximum"]?.doubleValue, exclusiveMaximum ? number >= maximum : number > maximum {
            let bound = Self.render(schema["maximum"] ?? .null)
            let relation = exclusiveMaximum ? "less than" : "less than or equal to"
            add("FieldValueInvalid", path, "Invalid value: \(Self.render(value)): \(path) in body should be \(relation) \(bound)")
        }
    }

    private mutating func checkRule(_ rule: JSON, value: JSON, schema: JSON, path: String, old: JSON?) {
        guard let expression = rule["rule"]?.stringValue else { return }
        if CEL.isTransitionRule(expression), old == nil { return }
        let message: String
        switch CEL.evaluate(expression, self: value, oldSelf: old) {
        case .passed:
            return
        case .unsupported:
            unsupportedRules.insert(expression)
            return
        case .failed:
            message = rule["message"]?.stringValue ?? "failed rule: \(expression)"
        case .error(let problem):
            message = "\(problem) evaluating rule: \(rule["message"]?.stringValue ?? expression)"
        }
        let field = rule["fieldPath"]?.stringValue.map { Self.join(path, String($0.drop { $0 == "." })) } ?? path
        let typeName = schema["type"]?.stringValue ?? value.typeName
        add(rule["reason"]?.stringValue ?? "FieldValueInvalid", field, "Invalid value: \"\(typeName)\": \(message)")
    }

    // MARK: - Helpers

    private static func hasType(_ value: JSON, _ type: String) -> Bool {
        switch type {
        case "object": return value.objectValue != nil
        case "array": return value.arrayValue != nil
        case "string": return value.stringValue != nil
        case "boolean": return value.boolValue != nil
        case "integer": return value.intValue != nil
        case "number": return value.doubleValue != nil
        default: return true
        }
    }

    /// Renders a value like Go's `%q`/`%v` in field errors.
    static func render(_ value: JSON) -> String {
        switch value {
        case .string(let string): return JSON.string(string).serialized()
        case .int(let number): return String(number)
        case .double(let number): return number.rounded() == number ? String(Int64(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .object: return "\"object\""
        case .array: return "\"array\""
        }
    }

    static func matchesFormat(_ string: String, _ format: String) -> Bool {
        switch format {
        case "ipv4": return isIPv4(string)
        case "ipv6": return isIPv6(string)
        case "ip": return isIP(string)
        case "cidr": return isCIDR(string)
        default: return true
        }
    }

    static func isIPv4(_ string: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, string, &address) == 1
    }

    static func isIPv6(_ string: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, string, &address) == 1
    }

    static func isIP(_ string: String) -> Bool { isIPv4(string) || isIPv6(string) }

    static func isCIDR(_ string: String) -> Bool {
        let parts = string.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), parts[1].allSatisfy(\.isNumber) else { return false }
        let address = String(parts[0])
        if isIPv4(address) { return (0...32).contains(length) }
        if isIPv6(address) { return (0...128).contains(length) }
        return false
    }
}
