// Why a YAML text could not be composed: libyaml's reader, scanner or parser error, or a composing error.

/// A YAML text that cannot be read, with libyaml's words and position.
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    /// The stage that failed.
    public enum Kind: String, Sendable {
        /// The bytes are not acceptable YAML input (e.g. control characters).
        case reader
        /// The tokens are malformed (e.g. a tab for indentation, an unclosed quote).
        case scanner
        /// The structure is malformed (e.g. an unclosed `[`).
        case parser
        /// Well-formed but not one document (an undefined alias, a second document).
        case composer
        /// A mapping names the same key twice.
        case duplicateKeys
        /// libyaml could not allocate memory.
        case memory
    }

    /// The stage that failed.
    public let kind: Kind
    /// libyaml's description of the problem (`did not find expected ',' or ']'`).
    public let problem: String
    /// Where the problem is.
    public let mark: YAMLMark
    /// What libyaml was reading when it failed (`while parsing a flow sequence`) and where that began.
    public let context: (text: String, mark: YAMLMark)?
    /// For ``Kind/duplicateKeys``: the repeated keys, sorted.
    public let duplicateKeys: [String]
    /// The source text, for the snippet in ``description``.
    let yaml: String

    init(
        _ kind: Kind, problem: String, mark: YAMLMark, context: (text: String, mark: YAMLMark)? = nil,
        duplicateKeys: [String] = [], yaml: String
    ) {
        self.kind = kind
        self.problem = problem
        self.mark = mark
        self.context = context
        self.duplicateKeys = duplicateKeys
        self.yaml = yaml
    }

    /// `line:column: error: stage: problem:` followed by the offending line and a caret under the column.
    public var description: String {
        switch kind {
        case .memory:
            return "Memory error"
        case .duplicateKeys:
            let keys = duplicateKeys.map { "'\($0)'" }.joined(separator: ", ")
            return "Parser: expected all keys to be unique but found the following duplicated key(s): \(keys).\n"
                + "Context:\n" + "\(problem) in line \(mark.line), column \(mark.column)\n"
        case .reader, .scanner, .parser, .composer:
            let contextText = context.map { "\($0.text) in line \($0.mark.line), column \($0.mark.column)\n" } ?? ""
            return "\(mark): error: \(kind.rawValue): \(contextText)\(problem):\n" + snippet()
        }
    }

    /// The line of ``mark`` and a caret under its column.
    private func snippet() -> String {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let line = mark.line - 1 < lines.count && mark.line >= 1 ? String(lines[mark.line - 1]) : ""
        return line + "\n" + String(repeating: " ", count: max(0, min(mark.column - 1, line.count))) + "^"
    }
}
