// LabelSelector: matchLabels + matchExpressions, a pure matcher and the query-string form.

/// A label selector (`metav1.LabelSelector`). All requirements must hold (AND).
///
/// An empty selector matches every object (as in Deployments and StaticRoute `nodeSelector`);
/// whether a *missing* selector means "all" or "none" is the caller's decision.
public struct LabelSelector: Sendable, Hashable, Codable {
    /// Exact `key: value` matches.
    public var matchLabels: [String: String]
    /// Set-based requirements.
    public var matchExpressions: [LabelSelectorRequirement]

    /// A selector from equality and set-based requirements.
    public init(matchLabels: [String: String] = [:], matchExpressions: [LabelSelectorRequirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Whether the selector has no requirements (and so matches everything).
    public var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    /// Whether `labels` satisfy every requirement.
    public func matches(labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        return matchExpressions.allSatisfy { $0.matches(labels: labels) }
    }

    /// The `labelSelector` query value (`a=b,tier in (x,y),!legacy`), deterministic: equality
    /// requirements first sorted by key, then expressions in order with sorted values.
    public var queryString: String {
        let equalities = matchLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return (equalities + matchExpressions.map(\.queryString)).joined(separator: ",")
    }

    private enum CodingKeys: String, CodingKey {
        case matchLabels, matchExpressions
    }

    /// Decodes a selector; absent members become empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        matchLabels = try container.decodeIfPresent([String: String].self, forKey: .matchLabels) ?? [:]
        matchExpressions =
            try container.decodeIfPresent([LabelSelectorRequirement].self, forKey: .matchExpressions) ?? []
    }

    /// Encodes a selector, omitting empty members.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !matchLabels.isEmpty { try container.encode(matchLabels, forKey: .matchLabels) }
        if !matchExpressions.isEmpty { try container.encode(matchExpressions, forKey: .matchExpressions) }
    }
}

/// One set-based requirement of a `LabelSelector`.
public struct LabelSelectorRequirement: Sendable, Hashable, Codable {
    /// The comparison.
    public enum Operator: String, Sendable, Hashable, Codable {
        /// The label is present and its value is one of `values`.
        case `in` = "In"
        /// The label is absent, or present with a value not in `values`.
        case notIn = "NotIn"
        /// The label is present (any value).
        case exists = "Exists"
        /// The label is absent.
        case doesNotExist = "DoesNotExist"
    }

    /// The label key.
    public var key: String
    /// The comparison.
    public var `operator`: Operator
    /// The values for `In` and `NotIn`; empty for `Exists` and `DoesNotExist`.
    public var values: [String]

    /// A requirement on `key`.
    public init(key: String, operator: Operator, values: [String] = []) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    /// Whether `labels` satisfy this requirement.
    public func matches(labels: [String: String]) -> Bool {
        switch self.operator {
        case .in:
            guard let value = labels[key] else { return false }
            return values.contains(value)
        case .notIn:
            guard let value = labels[key] else { return true }
            return !values.contains(value)
        case .exists:
            return labels[key] != nil
        case .doesNotExist:
            return labels[key] == nil
        }
    }

    /// The query form: `key in (a,b)`, `key notin (a,b)`, `key`, `!key`.
    public var queryString: String {
        let list = values.sorted().joined(separator: ",")
        switch self.operator {
        case .in: return "\(key) in (\(list))"
        case .notIn: return "\(key) notin (\(list))"
        case .exists: return key
        case .doesNotExist: return "!\(key)"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case key
        case `operator`
        case values
    }

    /// Decodes a requirement; absent `values` become empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        self.operator = try container.decode(Operator.self, forKey: .operator)
        values = try container.decodeIfPresent([String].self, forKey: .values) ?? []
    }

    /// Encodes a requirement, omitting empty `values`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(self.operator, forKey: .operator)
        if !values.isEmpty { try container.encode(values, forKey: .values) }
    }
}

/// A field selector: `field=value` / `field!=value` requirements joined by commas (AND).
///
/// `metadata.name` and `metadata.namespace` work on every resource, including custom resources.
public struct FieldSelector: Sendable, Hashable, CustomStringConvertible {
    /// One requirement.
    public struct Requirement: Sendable, Hashable {
        /// The field path, e.g. `metadata.name`.
        public var field: String
        /// `true` for `=`, `false` for `!=`.
        public var equals: Bool
        /// The compared value (escaped on output).
        public var value: String

        /// A requirement on `field`.
        public init(field: String, equals: Bool, value: String) {
            self.field = field
            self.equals = equals
            self.value = value
        }
    }

    /// The requirements, all of which must hold.
    public var requirements: [Requirement]

    /// A selector from requirements.
    public init(_ requirements: [Requirement]) { self.requirements = requirements }

    /// `metadata.name=<name>`: exactly one object (what the agent watches).
    public static func name(_ name: String) -> FieldSelector {
        FieldSelector([Requirement(field: "metadata.name", equals: true, value: name)])
    }

    /// `metadata.namespace=<namespace>`.
    public static func namespace(_ namespace: String) -> FieldSelector {
        FieldSelector([Requirement(field: "metadata.namespace", equals: true, value: namespace)])
    }

    /// The `fieldSelector` query value; `\`, `,` and `=` in values are backslash-escaped.
    public var queryString: String {
        requirements.map { requirement in
            let escaped = requirement.value.reduce(into: "") { text, character in
                if character == "\\" || character == "," || character == "=" { text.append("\\") }
                text.append(character)
            }
            return requirement.field + (requirement.equals ? "=" : "!=") + escaped
        }.joined(separator: ",")
    }

    /// The query value.
    public var description: String { queryString }
}
