// One SQLite connection: opening with WAL, busy timeout and foreign keys; statements with bound arguments.
private import CSQLite

/// One connection to a database file.
///
/// Not for concurrent use: ``DatabasePool`` hands each connection to one thread at a time.
// Safety of @unchecked Sendable: the connection moves between threads but is used by one at a time — the
// pool's writer only on the pool's serial writer queue, a reader only between its checkout and return.
public final class Database: @unchecked Sendable {
    private let connection: OpaquePointer

    /// Opens (creating if needed) `path` in WAL mode with `busyTimeout`, foreign keys on and
    /// `synchronous = NORMAL`, as GRDB's `DatabasePool` did; `readOnly` connections also set `query_only`.
    init(path: String, busyTimeout: Duration, readOnly: Bool) throws(DatabaseError) {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(handle)
            throw DatabaseError(code: code, message: message)
        }
        connection = handle
        sqlite3_extended_result_codes(connection, 1)
        let (seconds, attoseconds) = busyTimeout.components
        sqlite3_busy_timeout(connection, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        try execute(sql: "PRAGMA foreign_keys = ON")
        if readOnly {
            try execute(sql: "PRAGMA query_only = ON")
        } else {
            let mode: String? = try fetchOne(sql: "PRAGMA journal_mode = WAL").map { row throws(DatabaseError) in try row["journal_mode"] }
            guard mode == "wal" else { throw DatabaseError(code: SQLITE_ERROR, message: "could not activate WAL mode at path: \(path)") }
            try execute(sql: "PRAGMA synchronous = NORMAL")
        }
    }

    deinit { sqlite3_close_v2(connection) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changesCount: Int { Int(sqlite3_changes(connection)) }

    /// The rowid of the last INSERT.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(connection) }

    /// Runs `sql`: one statement with `arguments`, or, without arguments, any number of statements.
    public func execute(sql: String, arguments: StatementArguments = []) throws(DatabaseError) {
        if arguments.values.isEmpty {
            guard sqlite3_exec(connection, sql, nil, nil, nil) == SQLITE_OK else { throw lastError() }
            return
        }
        try withStatement(sql, arguments) { (statement) throws(DatabaseError) in
            while try step(statement) {}
        }
    }

    /// Every row `sql` returns.
    public func fetchAll(sql: String, arguments: StatementArguments = []) throws(DatabaseError) -> [Row] {
        try withStatement(sql, arguments) { (statement) throws(DatabaseError) -> [Row] in
            var rows: [Row] = []
            while try step(statement) { rows.append(row(of: statement)) }
            return rows
        }
    }

    /// The first column of the first row `sql` returns, if any and not NULL (`SELECT COUNT(*) …`).
    public func fetchValue<T: DatabaseValueConvertible>(_ type: T.Type, sql: String, arguments: StatementArguments = []) throws(DatabaseError) -> T? {
        guard let value = try fetchOne(sql: sql, arguments: arguments)?.values.first, value != .null else { return nil }
        guard let converted = T(databaseValue: value) else {
            throw DatabaseError(code: SQLITE_MISMATCH, message: "\(sql) returned \(value), not \(T.self)")
        }
        return converted
    }

    /// The first row `sql` returns, if any.
    public func fetchOne(sql: String, arguments: StatementArguments = []) throws(DatabaseError) -> Row? {
        try withStatement(sql, arguments) { (statement) throws(DatabaseError) -> Row? in
            try step(statement) ? row(of: statement) : nil
        }
    }

    // MARK: - Transactions

    /// Runs `body` in `BEGIN IMMEDIATE` … `COMMIT`, rolling back when it throws.
    public func inImmediateTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute(sql: "BEGIN IMMEDIATE TRANSACTION")
        do {
            let result = try body()
            try execute(sql: "COMMIT TRANSACTION")
            return result
        } catch {
            try? execute(sql: "ROLLBACK TRANSACTION")
            throw error
        }
    }

    /// Runs `body` in one read transaction, so that every query sees the same snapshot.
    func inReadTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute(sql: "BEGIN DEFERRED TRANSACTION")
        defer { try? execute(sql: "COMMIT TRANSACTION") }
        return try body()
    }

    // MARK: - Statements

    private func withStatement<T>(
        _ sql: String, _ arguments: StatementArguments, _ body: (OpaquePointer) throws(DatabaseError) -> T
    ) throws(DatabaseError) -> T {
        var prepared: OpaquePointer?
        guard sqlite3_prepare_v2(connection, sql, -1, &prepared, nil) == SQLITE_OK, let statement = prepared else {
            throw lastError()
        }
        defer { sqlite3_finalize(statement) }
        guard Int(sqlite3_bind_parameter_count(statement)) == arguments.values.count else {
            throw DatabaseError(
                code: SQLITE_MISUSE,
                message: "\(arguments.values.count) arguments for \(sqlite3_bind_parameter_count(statement)) placeholders in: \(sql)")
        }
        for (index, value) in arguments.values.enumerated() {
            let position = Int32(index + 1)
            let code: Int32 = switch value {
            case .null: sqlite3_bind_null(statement, position)
            case .integer(let integer): sqlite3_bind_int64(statement, position, integer)
            case .real(let real): sqlite3_bind_double(statement, position, real)
            case .text(let text): sqlite3_bind_text(statement, position, text, -1, transient)
            }
            guard code == SQLITE_OK else { throw lastError() }
        }
        return try body(statement)
    }

    /// Advances the statement: `true` when a row is ready, `false` when it is done.
    private func step(_ statement: OpaquePointer) throws(DatabaseError) -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw lastError()
        }
    }

    private func row(of statement: OpaquePointer) -> Row {
        var names: [String] = []
        var values: [DatabaseValue] = []
        for index in 0..<sqlite3_column_count(statement) {
            names.append(String(cString: sqlite3_column_name(statement, index)))
            let value: DatabaseValue = switch sqlite3_column_type(statement, index) {
            case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, index))
            case SQLITE_FLOAT: .real(sqlite3_column_double(statement, index))
            case SQLITE_TEXT, SQLITE_BLOB: .text(sqlite3_column_text(statement, index).map { String(cString: $0) } ?? "")
            default: .null
            }
            values.append(value)
        }
        return Row(names: names, values: values)
    }

    private func lastError() -> DatabaseError {
        DatabaseError(code: sqlite3_extended_errcode(connection), message: String(cString: sqlite3_errmsg(connection)))
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies bound text before the call returns (the C macro is not importable).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
