// The SQLite schema of the local backend and its migrations (the schema version is the last migration applied).

import SQLite

/// The database schema, as an ordered list of migrations.
///
/// Invariant kept by every write: each assignable offset of a subnet is in exactly one of `freeRange`
/// (available), `allocation` (held) or `coolingAddress` (released, waiting out the cool-down). An owner
/// (cluster and node) holds at most one allocation per address family (since v2).
/// The lowest free address is the first row of `freeRange` for a subnet: an indexed lookup whose cost
/// does not grow as the subnet fills up.
///
/// Applied migrations are recorded in `grdb_migrations`, the table GRDB's migrator kept when the backend
/// used GRDB, so files written by earlier builds open unchanged.
enum Schema {
    /// The identifier of the newest migration: the schema version this build writes.
    static let currentVersion = "v2"

    /// The migrations, oldest first.
    static let migrations: [(identifier: String, sql: String)] = [
        ("v1", """
            CREATE TABLE subnet (
                id INTEGER PRIMARY KEY,
                prefix TEXT NOT NULL UNIQUE,
                zone TEXT NOT NULL,
                position INTEGER NOT NULL,
                gateway TEXT NOT NULL,
                layout TEXT NOT NULL
            );
            CREATE TABLE freeRange (
                subnetID INTEGER NOT NULL REFERENCES subnet(id) ON DELETE CASCADE,
                firstOffset INTEGER NOT NULL,
                lastOffset INTEGER NOT NULL,
                PRIMARY KEY (subnetID, firstOffset)
            ) WITHOUT ROWID;
            CREATE TABLE allocation (
                subnetID INTEGER NOT NULL REFERENCES subnet(id) ON DELETE RESTRICT,
                addressOffset INTEGER NOT NULL,
                address TEXT NOT NULL,
                clusterID TEXT NOT NULL,
                nodeName TEXT NOT NULL,
                reservedAt INTEGER NOT NULL,
                PRIMARY KEY (subnetID, addressOffset)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX allocationOwner ON allocation(clusterID, nodeName);
            CREATE TABLE coolingAddress (
                subnetID INTEGER NOT NULL REFERENCES subnet(id) ON DELETE CASCADE,
                addressOffset INTEGER NOT NULL,
                releasedAt INTEGER NOT NULL,
                PRIMARY KEY (subnetID, addressOffset)
            ) WITHOUT ROWID;
            CREATE INDEX coolingAddressByRelease ON coolingAddress(releasedAt);
            CREATE INDEX coolingAddressBySubnetRelease ON coolingAddress(subnetID, releasedAt);
            """),
        // Dual stack: an owner holds one address per family, and offsets take every address of an IPv6 /64
        // (stored through StoredOffset: v1's offsets, all below 2^62, move down by 2^63 keeping their order;
        // every shifted value is negative and every unshifted one is not, so no key collides midway).
        ("v2", """
            ALTER TABLE allocation ADD COLUMN family INTEGER NOT NULL DEFAULT 4;
            UPDATE allocation SET family = 6 WHERE instr(address, ':') > 0;
            DROP INDEX allocationOwner;
            CREATE UNIQUE INDEX allocationOwner ON allocation(clusterID, nodeName, family);
            UPDATE freeRange SET firstOffset = firstOffset + (-9223372036854775807 - 1), lastOffset = lastOffset + (-9223372036854775807 - 1);
            UPDATE allocation SET addressOffset = addressOffset + (-9223372036854775807 - 1);
            UPDATE coolingAddress SET addressOffset = addressOffset + (-9223372036854775807 - 1);
            """),
    ]

    /// The identifiers of the migrations this build knows.
    static var identifiers: Set<String> { Set(migrations.map(\.identifier)) }

    /// Applies the migrations not applied yet, each in one `IMMEDIATE` transaction with foreign-key
    /// checks deferred to its end (as GRDB's migrator did).
    static func migrate(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        for migration in migrations {
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            try db.inImmediateTransaction {
                guard try !appliedIdentifiers(db).contains(migration.identifier) else { return }
                try db.execute(sql: migration.sql)
                if let violation = try db.fetchOne(sql: "PRAGMA foreign_key_check") {
                    throw DatabaseError(code: 787, message: "migration \(migration.identifier) violates a foreign key: \(violation.values)")
                }
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [migration.identifier])
            }
        }
    }

    /// The identifiers of every applied migration, known to this build or not.
    static func appliedIdentifiers(_ db: Database) throws -> Set<String> {
        let exists = try db.fetchOne(sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'grdb_migrations'")
        guard exists != nil else { return [] }
        return Set(try db.fetchAll(sql: "SELECT identifier FROM grdb_migrations").map { row in try row["identifier"] as String })
    }
}
