import Glibc

/// The files of one ledger in a data directory, and how connections to it are opened.
package struct Database: Sendable {
    package static let fileName = "noaber.sqlite"

    package let path: String

    package init(directory: String) {
        path = directory.hasSuffix("/") ? directory + Self.fileName : directory + "/" + Self.fileName
    }

    package init(path: String) { self.path = path }

    /// The writer's connection: WAL so that readers never wait for it, `synchronous=FULL` so that
    /// a COMMIT has reached the disk before any client hears "committed" (docs/DESIGN.md, invariant 5).
    package func openWriter() throws(StoreError) -> Connection {
        let db = try Connection(path: path)
        try db.execute("PRAGMA journal_mode = WAL")
        try db.execute("PRAGMA synchronous = FULL")
        try db.execute("PRAGMA foreign_keys = ON")
        // An erased personal text is overwritten where it lay, not left in free pages (FORMAT.md §16).
        try db.execute("PRAGMA secure_delete = ON")
        try Schema.migrate(db)
        return db
    }

    /// A reader's connection; it cannot write even by mistake.
    package func openReader() throws(StoreError) -> Connection {
        let db = try Connection(path: path)
        try db.execute("PRAGMA query_only = ON")
        return db
    }

    /// Bytes on disk: the database and its write-ahead log.
    package func sizeOnDisk() -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            var info = stat()
            return stat(file, &info) == 0 ? total + Int64(info.st_size) : total
        }
    }
}
