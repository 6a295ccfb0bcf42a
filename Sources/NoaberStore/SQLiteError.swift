internal import CSQLite

/// A failure reported by SQLite, carrying its extended result code as GRDB does, so that an
/// operator can look the code up and a caller can tell a full disk from a constraint.
package struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The extended result code (e.g. 2067 for SQLITE_CONSTRAINT_UNIQUE).
    package var code: Int32
    package var message: String
    /// The statement that failed, when there was one.
    package var sql: String?

    package var primaryCode: Int32 { code & 0xFF }

    package var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

    package var description: String {
        let statement = sql.map { " in `\($0)`" } ?? ""
        return "SQLite error \(code): \(message)\(statement)"
    }
}

/// Failures of the store above the SQLite layer.
package enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// SQLite itself failed.
    case sqlite(SQLiteError)
    /// The database was written by a newer Noaber whose schema this build does not know.
    case schemaTooNew(found: Int, supported: Int)
    /// A row could not be read back as a valid value (the file was damaged or edited by hand).
    case corruptRow(String)
    /// Another process holds the data directory's lock.
    case locked(String)
    /// A root or proof was asked for a tree size or leaf the tree does not hold.
    case outOfRange(String)
    /// The stored Merkle tree or checkpoint does not match the journal (the file was edited).
    case treeMismatch(String)
    /// A file beside the database (a backup copy) could not be created, read or written.
    case file(path: String, reason: String)

    package var description: String {
        switch self {
        case .sqlite(let error): error.description
        case .schemaTooNew(let found, let supported):
            "the database has schema version \(found), but this noaberd knows only up to \(supported); upgrade noaberd"
        case .corruptRow(let what): "corrupt row: \(what)"
        case .locked(let path): "\(path) is locked by another noaberd"
        case .outOfRange(let what): what
        case .treeMismatch(let what): "the Merkle tree does not match the journal: \(what)"
        case .file(let path, let reason): "\(path): \(reason)"
        }
    }
}
