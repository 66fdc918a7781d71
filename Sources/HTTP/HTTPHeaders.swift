// An ordered list of HTTP header fields with case-insensitive name lookup.

/// HTTP header fields in the order they were added.
///
/// Names compare case-insensitively (`content-type` finds `Content-Type`) and a name may occur more than
/// once; ``values(for:)`` returns every value of a name in order.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field as added or as received.
    public struct Field: Sendable, Hashable {
        /// The name as spelled by whoever added it.
        public var name: String
        /// The value without surrounding whitespace.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    /// Creates an empty header list.
    public init() {
        fields = []
    }

    /// Creates headers from `(name, value)` pairs, keeping their order and duplicates.
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Creates headers from a dictionary literal, keeping the literal's order.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of fields (a repeated name counts once per occurrence).
    public var count: Int { fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// Appends a field, keeping any earlier field of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field called `name` and appends one with `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field called `name` (case-insensitively).
    public mutating func remove(name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Whether a field called `name` exists (case-insensitively).
    public func contains(name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Every value of the fields called `name`, in order; empty when there is none.
    public func values(for name: String) -> [String] {
        fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// The first value of the fields called `name`, or `nil`.
    public func first(name: String) -> String? {
        fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// The first value of the fields called `name`, or `nil`; the same as ``first(name:)``.
    public subscript(name: String) -> String? {
        first(name: name)
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }

    /// The field names with values of credentials replaced by `<redacted>`, one `name: value` per line.
    public var description: String {
        fields.map { field in
            "\(field.name): \(HTTPHeaders.isSensitive(field.name) ? "<redacted>" : field.value)"
        }.joined(separator: "\n")
    }

    /// Whether the value of a header called `name` is a credential that must never reach a log
    /// (`Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, phpIPAM's `token` and `phpipam-token`,
    /// and any name containing `token`, `secret`, `password` or `api-key`).
    public static func isSensitive(_ name: String) -> Bool {
        let lowered = name.lowercased()
        let exact: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]
        if exact.contains(lowered) { return true }
        return ["token", "secret", "password", "api-key", "apikey"].contains { lowered.contains($0) }
    }

    /// Appends `text` to the value of the last field (for folded header lines).
    mutating func appendToLastValue(_ text: String) {
        guard !fields.isEmpty else { return }
        fields[fields.count - 1].value += text
    }

    /// Header names are ASCII, so an ASCII case-insensitive comparison is exact.
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs.lowercased() == rhs.lowercased()
    }
}
