package import NoaberCore

/// One read of account or personal data, as the daemon records it.
package struct AccessRecord: Sendable, Equatable {
    package var at: Timestamp
    package var keyID: String
    package var role: String
    package var method: String
    /// The accounts the answer showed, or nil when it showed every account (a ledger-wide read).
    package var accounts: [AccountID]?
    package var peerUID: Int64?
    package var peerPID: Int64?

    package init(
        at: Timestamp, keyID: String, role: String, method: String, accounts: [AccountID]?, peerUID: Int64?,
        peerPID: Int64?
    ) {
        self.at = at
        self.keyID = keyID
        self.role = role
        self.method = method
        self.accounts = accounts
        self.peerUID = peerUID
        self.peerPID = peerPID
    }
}

/// The read log: who read whose data, kept beside the ledger, outside the chain, in a file of its
/// own (`access.sqlite`), so that recording a read never waits for the ledger's writer and the
/// ledger's backups and exports carry no one's reading habits. Rows are only added, and removed
/// once older than the retention; a trigger refuses any change to a row.
package final class AccessLog {
    package static let fileName = "access.sqlite"
    private let db: Connection

    /// Opens (creating) the log in `directory`. Records reach it in bulk from `PendingAccessRecords`,
    /// whose file is removed once they are in, so each of those rare commits is made durable
    /// (`synchronous=FULL`): a power loss costs at most the records still pending, the last moments'.
    package init(directory: String) throws(StoreError) {
        db = try Connection(path: Self.path(in: directory))
        try db.execute("PRAGMA journal_mode = WAL")
        try db.execute("PRAGMA synchronous = FULL")
        // A WALCheckpointer does it on its own connection, off the path of every read.
        try db.execute("PRAGMA wal_autocheckpoint = 0")
        // A WAL that grew under a burst of reads shrinks back once it restarts.
        try db.execute("PRAGMA journal_size_limit = 16777216")
        try db.execute(
            """
            CREATE TABLE IF NOT EXISTS access_log (
                id        INTEGER PRIMARY KEY,
                at        TEXT NOT NULL,
                key_id    TEXT NOT NULL,
                role      TEXT NOT NULL,
                method    TEXT NOT NULL,
                accounts  TEXT,
                peer_uid  INTEGER,
                peer_pid  INTEGER
            ) STRICT;
            CREATE INDEX IF NOT EXISTS access_log_at ON access_log (at);
            CREATE TRIGGER IF NOT EXISTS access_log_append_only BEFORE UPDATE ON access_log
            BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
            """)
    }

    package static func path(in directory: String) -> String {
        directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
    }

    /// Rows inserted (or lines of pending records read) between two calls of a move's `between`:
    /// some 150 µs of the mover's CPU.
    package static let rowsBetweenPauses = 64

    /// Writes `rows` in one transaction, each under its id: all of them, or none. A row whose id
    /// the log already holds is one moved before (`PendingAccessRecords`), and is left as it is.
    /// `between` runs after every `rowsBetweenPauses` rows (the mover yields its core there).
    package func insert(_ rows: [(id: Int64, record: AccessRecord)], between: () -> Void = {}) throws(StoreError) {
        guard !rows.isEmpty else { return }
        try db.statement("BEGIN IMMEDIATE").run()
        // Reads at thousands a second share their millisecond: its text is written once for them.
        var time = (at: Timestamp(millisecondsSinceEpoch: -1), text: "")
        do {
            for (index, row) in rows.enumerated() {
                if index > 0, index % Self.rowsBetweenPauses == 0 { between() }
                if row.record.at != time.at { time = (row.record.at, row.record.at.rfc3339) }
                try insert(row.id, row.record, at: time.text)
            }
            try db.statement("COMMIT").run()
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// The id of the last record (0 when there is none).
    package func lastID() throws(StoreError) -> Int64 {
        try db.statement("SELECT coalesce(max(id), 0) FROM access_log").rows { $0.int64(0) }[0]
    }

    private func insert(_ id: Int64, _ record: AccessRecord, at: String) throws(StoreError) {
        try db.statement(
            // Only a row already moved is passed over: any other constraint still fails the move.
            "INSERT INTO access_log (id, at, key_id, role, method, accounts, peer_uid, peer_pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
        ).run([
            .integer(id), .text(at), .text(record.keyID), .text(record.role), .text(record.method),
            record.accounts.map { .text(",\($0.map(\.rawValue).joined(separator: ",")),") } ?? .null,
            record.peerUID.map(SQLValue.integer) ?? .null, record.peerPID.map(SQLValue.integer) ?? .null,
        ])
    }

    /// The records from `from` (inclusive) to `to` (exclusive), oldest first, at most `limit`
    /// after row `afterID`; with `account`, only the reads that showed it (one account's, or every
    /// account's). Returns each record with its row id, for paging.
    package func records(
        account: AccountID?, from: Timestamp?, to: Timestamp?, afterID: Int64, limit: Int
    ) throws(StoreError) -> [(id: Int64, record: AccessRecord)] {
        var conditions = ["id > ?"]
        var values: [SQLValue] = [.integer(afterID)]
        if let account {
            conditions.append("(accounts IS NULL OR instr(accounts, ?) > 0)")
            values.append(.text(",\(account.rawValue),"))
        }
        if let from {
            conditions.append("at >= ?")
            values.append(.text(from.rfc3339))
        }
        if let to {
            conditions.append("at < ?")
            values.append(.text(to.rfc3339))
        }
        values.append(.integer(Int64(limit)))
        let sql =
            "SELECT id, at, key_id, role, method, accounts, peer_uid, peer_pid FROM access_log WHERE "
            + conditions.joined(separator: " AND ") + " ORDER BY id LIMIT ?"
        return try db.statement(sql).rows(values) { row throws(StoreError) in
            let accounts =
                row.isNull(5)
                ? nil
                : try row.text(5).split(separator: ",").map { text throws(StoreError) in
                    do { return try AccountID(String(text)) } catch { throw .corruptRow("access_log: account \(text)") }
                }
            return (
                row.int64(0),
                AccessRecord(
                    at: Timestamp(rfc3339: row.text(1)) ?? Timestamp(millisecondsSinceEpoch: 0), keyID: row.text(2),
                    role: row.text(3), method: row.text(4), accounts: accounts,
                    peerUID: row.isNull(6) ? nil : row.int64(6), peerPID: row.isNull(7) ? nil : row.int64(7))
            )
        }
    }

    /// Deletes the records older than `cutoff`; returns how many.
    package func prune(before cutoff: Timestamp) throws(StoreError) -> Int {
        try db.statement("DELETE FROM access_log WHERE at < ?").run([.text(cutoff.rfc3339)])
        return Int(try db.statement("SELECT changes()").rows { $0.int64(0) }[0])
    }
}
