// Label selectors (=, ==, !=, in, notin, exists, !exists) and field selectors (metadata.name, metadata.namespace).

/// A parsed `labelSelector` query parameter; every requirement must hold.
struct LabelSelector: Sendable, Equatable {
    enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement]

    /// Parses the string form, e.g. `app=web,tier in (a,b),!legacy`.
    static func parse(_ text: String) -> Result<LabelSelector, APIError> {
        var requirements: [Requirement] = []
        for term in splitTopLevel(text) {
            let trimmed = term.trimmingSpaces()
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("!") {
                requirements.append(.doesNotExist(String(trimmed.dropFirst()).trimmingSpaces()))
            } else if let range = trimmed.range(of: " notin ") ?? trimmed.range(of: " in ") {
                let key = String(trimmed[..<range.lowerBound]).trimmingSpaces()
                let isNotIn = trimmed[range].contains("notin")
                var values = String(trimmed[range.upperBound...]).trimmingSpaces()
                guard values.hasPrefix("("), values.hasSuffix(")") else {
                    return .failure(.badRequest("unable to parse requirement: found '\(values)', expected: '('"))
                }
                values = String(values.dropFirst().dropLast())
                let set = Set(values.split(separator: ",").map { String($0).trimmingSpaces() })
                requirements.append(isNotIn ? .notIn(key, set) : .isIn(key, set))
            } else if let range = trimmed.range(of: "!=") {
                requirements.append(.notEquals(String(trimmed[..<range.lowerBound]).trimmingSpaces(),
                                               String(trimmed[range.upperBound...]).trimmingSpaces()))
            } else if let range = trimmed.range(of: "==") ?? trimmed.range(of: "=") {
                requirements.append(.equals(String(trimmed[..<range.lowerBound]).trimmingSpaces(),
                                            String(trimmed[range.upperBound...]).trimmingSpaces()))
            } else {
                requirements.append(.exists(trimmed))
            }
        }
        return .success(LabelSelector(requirements: requirements))
    }

    /// Whether labels satisfy every requirement.
    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .isIn(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return !(labels[key].map(values.contains) ?? false)
            case .exists(let key): return labels[key] != nil
            case .doesNotExist(let key): return labels[key] == nil
            }
        }
    }

    /// Splits on commas that are not inside parentheses.
    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == ",", depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}

/// A parsed `fieldSelector`: `metadata.name` and `metadata.namespace` with `=`, `==`, `!=`.
struct FieldSelector: Sendable, Equatable {
    struct Requirement: Sendable, Equatable {
        var field: String
        var value: String
        var negated: Bool
    }

    var requirements: [Requirement]

    static let supportedFields: Set<String> = ["metadata.name", "metadata.namespace"]

    /// Parses `metadata.name=x,metadata.namespace!=y`; other fields give the real server's 400.
    static func parse(_ text: String, resource: ResourceType) -> Result<FieldSelector, APIError> {
        var requirements: [Requirement] = []
        for term in text.split(separator: ",") {
            let trimmed = String(term).trimmingSpaces()
            if trimmed.isEmpty { continue }
            let negated: Bool
            let separator: Range<String.Index>
            if let range = trimmed.range(of: "!=") {
                negated = true
                separator = range
            } else if let range = trimmed.range(of: "==") ?? trimmed.range(of: "=") {
                negated = false
                separator = range
            } else {
                return .failure(.badRequest("invalid selector: '\(text)'; can't understand '\(trimmed)'"))
            }
            let field = String(trimmed[..<separator.lowerBound]).trimmingSpaces()
            guard supportedFields.contains(field) else {
                return .failure(.badRequest("field label not supported: \(field)"))
            }
            requirements.append(Requirement(field: field, value: String(trimmed[separator.upperBound...]).trimmingSpaces(),
                                            negated: negated))
        }
        return .success(FieldSelector(requirements: requirements))
    }

    /// Whether the object's metadata satisfies every requirement.
    func matches(_ object: JSON) -> Bool {
        requirements.allSatisfy { requirement in
            let path = requirement.field.split(separator: ".").map(String.init)
            let actual = object.value(at: path)?.stringValue ?? ""
            return (actual == requirement.value) != requirement.negated
        }
    }
}

/// The label and field selectors of a list or watch request.
struct ObjectFilter: Sendable {
    var namespace: String?
    var labels: LabelSelector?
    var fields: FieldSelector?

    func matches(_ object: JSON) -> Bool {
        if let namespace, object["metadata"]?["namespace"]?.stringValue != namespace { return false }
        if let labels {
            let objectLabels = (object["metadata"]?["labels"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
            if !labels.matches(objectLabels) { return false }
        }
        if let fields, !fields.matches(object) { return false }
        return true
    }
}

extension String {
    /// The string without leading and trailing spaces.
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
