import NoaberCore
import NoaberHashing
import NoaberStore

/// Earlier entries as the writer sees them while judging a group: what is committed (from SQLite)
/// and what this group has accepted so far (not written yet). Touched only on the writer's queue.
final class WriterPriorEntries: PriorEntries {
    private let connection: Connection
    /// The group's accepted entries, kept as a replay keeps them.
    private var pending = ReplayedEntries()

    init(connection: Connection) { self.connection = connection }

    func transaction(_ entryID: String) -> (purpose: Purpose, postingsDigest: SHA256Digest)? {
        if let accepted = pending.transaction(entryID) { return accepted }
        guard let entry = try? connection.entry(id: entryID), let payload = try? Payload.decode(entry.signed.payload),
            case .transaction(let tx) = payload.body
        else { return nil }
        return (tx.purpose, tx.postingsDigest)
    }

    func reversal(of entryID: String) -> Int64? {
        pending.reversal(of: entryID) ?? (try? connection.reversal(of: entryID))
    }

    /// A batch that is refused rolls the group back to where it began.
    func snapshot() -> ReplayedEntries { pending }

    func restore(_ snapshot: ReplayedEntries) { pending = snapshot }

    /// Records an entry accepted into the group being judged.
    func accepted(_ payload: Payload, seq: Int64) { pending.record(payload, seq: seq) }
}
