package import NoaberCore
package import NoaberCrypto

/// A tree size and its root that someone outside may hold, signed by the log key: a checkpoint
/// that was published.
package struct PublishedHead: Sendable, Equatable {
    package var size: UInt64
    package var root: SHA256Digest

    package init(size: UInt64, root: SHA256Digest) {
        self.size = size
        self.root = root
    }
}

/// What a copy made by `noaber backup` says of itself: the `restore_guard` row (docs/FORMAT.md §6).
/// A daemon started on such a copy signs no checkpoint with the log key it names until the chain
/// extends the published checkpoint it is given, since that key may have signed a longer history
/// that the copy lacks.
package struct RestoreGuard: Sendable, Equatable {
    /// When the copy was taken.
    package var takenAt: Timestamp
    /// The number of entries the copy holds.
    package var treeSize: UInt64
    /// The log key of the daemon that made the copy: the key whose later checkpoints the copy may
    /// contradict.
    package var logKeyID: KeyID
    /// The last published checkpoint, once the operator gave it.
    package var published: PublishedHead?

    package init(takenAt: Timestamp, treeSize: UInt64, logKeyID: KeyID, published: PublishedHead? = nil) {
        self.takenAt = takenAt
        self.treeSize = treeSize
        self.logKeyID = logKeyID
        self.published = published
    }
}

extension Connection {
    /// The guard of a restored backup, or nil for a ledger that is not one (or was released).
    package func restoreGuard() throws(StoreError) -> RestoreGuard? {
        try statement(
            "SELECT taken_at, tree_size, log_key_id, published_size, published_root FROM restore_guard WHERE singleton = 1"
        ).rows { row throws(StoreError) -> RestoreGuard in
            guard let time = Timestamp(rfc3339: row.text(0)), row.int64(1) >= 0, let key = KeyID(hex: row.text(2))
            else { throw .corruptRow("the restore_guard row is malformed") }
            var published: PublishedHead?
            if !row.isNull(3) {
                guard row.int64(3) >= 1, let root = SHA256Digest(bytes: row.blob(4)) else {
                    throw .corruptRow("the restore_guard row's published checkpoint is malformed")
                }
                published = PublishedHead(size: UInt64(row.int64(3)), root: root)
            }
            return RestoreGuard(
                takenAt: time, treeSize: UInt64(row.int64(1)), logKeyID: key, published: published)
        }.first
    }

    /// Marks this database as a backup copy; used on the copy only, never on a live ledger. A copy
    /// of a ledger that is itself a restored backup still held for the same key keeps its row as
    /// it is (the key has signed nothing since, and the published checkpoint still applies); one
    /// held for another key gets this key's.
    func writeRestoreGuard(_ guarded: RestoreGuard) throws(StoreError) {
        try statement(
            """
            INSERT INTO restore_guard (singleton, taken_at, tree_size, log_key_id) VALUES (1, ?, ?, ?)
            ON CONFLICT (singleton) DO UPDATE SET taken_at = excluded.taken_at, tree_size = excluded.tree_size,
                log_key_id = excluded.log_key_id, published_size = NULL, published_root = NULL
            WHERE restore_guard.log_key_id != excluded.log_key_id
            """
        ).run([.text(guarded.takenAt.rfc3339), .integer(Int64(guarded.treeSize)), .text(guarded.logKeyID.hex)])
    }
}

extension LedgerStore {
    /// Remembers the published checkpoint the operator gave, so that a restart still holds the
    /// checkpoints until the chain reaches it.
    package func recordPublished(_ head: PublishedHead) throws(StoreError) {
        try connection.transaction { () throws(StoreError) in
            try connection.statement(
                "UPDATE restore_guard SET published_size = ?, published_root = ? WHERE singleton = 1"
            ).run([.integer(Int64(head.size)), .blob(head.root.bytes)])
        }
    }

    /// The restored ledger extends what was published: its log key may sign again.
    package func liftRestoreGuard() throws(StoreError) {
        try connection.transaction { () throws(StoreError) in
            try connection.statement("DELETE FROM restore_guard").run()
        }
    }
}
