import Logging
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore

/// `backup.start` and `backup.read`: a consistent copy of the whole ledger, which holds everyone's
/// personal data, so only admin and auditor keys take one, and taking one is on record in the
/// access log as a read of every account.
extension LedgerService {
    func backupStart(_ context: RequestContext) async throws -> BackupStartResult {
        let reader = try context.requireReader()
        try reader.requireOverseer("a backup of the ledger")
        try recordRead(context, .backupStart, accounts: nil)
        let time = clock()
        let (id, copy) = try await backups.run { [backups, database, logPublicKey] in
            try backups.make(database, owner: reader.keyID, logKeyID: logPublicKey.keyID, at: time)
        }
        logger.notice(
            "backup taken",
            metadata: [
                "entries": "\(copy.entries)", "bytes": "\(copy.bytes)", "key_id": "\(reader.keyID.hex)",
                "peer": "\(context.peer?.description ?? "unknown")",
            ])
        return BackupStartResult(
            backupId: id, bytes: copy.bytes, sha256: copy.sha256.hex, entries: copy.entries,
            headHash: copy.headHash.hex, takenAt: time.rfc3339)
    }

    /// The pieces of a copy belong to the read `backup.start` recorded, so they add no record.
    func backupRead(_ params: BackupReadParams, _ context: RequestContext) async throws -> BackupReadResult {
        let reader = try context.requireReader()
        try reader.requireOverseer("a backup of the ledger")
        return try await backups.run { [backups] in
            try backups.read(params.backupId, offset: params.offset, by: reader.keyID)
        }
    }
}
