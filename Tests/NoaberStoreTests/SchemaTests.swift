import Foundation
import NoaberCore
import NoaberStore
import Testing

@Suite("Schema, pragmas and connections")
struct SchemaTests {
    @Test func migrationsCreateTheLatestVersion() throws {
        let f = try StoreFixture()
        #expect(try f.store.schemaVersion == 13)
        let tables = try f.store.connection.statement(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger', 'index') ORDER BY name"
        ).rows { $0.text(0) }
        for name in [
            "accounts", "entries", "keys", "ledger", "postings", "schema_migrations", "postings_by_account",
            "entries_append_only_update", "entries_append_only_delete", "postings_append_only_update",
            "postings_append_only_delete", "merkle_nodes", "checkpoint", "merkle_nodes_append_only_update",
            "merkle_nodes_append_only_delete", "categories", "reversals", "restore_guard", "batch_credits",
            "batch_credits_by_hash", "balances", "batch_credits_recent", "batch_credits_recent_by_hash",
        ] {
            #expect(tables.contains(name), "\(name) is missing")
        }
        // Version 11 keeps one posting index that begins with the account, and no balance column.
        #expect(!tables.contains("postings_by_care_date"))
        #expect(try f.integer("SELECT COUNT(*) FROM pragma_table_info('accounts') WHERE name = 'balance'") == 0)
        #expect(try f.integer("SELECT COUNT(*) FROM schema_migrations") == 13)
    }

    @Test func reopeningDoesNotRerunMigrations() throws {
        let f = try StoreFixture()
        try f.populate()
        let appliedAt = try f.text("SELECT applied_at FROM schema_migrations WHERE version = 1")
        let before = try f.counts()
        let reopened = try LedgerStore(database: f.database)
        #expect(try reopened.schemaVersion == 13)
        #expect(try f.integer("SELECT COUNT(*) FROM schema_migrations", on: reopened.connection) == 13)
        #expect(
            try f.text("SELECT applied_at FROM schema_migrations WHERE version = 1", on: reopened.connection)
                == appliedAt)
        #expect(try f.counts() == before)
    }

    @Test func newerSchemaIsRefused() throws {
        let f = try StoreFixture()
        try f.store.connection.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (14, 'later')")
        #expect(throws: StoreError.schemaTooNew(found: 14, supported: 13)) {
            _ = try LedgerStore(database: f.database)
        }
        #expect(StoreError.schemaTooNew(found: 14, supported: 13).description.contains("upgrade noaberd"))
    }

    @Test func writerIsDurable() throws {
        let f = try StoreFixture()
        #expect(try f.text("PRAGMA journal_mode") == "wal")
        #expect(try f.integer("PRAGMA synchronous") == 2)
        #expect(try f.integer("PRAGMA foreign_keys") == 1)
    }

    @Test func readerCannotWrite() throws {
        let f = try StoreFixture()
        try f.populate()
        let reader = try f.database.openReader()
        #expect(try f.integer("PRAGMA query_only", on: reader) == 1)
        #expect(try reader.summary().entries == 12)
        let before = try f.counts()
        let error = sqliteError {
            try reader.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (12, 'x')")
        }
        #expect(error?.primaryCode == 8)  // SQLITE_READONLY
        _ = sqliteError { try reader.execute("UPDATE balances SET balance = 0") }
        _ = sqliteError { try reader.execute("DROP TRIGGER entries_append_only_delete") }
        #expect(try f.counts() == before)
        #expect(try f.integer("SELECT COUNT(*) FROM schema_migrations") == 13)
    }

    @Test func openingAMissingDirectoryFails() throws {
        let database = Database(directory: "/nonexistent-\(UUID().uuidString)/")
        #expect(database.path.hasSuffix("/noaber.sqlite") && !database.path.contains("//"))
        let error = sqliteError { _ = try LedgerStore(database: database) }
        #expect(error?.primaryCode == 14)  // SQLITE_CANTOPEN
        #expect(error?.message.contains(database.path) == true)
    }

    @Test func connectionBindsAndReadsEveryValueType() throws {
        let f = try StoreFixture()
        let db = try Connection(path: f.directory.appendingPathComponent("scratch.sqlite").path)
        try db.execute("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n INTEGER)")
        let values: [SQLValue] = [.integer(.min), .text("zorg 💙 \"quoted\""), .blob([0, 1, 0xFF, 0]), .null]
        try db.statement("INSERT INTO t VALUES (?, ?, ?, ?)").run(values)
        #expect(db.changes == 1)
        try db.statement("INSERT INTO t VALUES (?, ?, ?, ?)").run([.integer(.max), .text(""), .blob([]), .integer(0)])
        let rows = try db.statement("SELECT i, s, b, n FROM t ORDER BY i").rows { row in
            (row.int64(0), row.text(1), row.blob(2), row.isNull(3))
        }
        #expect(rows.count == 2)
        #expect(rows[0].0 == .min && rows[0].1 == "zorg 💙 \"quoted\"" && rows[0].2 == [0, 1, 0xFF, 0] && rows[0].3)
        #expect(rows[1].0 == .max && rows[1].1 == "" && rows[1].2 == [] && !rows[1].3)
        // A cached statement is reset and its bindings cleared before reuse.
        #expect(try db.statement("SELECT COUNT(*) FROM t WHERE i = ?").rows([.integer(.max)]) { $0.int64(0) } == [1])
        #expect(try db.statement("SELECT COUNT(*) FROM t WHERE i = ?").rows { $0.int64(0) } == [0])
    }

    @Test func transactionRollsBackWhenItsBodyThrows() throws {
        let f = try StoreFixture()
        let db = try Connection(path: f.directory.appendingPathComponent("scratch.sqlite").path)
        try db.execute("CREATE TABLE t (i INTEGER PRIMARY KEY)")
        let error = sqliteError {
            try db.transaction { () throws(StoreError) in
                try db.statement("INSERT INTO t VALUES (?)").run([.integer(1)])
                try db.statement("INSERT INTO t VALUES (?)").run([.integer(1)])
            }
        }
        #expect(error?.code == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(error?.isConstraintViolation == true)
        #expect(error?.sql == "INSERT INTO t VALUES (?)")
        #expect(try db.statement("SELECT COUNT(*) FROM t").rows { $0.int64(0) } == [0])
        // The connection is usable afterwards, outside any transaction.
        try db.transaction { () throws(StoreError) in try db.statement("INSERT INTO t VALUES (?)").run([.integer(2)]) }
        #expect(try db.statement("SELECT COUNT(*) FROM t").rows { $0.int64(0) } == [1])
    }

    @Test func syntaxErrorsCarryTheStatement() throws {
        let f = try StoreFixture()
        let error = sqliteError { _ = try f.store.connection.statement("SELEC 1") }
        #expect(error?.primaryCode == 1)  // SQLITE_ERROR
        #expect(error?.description.contains("in `SELEC 1`") == true)
    }
}
