// Running work on the database: IMMEDIATE write transactions, snapshot reads, migrations, readable errors.

import IPAMCore
import SQLite

/// How the backend touches SQLite; every failure leaves as an ``IPAMError``.
enum DatabaseAccess {
    /// How long SQLite waits for another process's write transaction before giving up.
    static let busyTimeout: Duration = .seconds(10)

    /// Runs `body` in one `IMMEDIATE` write transaction; database failures become ``IPAMError/backendUnavailable(_:)``.
    static func write<T: Sendable>(
        _ pool: DatabasePool, _ action: String, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as IPAMError {
            throw error
        } catch {
            throw IPAMError.backendUnavailable("cannot \(action): \(describe(error))")
        }
    }

    /// Runs `body` on a read-only snapshot; database failures become ``IPAMError/backendUnavailable(_:)``.
    static func read<T: Sendable>(
        _ pool: DatabasePool, _ action: String, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as IPAMError {
            throw error
        } catch {
            throw IPAMError.backendUnavailable("cannot \(action): \(describe(error))")
        }
    }

    /// Applies the schema migrations. Two processes opening a new file at once may race on the first
    /// migration; the loser finds it applied on the second attempt.
    static func migrate(_ pool: DatabasePool) async throws {
        do {
            try await pool.writeWithoutTransaction(Schema.migrate)
        } catch {
            try await pool.writeWithoutTransaction(Schema.migrate)
        }
    }

    /// A one-line cause for a database error.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            if error.primaryCode == SQLiteResultCode.busy {
                return "the database stayed locked by another process for more than \(busyTimeout)"
            }
            return error.message
        }
        return "\(error)"
    }
}
