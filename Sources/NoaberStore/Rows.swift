import NoaberCore
import NoaberCrypto

// Reading rows back into Core values. Any row that does not decode means the file was damaged or
// edited outside Noaber; it becomes `StoreError.corruptRow`, never a crash. Decoding is strict:
// a value must read back to exactly the text stored (lowercase ids, the 24-character time), so
// that what the verifier checks is the bytes on disk, not a tidied copy of them.

extension Connection {
    static let entryColumns = "seq, entry_id, kind, key_id, payload, signature, committed_at, prev_hash, hash"

    func decodeEntry(_ row: Statement) throws(StoreError) -> CommittedEntry {
        let seq = row.int64(0)
        // Each column read once: a page of `ledger.entries` decodes a thousand rows.
        let (keyText, timeText) = (row.text(3), row.text(6))
        guard let kind = EntryKind(rawValue: row.text(2)),
            let keyID = KeyID(hex: keyText), keyID.hex == keyText,
            let committedAt = Timestamp(rfc3339: timeText), committedAt.rfc3339 == timeText,
            let prevHash = SHA256Digest(bytes: row.blob(7)),
            let hash = SHA256Digest(bytes: row.blob(8))
        else { throw .corruptRow("entry \(seq) has a malformed kind, key id, time or hash") }
        return CommittedEntry(
            seq: seq, entryID: row.text(1), kind: kind,
            signed: SignedEntry(payload: row.blob(4), signature: row.blob(5), keyID: keyID),
            committedAt: committedAt, prevHash: prevHash, hash: hash)
    }

    func decodeAccount(_ row: Statement) throws(StoreError) -> LedgerState.Account {
        let raw = row.text(0)
        guard let id = try? AccountID(raw), let kind = AccountKind(rawValue: row.text(1)),
            let status = AccountStatus(rawValue: row.text(5))
        else { throw .corruptRow("account \(raw) has a malformed id, kind or status") }
        guard !row.isNull(6) else { throw .corruptRow("account \(raw) has no balance row") }
        var controllers: [KeyID] = []
        for part in row.text(4).split(separator: ",", omittingEmptySubsequences: false) {
            guard let key = KeyID(hex: String(part)), key.hex == part else {
                throw .corruptRow("account \(raw) has a malformed controller")
            }
            controllers.append(key)
        }
        return LedgerState.Account(
            id: id, kind: kind, name: row.text(2), minBalance: row.int64(3), controllers: controllers,
            status: status, balance: row.int64(6), openedSeq: row.int64(7))
    }

    func decodeKey(_ row: Statement) throws(StoreError) -> LedgerState.Key {
        let raw = row.text(0)
        guard let id = KeyID(hex: raw), id.hex == raw,
            let publicKey = try? Ed25519PublicKey(rawRepresentation: row.blob(1)),
            let role = KeyRole(rawValue: row.text(3))
        else { throw .corruptRow("key \(raw) has a malformed id, public key or role") }
        return LedgerState.Key(
            id: id, publicKey: publicKey, label: row.text(2), role: role, addedSeq: row.int64(4),
            revokedSeq: row.isNull(5) ? nil : row.int64(5))
    }
}
