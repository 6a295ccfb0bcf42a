import NoaberCore
import NoaberCrypto
import NoaberStore

/// Earlier entries as the writer sees them while judging a group: what is committed (from SQLite)
/// and what this group has accepted so far (not written yet). Touched only on the writer's queue.
final class WriterPriorEntries: PriorEntries {
    private let connection: Connection
    private let store: LedgerStore
    /// The group's accepted entries, kept as a replay keeps them.
    private var pending = ReplayedEntries()
    /// Decisions this group made on claims committed before it.
    private var pendingDecisions: [String: Int64] = [:]
    /// The first query that failed while the group was judged. The rules take a failed lookup for
    /// "none" (an id unused, an entry not reversed), so a group with one is not written
    /// (`WriterCore.commit`): a read error must not let a duplicate id or a second reversal in.
    private(set) var failure: StoreError?

    /// Whether the database held a batch of credits when the group began (asked once): every
    /// entry's id is checked against the credits' ids (FORMAT.md §17), which costs nothing until
    /// a ledger has batches.
    private lazy var batchesStored = look { () throws(StoreError) in try connection.hasBatchCredits() } ?? true

    init(store: LedgerStore) {
        self.store = store
        connection = store.connection
    }

    func transaction(_ entryID: String) -> (purpose: Purpose, postingsDigest: SHA256Digest)? {
        if let accepted = pending.transaction(entryID) { return accepted }
        // A credit of a batch counts as the credit transaction it stands for (docs/FORMAT.md §17).
        if let credit = look({ () throws(StoreError) in try connection.batchCredit(entryID) }) {
            guard let entry = look({ () throws(StoreError) in try connection.entry(seq: credit.seq) }),
                let payload = try? Payload.decode(entry.signed.payload), case .credits(let batch) = payload.body,
                batch.credits.indices.contains(Int(credit.index))
            else { return nil }
            return (.credit, batch.transaction(Int(credit.index)).postingsDigest)
        }
        guard let entry = look({ () throws(StoreError) in try connection.entry(id: entryID) }),
            let payload = try? Payload.decode(entry.signed.payload), case .transaction(let tx) = payload.body
        else { return nil }
        return (tx.purpose, tx.postingsDigest)
    }

    func reversal(of entryID: String) -> Int64? {
        pending.reversal(of: entryID) ?? look { () throws(StoreError) in try connection.reversal(of: entryID) }
    }

    func claim(_ entryID: String) -> ClaimRecord? {
        guard
            var record = pending.claim(entryID) ?? look({ () throws(StoreError) in try connection.claim(id: entryID) })
        else { return nil }
        // A claim committed earlier may have been decided by this group.
        if record.decidedSeq == nil { record.decidedSeq = pendingDecisions[entryID] }
        return record
    }

    func personalFields(of entryID: String) -> (seq: Int64, paths: [String])? {
        if let accepted = pending.personalFields(of: entryID) { return accepted }
        guard let entry = look({ () throws(StoreError) in try connection.entry(id: entryID) }),
            let payload = try? Payload.decode(entry.signed.payload)
        else { return nil }
        return (entry.seq, payload.v >= 2 ? payload.personalPaths : [])
    }

    func usedID(_ id: String) -> Int64? {
        // The group's own ids (entries' and credits') first, then the stored ones, each asked of
        // memory before SQLite (`LedgerStore.entrySeq`, `batchCredit`).
        if let seq = pending.usedID(id) { return seq }
        return look { () throws(StoreError) in try store.entrySeq(id: id) } ?? storedCreditEntry(id)
    }

    func creditEntry(_ id: String) -> Int64? { pending.creditEntry(id) ?? storedCreditEntry(id) }

    private func storedCreditEntry(_ id: String) -> Int64? {
        batchesStored ? look { () throws(StoreError) in try store.batchCredit(id) }?.seq : nil
    }

    /// Runs one query; a failure is kept (`failure`) and answered as none.
    private func look<T>(_ query: () throws(StoreError) -> T?) -> T? {
        do { return try query() } catch {
            if failure == nil { failure = error }
            return nil
        }
    }

    /// A batch that is refused rolls the group back to where it began.
    func snapshot() -> (ReplayedEntries, [String: Int64]) { (pending, pendingDecisions) }

    func restore(_ snapshot: (ReplayedEntries, [String: Int64])) { (pending, pendingDecisions) = snapshot }

    /// Records an entry accepted into the group being judged, committed at `time`.
    func accepted(_ payload: Payload, seq: Int64, at time: Timestamp) {
        pending.record(payload, seq: seq, at: time)
        let decided: String? =
            switch payload.body {
            case .claimReject(let reject): reject.claim
            case .transaction(let tx): tx.claim
            default: nil
            }
        if let decided, pending.claim(decided) == nil { pendingDecisions[decided] = seq }
    }
}
