// A WAL database shared by tasks: one writer connection on a serial queue, reader connections for snapshots.
import Dispatch
import Synchronization

/// Access to one database file from many tasks, as GRDB's `DatabasePool` gave it: writes are serialized
/// on one connection in `IMMEDIATE` transactions (other processes wait up to the busy timeout); reads run
/// concurrently on their own connections, each in one snapshot.
///
/// Work runs on Dispatch queues, so a busy wait never blocks a Swift concurrency thread.
public final class DatabasePool: Sendable {
    private let path: String
    private let busyTimeout: Duration
    private let writer: Database
    private let writerQueue = DispatchQueue(label: "sqlite-writer")
    private let idleReaders = Mutex<[Database]>([])

    /// Opens the file (creating it), switches it to WAL mode and prepares the writer connection.
    ///
    /// - Throws: ``DatabaseError``, e.g. `unable to open database file` when the directory is missing.
    public init(path: String, busyTimeout: Duration) throws(DatabaseError) {
        self.path = path
        self.busyTimeout = busyTimeout
        writer = try Database(path: path, busyTimeout: busyTimeout, readOnly: false)
    }

    /// Runs `body` on the writer connection outside any transaction (schema migrations manage their own).
    public func writeWithoutTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let writer = self.writer
        return try await withCheckedThrowingContinuation { continuation in
            writerQueue.async { continuation.resume(with: Result { try body(writer) }) }
        }
    }

    /// Runs `body` in one `IMMEDIATE` write transaction, committed when `body` returns and rolled back
    /// when it throws.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writeWithoutTransaction { db in try db.inImmediateTransaction { try body(db) } }
    }

    /// Runs `body` in one read transaction on a reader connection, concurrently with other reads and
    /// with the writer (WAL); `body` sees one snapshot and cannot write.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let reader = try takeReader()
        defer { idleReaders.withLock { $0.append(reader) } }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try reader.inReadTransaction { try body(reader) } }) }
        }
    }

    /// An idle reader connection, or a new one; as many exist as reads ever ran at once.
    private func takeReader() throws(DatabaseError) -> Database {
        if let idle = idleReaders.withLock({ $0.popLast() }) { return idle }
        return try Database(path: path, busyTimeout: busyTimeout, readOnly: true)
    }
}
