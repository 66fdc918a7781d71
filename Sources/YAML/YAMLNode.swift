// The node tree of one YAML document: scalars, mappings in document order and sequences, aliases resolved.

/// A position in the YAML text, both counted from 1.
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    /// The line, from 1.
    public let line: Int
    /// The column, from 1.
    public let column: Int

    /// Creates a mark.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// One node of a composed YAML document. Aliases are replaced by the node their anchor names.
public indirect enum YAMLNode: Sendable {
    /// A single value, as written (`plain`, `'single'`, `"double"`, `|` literal or `>` folded).
    case scalar(Scalar)
    /// Key/value pairs in document order; keys are unique (duplicates are a composing error).
    case mapping(Mapping)
    /// A list.
    case sequence([YAMLNode])

    /// A scalar value with its presentation.
    public struct Scalar: Sendable {
        /// How a scalar was written.
        public enum Style: Sendable, Hashable {
            case plain, singleQuoted, doubleQuoted, literal, folded
        }

        /// The value after YAML's quoting, escaping and folding rules.
        public let string: String
        /// How the value was written.
        public let style: Style
        /// The explicit tag (`!!str` arrives as `tag:yaml.org,2002:str`), or `nil` when none was written.
        public let tag: String?
        /// Where the value starts.
        public let mark: YAMLMark

        /// Creates a scalar.
        public init(_ string: String, style: Style = .plain, tag: String? = nil, mark: YAMLMark = YAMLMark(line: 1, column: 1)) {
            self.string = string
            self.style = style
            self.tag = tag
            self.mark = mark
        }

        /// Whether this is a plain `null`, `~` or empty value, which YAML reads as null.
        public var isNull: Bool {
            style == .plain && tag == nil && ["", "~", "null", "Null", "NULL"].contains(string)
        }
    }

    /// The pairs of a mapping, in document order.
    public struct Mapping: Sendable, RandomAccessCollection {
        /// The pairs in document order.
        public let pairs: [(key: YAMLNode, value: YAMLNode)]
        /// Where the mapping starts.
        public let mark: YAMLMark

        /// Creates a mapping.
        public init(_ pairs: [(key: YAMLNode, value: YAMLNode)], mark: YAMLMark = YAMLMark(line: 1, column: 1)) {
            self.pairs = pairs
            self.mark = mark
        }

        public var startIndex: Int { pairs.startIndex }
        public var endIndex: Int { pairs.endIndex }
        public subscript(position: Int) -> (key: YAMLNode, value: YAMLNode) { pairs[position] }

        /// The value of the last pair whose key is the scalar `key`.
        public subscript(key: String) -> YAMLNode? {
            pairs.last { $0.key.scalar?.string == key }?.value
        }
    }

    /// The scalar, if this node is one.
    public var scalar: Scalar? {
        if case .scalar(let scalar) = self { scalar } else { nil }
    }

    /// Where the node starts.
    public var mark: YAMLMark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(let mapping): mapping.mark
        case .sequence(let items): items.first?.mark ?? YAMLMark(line: 1, column: 1)
        }
    }
}
