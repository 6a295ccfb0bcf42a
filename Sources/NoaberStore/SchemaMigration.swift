extension Schema {
    /// Brings the database to the latest version, each migration in its own transaction; returns
    /// the version it was at (0 for a new file).
    @discardableResult static func migrate(_ db: Connection) throws(StoreError) -> Int {
        try db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT"
        )
        let current = try version(db)
        guard current <= latestVersion else { throw .schemaTooNew(found: current, supported: latestVersion) }
        for migration in migrations where migration.version > current {
            try db.transaction { () throws(StoreError) in
                try db.execute(migration.sql)
                try migration.fill?(db)
                try db.statement(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
                )
                .run([.integer(Int64(migration.version))])
            }
        }
        return current
    }

    static func version(_ db: Connection) throws(StoreError) -> Int {
        Int(try db.statement("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").rows { $0.int64(0) }[0])
    }
}

extension Connection {
    /// The schema version this database was migrated to.
    package func schemaVersion() throws(StoreError) -> Int {
        try Schema.version(self)
    }
}
