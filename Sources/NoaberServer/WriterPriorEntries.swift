import NoaberCore
import NoaberHashing
import NoaberStore

/// Earlier entries as the writer sees them while judging a group: what is committed (from SQLite)
/// and what this group has accepted so far (not written yet). Touched only on the writer's queue.
final class WriterPriorEntries: PriorEntries {
    private let connection: Connection
    private var transactions: [String: (Purpose, SHA256Digest)] = [:]
    private var reversals: [String: Int64] = [:]

    init(connection: Connection) { self.connection = connection }

    func transaction(_ entryID: String) -> (purpose: Purpose, postingsDigest: SHA256Digest)? {
        if let pending = transactions[entryID] { return (pending.0, pending.1) }
        guard let entry = try? connection.entry(id: entryID), let payload = try? Payload.decode(entry.signed.payload),
            case .transaction(let tx) = payload.body
        else { return nil }
        return (tx.purpose, tx.postingsDigest)
    }

    func reversal(of entryID: String) -> Int64? {
        if let pending = reversals[entryID] { return pending }
        return try? connection.reversal(of: entryID)
    }

    typealias Snapshot = (transactions: [String: (Purpose, SHA256Digest)], reversals: [String: Int64])

    func snapshot() -> Snapshot { (transactions, reversals) }

    func restore(_ snapshot: Snapshot) { (transactions, reversals) = snapshot }

    /// Records an entry accepted into the group being judged.
    func accepted(_ payload: Payload, seq: Int64) {
        guard case .transaction(let tx) = payload.body else { return }
        transactions[payload.id] = (tx.purpose, tx.postingsDigest)
        if tx.purpose == .reversal, let original = tx.reverses { reversals[original] = seq }
    }
}
