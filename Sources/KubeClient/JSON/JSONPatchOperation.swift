// JSON patch (RFC 6902) operations and JSON pointers (RFC 6901) with escaping.

/// A JSON pointer (RFC 6901) such as `/metadata/finalizers/0`, built from unescaped reference tokens.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The unescaped reference tokens, outermost first (`["metadata", "labels", "a/b"]`).
    public var tokens: [String]

    /// A pointer from unescaped tokens; `[]` is the whole document.
    public init(_ tokens: [String]) { self.tokens = tokens }

    /// A pointer from unescaped tokens written as an array literal.
    public init(arrayLiteral elements: String...) { self.tokens = elements }

    /// Parses the escaped string form (`"/metadata/labels/a~1b"`).
    ///
    /// - Returns: `nil` when the string is neither empty nor starts with `/`.
    public init?(parsing string: String) {
        if string.isEmpty {
            tokens = []
            return
        }
        guard string.hasPrefix("/") else { return nil }
        tokens = string.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            JSONPointer.unescape(String($0))
        }
    }

    /// This pointer with one more token appended (use `"-"` for "after the last array element").
    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens + [token]) }

    /// This pointer with an array index appended.
    public func appending(index: Int) -> JSONPointer { appending(String(index)) }

    /// The escaped string form: `~` becomes `~0`, `/` becomes `~1`.
    public var description: String {
        tokens.map { "/" + JSONPointer.escape($0) }.joined()
    }

    /// Escapes one reference token (`~` → `~0`, then `/` → `~1`).
    public static func escape(_ token: String) -> String {
        token.replacing("~", with: "~0").replacing("/", with: "~1")
    }

    /// Unescapes one reference token (`~1` → `/`, then `~0` → `~`).
    public static func unescape(_ token: String) -> String {
        token.replacing("~1", with: "/").replacing("~0", with: "~")
    }
}

/// One JSON patch (RFC 6902) operation; a patch is an array of them, applied atomically.
public enum JSONPatchOperation: Sendable, Hashable {
    /// Adds `value` at `path` (an array index inserts; `-` appends).
    case add(path: JSONPointer, value: JSONValue)
    /// Removes the value at `path`.
    case remove(path: JSONPointer)
    /// Replaces the value at `path`, which must exist.
    case replace(path: JSONPointer, value: JSONValue)
    /// Fails the whole patch unless the value at `path` equals `value`; `null` also matches a missing
    /// member on kube-apiserver. Gives lost-update safety.
    case test(path: JSONPointer, value: JSONValue)

    /// The operation name as written on the wire (`"add"`, `"remove"`, `"replace"`, `"test"`).
    public var op: String {
        switch self {
        case .add: "add"
        case .remove: "remove"
        case .replace: "replace"
        case .test: "test"
        }
    }

    /// The target location.
    public var path: JSONPointer {
        switch self {
        case .add(let path, _), .remove(let path), .replace(let path, _), .test(let path, _): path
        }
    }

    /// The operand, for every operation except `remove`.
    public var value: JSONValue? {
        switch self {
        case .add(_, let value), .replace(_, let value), .test(_, let value): value
        case .remove: nil
        }
    }
}

extension JSONPatchOperation: Codable {
    private enum CodingKeys: String, CodingKey {
        case op, path, value
    }

    /// Decodes `{"op": …, "path": …, "value": …}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let op = try container.decode(String.self, forKey: .op)
        let rawPath = try container.decode(String.self, forKey: .path)
        guard let path = JSONPointer(parsing: rawPath) else {
            throw DecodingError.dataCorruptedError(
                forKey: .path, in: container, debugDescription: "JSON pointer must start with '/': \(rawPath)")
        }
        let value = try container.decodeIfPresent(JSONValue.self, forKey: .value) ?? .null
        switch op {
        case "add": self = .add(path: path, value: value)
        case "remove": self = .remove(path: path)
        case "replace": self = .replace(path: path, value: value)
        case "test": self = .test(path: path, value: value)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .op, in: container, debugDescription: "unsupported JSON patch operation \(op)")
        }
    }

    /// Encodes the operation; `value` is written even when it is `null` (a `test` against `null`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(op, forKey: .op)
        try container.encode(path.description, forKey: .path)
        if let value { try container.encode(value, forKey: .value) }
    }
}
