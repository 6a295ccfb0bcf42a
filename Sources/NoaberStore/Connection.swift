internal import CSQLite

/// One SQLite connection. Not thread-safe: each is owned by one thread at a time (the writer, or a
/// reader borrowed from the pool).
package final class Connection {
    let handle: OpaquePointer
    private var cache: [String: Statement] = [:]

    /// Set once, before the first connection initialises SQLite: no count of SQLite's memory, whose
    /// mutex every allocation took, one for the whole process (Benchmarks/README.md, "The read
    /// path, third round").
    private static let configured: Void = { _ = noaber_sqlite_memstatus_off() }()

    /// Opens (creating if needed) the database at `path`.
    package init(path: String, readOnly: Bool = false) throws(StoreError) {
        _ = Self.configured
        var db: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw .sqlite(SQLiteError(code: rc, message: "\(message) (\(path))", sql: nil))
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        // Readers and the writer meet in WAL mode; a short wait covers checkpoints.
        sqlite3_busy_timeout(db, 5000)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32, _ sql: String?) -> StoreError {
        .sqlite(SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql))
    }

    /// Runs one or more statements that return no rows.
    package func execute(_ sql: String) throws(StoreError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, sql) }
    }

    /// A prepared statement, reused across calls: the writer runs the same few statements for
    /// every entry, and preparing them once matters at thousands of entries per second.
    package func statement(_ sql: String) throws(StoreError) -> Statement {
        if let cached = cache[sql] {
            cached.reset()
            return cached
        }
        let statement = try Statement(connection: self, sql: sql)
        cache[sql] = statement
        return statement
    }

    /// The writer's: syncs what its commits wrote (`WALSync`), the connection being at
    /// `synchronous=NORMAL`. Nil on every other connection, whose commits SQLite syncs itself.
    package var walSync: WALSync?
    /// The number `walSync` gave the last commit.
    package private(set) var lastCommit: UInt64 = 0

    /// Runs `body` inside BEGIN IMMEDIATE … COMMIT, rolling back if it throws. With `walSync`, the
    /// commit is durable when this returns, unless `deferringSync`: then the caller holds every
    /// answer that depends on it until `walSync.whenDurable(through: lastCommit)` says so.
    package func transaction<T>(
        deferringSync: Bool = false, _ body: () throws(StoreError) -> T
    ) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        let result: T
        do {
            result = try body()
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        // Numbered before the COMMIT makes the rows visible, so a reader that saw them waits for it.
        let number = walSync?.beginCommit()
        do { try execute("COMMIT") } catch {
            try? execute("ROLLBACK")
            // A COMMIT can fail in SQLite's own sync of the WAL: syncing now tells the caller, by
            // `walSync.failure`, whether the disk failed (then nothing more is written), and lets
            // no reader wait on the number.
            if let walSync { try? walSync.syncNow(through: walSync.lastBegun) }
            throw error
        }
        if let walSync, let number {
            lastCommit = number
            if !deferringSync { try walSync.syncNow(through: number) }
        }
        return result
    }

    /// Runs `body` in a read transaction so that all its queries see one snapshot; inside an
    /// open transaction it simply joins it.
    package func snapshot<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        guard sqlite3_get_autocommit(handle) != 0 else { return try body() }
        try execute("BEGIN")
        defer { try? execute("COMMIT") }
        return try body()
    }

    package var changes: Int { Int(sqlite3_changes(handle)) }

    /// The pages this connection wrote to the WAL since it was last asked (SQLite's
    /// `SQLITE_DBSTATUS_CACHE_WRITE`, read and reset).
    package func takePagesWritten() -> Int {
        var current: Int32 = 0
        var highest: Int32 = 0
        guard sqlite3_db_status(handle, SQLITE_DBSTATUS_CACHE_WRITE, &current, &highest, 1) == SQLITE_OK else {
            return 0
        }
        return Int(current)
    }

    /// How `checkpointWAL` may wait: SQLite's `PRAGMA wal_checkpoint` modes.
    package enum WALCheckpointMode: String {
        case passive = "PASSIVE"
        case restart = "RESTART"
        case truncate = "TRUNCATE"
    }

    /// Copies the WAL into the database file. The pragma answers (busy, pages in the WAL, pages
    /// copied); busy false means the mode's work finished. Nil if it answered no row.
    package func checkpointWAL(_ mode: WALCheckpointMode) throws(StoreError) -> (busy: Bool, walPages: Int)? {
        try statement("PRAGMA wal_checkpoint(\(mode.rawValue))").rows { ($0.int64(0) != 0, Int($0.int64(1))) }.first
    }
}

/// A prepared statement with positional bindings (1-based, as in SQLite).
package final class Statement {
    private let handle: OpaquePointer
    private unowned let connection: Connection
    let sql: String

    init(connection: Connection, sql: String) throws(StoreError) {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw connection.error(rc, sql) }
        self.handle = stmt
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    @discardableResult
    package func bind(_ values: [SQLValue]) throws(StoreError) -> Statement {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            // withCString reads a native string's own bytes; the implicit conversion copied them.
            case .text(let v):
                rc = v.withCString { sqlite3_bind_text(handle, index, $0, -1, noaber_sqlite_transient()) }
            case .blob(let v):
                rc = v.withUnsafeBytes {
                    sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), noaber_sqlite_transient())
                }
            }
            guard rc == SQLITE_OK else { throw connection.error(rc, sql) }
        }
        return self
    }

    /// Advances to the next row; false when done.
    package func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(rc, sql)
        }
    }

    /// Runs a statement that returns no rows.
    package func run(_ values: [SQLValue] = []) throws(StoreError) {
        try bind(values)
        while try step() {}
        reset()
    }

    /// Collects every row through `row`.
    package func rows<T>(
        _ values: [SQLValue] = [], _ row: (Statement) throws(StoreError) -> T
    ) throws(StoreError) -> [T] {
        try bind(values)
        defer { reset() }
        var result: [T] = []
        while try step() { result.append(try row(self)) }
        return result
    }

    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    package func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    package func text(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(handle, column) else { return "" }
        return String(cString: p)
    }
    package func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let p = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: count))
    }
}

package enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

extension SQLValue {
    /// Text, or NULL for nil.
    static func optionalText(_ text: String?) -> SQLValue { text.map { .text($0) } ?? .null }
}
