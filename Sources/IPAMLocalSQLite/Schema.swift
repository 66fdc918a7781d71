// The SQLite schema of the local backend and its migrations (the schema version is the last migration applied).

import GRDB

/// The database schema, as an ordered list of migrations.
///
/// Invariant kept by every write: each assignable offset of a subnet is in exactly one of `freeRange`
/// (available), `allocation` (held) or `coolingAddress` (released, waiting out the cool-down).
/// The lowest free address is the first row of `freeRange` for a subnet: an indexed lookup whose cost
/// does not grow as the subnet fills up.
enum Schema {
    /// The identifier of the newest migration: the schema version this build writes.
    static let currentVersion = "v1"

    /// The migrations, oldest first.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
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
                """)
        }
        return migrator
    }
}
