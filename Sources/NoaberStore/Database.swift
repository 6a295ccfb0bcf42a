import Glibc

/// The files of one ledger in a data directory, and how connections to it are opened.
package struct Database: Sendable {
    package static let fileName = "noaber.sqlite"

    package let path: String

    package init(directory: String) {
        path = directory.hasSuffix("/") ? directory + Self.fileName : directory + "/" + Self.fileName
    }

    package init(path: String) { self.path = path }

    /// The writer's connection: WAL so that readers never wait for it, and every COMMIT on the disk
    /// before any client hears "committed" (docs/DESIGN.md, invariant 5): by `synchronous=FULL`, or,
    /// given a `walSync`, at `synchronous=NORMAL` with the WAL synced by it (`WALSync`).
    package func openWriter(walSync: WALSync? = nil) throws(StoreError) -> Connection {
        try openMigratingWriter(walSync: walSync).connection
    }

    /// `openWriter`, and the schema version the file was at before it was brought to the latest.
    package func openMigratingWriter(
        walSync: WALSync? = nil
    ) throws(StoreError) -> (connection: Connection, migratedFrom: Int) {
        let db = try Connection(path: path)
        try db.execute("PRAGMA journal_mode = WAL")
        try db.execute(walSync == nil ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        db.walSync = walSync
        try db.execute("PRAGMA foreign_keys = ON")
        // An erased personal text is overwritten where it lay, not left in free pages (FORMAT.md §16).
        try db.execute("PRAGMA secure_delete = ON")
        let before = try Schema.migrate(db)
        // After the migrations, whose sorts of whole tables may stay in files: the writer's
        // statements that insert many rows (`RowInserts`) keep the pages they change in a
        // statement journal, which SQLite otherwise writes to a temporary file past 64 KiB; in
        // memory it holds the few pages one statement of 50 rows touches.
        try db.execute("PRAGMA temp_store = MEMORY")
        // The migrations' own table is made outside their transactions: synced here with the rest.
        if let walSync { try walSync.syncNow(through: walSync.lastBegun) }
        return (db, before)
    }

    /// A reader's connection; it cannot write even by mistake.
    package func openReader() throws(StoreError) -> Connection {
        let db = try Connection(path: path)
        try db.execute("PRAGMA query_only = ON")
        return db
    }

    /// The write-ahead log beside the database.
    package var walPath: String { path + "-wal" }

    /// Bytes on disk: the database and its write-ahead log.
    package func sizeOnDisk() -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            var info = stat()
            return stat(file, &info) == 0 ? total + Int64(info.st_size) : total
        }
    }
}
