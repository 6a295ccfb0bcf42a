public import NoaberHashing

/// What the rules need to know about earlier entries to judge a reversal, without keeping every
/// entry in memory: the daemon answers from SQLite (plus the group being committed), the verifier
/// from what it has replayed.
public protocol PriorEntries {
    /// The purpose and postings digest (`Transaction.postingsDigest`) of transaction `entryID`, or
    /// nil if no earlier entry with that id is a transaction.
    func transaction(_ entryID: String) -> (purpose: Purpose, postingsDigest: SHA256Digest)?
    /// The seq of the reversal that already undid `entryID`, if any.
    func reversal(of entryID: String) -> Int64?
}

/// Earlier entries kept in memory, for replays (the verifier) and tests: a digest per transaction
/// and the reversals seen.
public struct ReplayedEntries: PriorEntries, Sendable {
    private var transactions: [String: (Purpose, SHA256Digest)] = [:]
    private var reversals: [String: Int64] = [:]

    public init() {}

    public func transaction(_ entryID: String) -> (purpose: Purpose, postingsDigest: SHA256Digest)? {
        transactions[entryID].map { (purpose: $0.0, postingsDigest: $0.1) }
    }

    public func reversal(of entryID: String) -> Int64? { reversals[entryID] }

    /// Records an accepted entry.
    public mutating func record(_ payload: Payload, seq: Int64) {
        guard case .transaction(let tx) = payload.body else { return }
        transactions[payload.id] = (tx.purpose, tx.postingsDigest)
        if tx.purpose == .reversal, let original = tx.reverses { reversals[original] = seq }
    }
}
