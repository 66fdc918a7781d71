// A failed SQLite call: its result code and SQLite's message.

/// SQLite's primary result codes that callers look at.
public enum SQLiteResultCode {
    /// Another connection holds the lock longer than the busy timeout.
    public static let busy: Int32 = 5
    /// The library was used wrongly (e.g. a column the statement does not return).
    public static let misuse: Int32 = 21
    /// A value of another type than the caller expects.
    public static let mismatch: Int32 = 20
}

/// A failed SQLite call.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// SQLite's extended result code (`code & 0xff` is the primary code, e.g. ``SQLiteResultCode/busy``).
    public let code: Int32
    /// SQLite's message (`sqlite3_errmsg`), e.g. `unable to open database file`.
    public let message: String

    /// Creates an error.
    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// The primary result code.
    public var primaryCode: Int32 { code & 0xff }

    /// `SQLite error CODE: message`.
    public var description: String { "SQLite error \(code): \(message)" }
}
