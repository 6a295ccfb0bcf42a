// Parameters and results of `backup.start` and `backup.read` (docs/PROTOCOL.md, "Backups").

/// `backup.start` takes no params: the daemon copies the whole ledger.
package struct BackupStartResult: Codable, Sendable, Equatable {
    /// Names the copy in `backup.read`; only the key that started it reads it.
    package var backupId: String
    /// The copy's size in bytes and its SHA-256 (hex), to check the transfer against.
    package var bytes: Int64
    package var sha256: String
    /// The entries the copy holds, and the hash of the last.
    package var entries: Int64
    package var headHash: String
    /// When the copy was taken (RFC 3339).
    package var takenAt: String

    package init(backupId: String, bytes: Int64, sha256: String, entries: Int64, headHash: String, takenAt: String) {
        self.backupId = backupId
        self.bytes = bytes
        self.sha256 = sha256
        self.entries = entries
        self.headHash = headHash
        self.takenAt = takenAt
    }
}

package struct BackupReadParams: Codable, Sendable, Equatable {
    package var backupId: String
    /// Where the piece starts, in bytes from the beginning of the copy.
    package var offset: Int64

    package init(backupId: String, offset: Int64) {
        self.backupId = backupId
        self.offset = offset
    }
}

package struct BackupReadResult: Codable, Sendable, Equatable {
    /// Up to `maxPieceBytes` bytes of the copy from `offset`, base64.
    package var data: String
    /// True when this piece ends the copy: the daemon has then removed its copy.
    package var done: Bool

    /// The most bytes one `backup.read` answers with (1 MiB, about 1.4 MB as base64).
    package static let maxPieceBytes = 1 << 20

    package init(data: String, done: Bool) {
        self.data = data
        self.done = done
    }
}

/// Why a restored backup signs no checkpoint yet (docs/PROTOCOL.md, `ledger.status`).
package struct CheckpointHoldInfo: Codable, Sendable, Equatable {
    /// `restored_backup` while the chain may still reach the published checkpoint, `diverged`
    /// once it has passed it with another root (only a new log key releases it then).
    package var reason: String
    /// What to do, for a person.
    package var message: String
    /// When the backup was taken, and the entries it held.
    package var backupTakenAt: String
    package var backupEntries: UInt64
    /// The log key whose checkpoints are held (key id, hex).
    package var logKeyId: String
    /// The published checkpoint's size, once the operator gave it.
    package var publishedSize: UInt64?

    package init(
        reason: String, message: String, backupTakenAt: String, backupEntries: UInt64, logKeyId: String,
        publishedSize: UInt64?
    ) {
        self.reason = reason
        self.message = message
        self.backupTakenAt = backupTakenAt
        self.backupEntries = backupEntries
        self.logKeyId = logKeyId
        self.publishedSize = publishedSize
    }
}
