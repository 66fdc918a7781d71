// Walks a YAML node tree, tracking YAML paths and collecting every problem instead of stopping at the first;
// backends read their own configuration section with it.
internal import YAML

/// A YAML node together with the path that leads to it (`ipam.local.zones.dal10[0]`).
public struct YAMLValue {
    let node: YAMLNode
    /// Where the value sits in the document, e.g. `ipam.local.zones.dal10[0]`; empty for the document itself.
    public let path: String

    init(node: YAMLNode, path: String) {
        self.node = node
        self.path = path
    }

    /// The path of the child `key` of this mapping.
    public func path(ofKey key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Whether the node is an explicit YAML null (`key:` with no value, `~`, `null`).
    public var isNull: Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// Whether the node is a single value (a scalar, null included) rather than a mapping or a list.
    public var isScalar: Bool {
        if case .scalar = node { return true }
        return false
    }

    /// A short name for the kind of node, for "expected X, found Y" messages.
    public var kindName: String {
        switch node {
        case .scalar: "a single value"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}

/// The entries of a YAML mapping whose keys were checked against the allowed ones.
public struct YAMLMapping {
    /// The mapping itself (for its path).
    public let value: YAMLValue
    /// The entries in document order; unknown keys are already reported and left out.
    public let entries: [(key: String, value: YAMLValue)]

    /// The value of `key`, unless absent or null.
    public subscript(key: String) -> YAMLValue? {
        entries.first { $0.key == key && !$0.value.isNull }?.value
    }

    /// Whether `key` is present with a non-null value.
    public func has(_ key: String) -> Bool { self[key] != nil }
}

/// Collects configuration problems while reading typed values out of YAML nodes.
public struct YAMLReader {
    /// Every problem reported so far, in the order reported.
    public private(set) var problems: [ConfigurationProblem] = []

    /// Creates a reader with no problems yet.
    public init() {}

    /// Records a problem at `path`.
    public mutating func report(_ path: String, _ message: String) {
        problems.append(ConfigurationProblem(path: path, message: message))
    }

    /// Reads a mapping whose keys must be among `allowed`; reports every other key, with a suggestion.
    public mutating func mapping(_ value: YAMLValue, allowed: [String]) -> YAMLMapping? {
        guard case .mapping(let mapping) = value.node else {
            report(value.path, "expected a mapping of \(allowed.joined(separator: ", ")), found \(value.kindName)")
            return nil
        }
        var entries: [(key: String, value: YAMLValue)] = []
        for (keyNode, child) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                report(value.path, "keys must be plain names, found \(YAMLValue(node: keyNode, path: "").kindName) as a key")
                continue
            }
            let key = keyScalar.string
            let childValue = YAMLValue(node: child, path: value.path(ofKey: key))
            guard allowed.contains(key) else {
                report(childValue.path, "unknown key\(Self.suggestion(for: key, among: allowed)); allowed keys here: \(allowed.joined(separator: ", "))")
                continue
            }
            entries.append((key, childValue))
        }
        return YAMLMapping(value: value, entries: entries)
    }

    /// Reads a mapping with free-form keys (zone names), in document order.
    public mutating func namedEntries(_ value: YAMLValue, describing what: String) -> [(name: String, value: YAMLValue)]? {
        guard case .mapping(let mapping) = value.node else {
            report(value.path, "expected a mapping of \(what), found \(value.kindName)")
            return nil
        }
        var entries: [(name: String, value: YAMLValue)] = []
        for (keyNode, child) in mapping {
            guard case .scalar(let keyScalar) = keyNode, !keyScalar.string.isEmpty else {
                report(value.path, "every key must be a non-empty name")
                continue
            }
            entries.append((keyScalar.string, YAMLValue(node: child, path: value.path(ofKey: keyScalar.string))))
        }
        return entries
    }

    /// Reads a list; its elements carry `path[index]`.
    public mutating func sequence(_ value: YAMLValue, describing what: String) -> [YAMLValue]? {
        guard case .sequence(let sequence) = value.node else {
            report(value.path, "expected a list of \(what), found \(value.kindName)")
            return nil
        }
        return sequence.enumerated().map { YAMLValue(node: $1, path: "\(value.path)[\($0)]") }
    }

    /// Reads a non-empty single value as text (numbers and booleans included, as written).
    public mutating func string(_ value: YAMLValue, describing what: String) -> String? {
        guard case .scalar(let scalar) = value.node else {
            report(value.path, "expected \(what), found \(value.kindName)")
            return nil
        }
        guard !scalar.string.isEmpty else {
            report(value.path, "is empty; set it to \(what)")
            return nil
        }
        return scalar.string
    }

    /// Reads `true` or `false`.
    public mutating func bool(_ value: YAMLValue) -> Bool? {
        guard case .scalar(let scalar) = value.node else {
            report(value.path, "expected true or false, found \(value.kindName)")
            return nil
        }
        switch scalar.string {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            report(value.path, "expected true or false, found \(scalar.string)")
            return nil
        }
    }

    /// Reads a positive decimal integer (quoted or not).
    public mutating func positiveInteger(_ value: YAMLValue, describing what: String) -> Int? {
        guard case .scalar(let scalar) = value.node else {
            report(value.path, "expected \(what), found \(value.kindName)")
            return nil
        }
        let text = scalar.string
        guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let number = Int(text), number > 0
        else {
            report(value.path, "expected \(what), found \(text.isEmpty ? "nothing" : text)")
            return nil
        }
        return number
    }

    /// Reads a duration such as `30s`, `5m` or `1h30m`.
    public mutating func duration(_ value: YAMLValue) -> Duration? {
        guard let text = string(value, describing: "a duration such as 30s or 5m") else { return nil }
        guard let duration = Duration(configurationText: text) else {
            report(value.path, "\"\(text)\" is not a duration; write a whole number followed by ms, s, m or h, e.g. 30s, 5m or 1h30m")
            return nil
        }
        return duration
    }

    /// Reports that the required `key` of `mapping` is missing; `hint` says what to set it to.
    public mutating func reportMissing(_ key: String, in mapping: YAMLMapping, hint: String) {
        report(mapping.value.path(ofKey: key), "is required; \(hint)")
    }

    /// ` (did you mean X?)` when an allowed key is within two edits of `key`, ignoring case.
    private static func suggestion(for key: String, among allowed: [String]) -> String {
        let lowered = Array(key.lowercased())
        let best = allowed
            .map { ($0, editDistance(lowered, Array($0.lowercased()))) }
            .min { $0.1 < $1.1 }
        guard let (candidate, distance) = best, distance <= 2 || lowered.count > 3 && Array(candidate.lowercased()).starts(with: lowered) else {
            return ""
        }
        return " (did you mean \(candidate)?)"
    }

    /// Levenshtein distance between two short strings.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
