package import NoaberCrypto

/// What the rules need to know about earlier entries to judge a reversal or a claim's decision,
/// without keeping every entry in memory: the daemon answers from SQLite (plus the group being
/// committed), the verifier from what it has replayed.
package protocol PriorEntries {
    /// The purpose and postings digest (`Transaction.postingsDigest`) of transaction `entryID`, or
    /// nil if no earlier entry with that id is a transaction.
    func transaction(_ entryID: String) -> (purpose: Purpose, postingsDigest: SHA256Digest)?
    /// The seq of the reversal that already undid `entryID`, if any.
    func reversal(of entryID: String) -> Int64?
    /// The claim made by entry `entryID`, with its decision if it has one; nil if that is no claim.
    func claim(_ entryID: String) -> ClaimRecord?
}

/// Earlier entries kept in memory, for replays (the verifier) and tests: a digest per transaction,
/// the reversals seen and every claim.
package struct ReplayedEntries: PriorEntries, Sendable {
    private var transactions: [String: (Purpose, SHA256Digest)] = [:]
    private var reversals: [String: Int64] = [:]
    private var claims: [String: ClaimRecord] = [:]

    package init() {}

    package func transaction(_ entryID: String) -> (purpose: Purpose, postingsDigest: SHA256Digest)? {
        transactions[entryID].map { (purpose: $0.0, postingsDigest: $0.1) }
    }

    package func reversal(of entryID: String) -> Int64? { reversals[entryID] }

    package func claim(_ entryID: String) -> ClaimRecord? { claims[entryID] }

    /// Records an accepted entry, committed at `time`.
    package mutating func record(_ payload: Payload, seq: Int64, at time: Timestamp) {
        switch payload.body {
        case .transaction(let tx):
            transactions[payload.id] = (tx.purpose, tx.postingsDigest)
            if tx.purpose == .reversal, let original = tx.reverses { reversals[original] = seq }
            if let claim = tx.claim { claims[claim]?.decidedSeq = seq }
        case .claim(let claim):
            claims[payload.id] = ClaimRecord(id: payload.id, seq: seq, committedAt: time, claim: claim)
        case .claimReject(let reject):
            claims[reject.claim]?.decidedSeq = seq
        default:
            break
        }
    }
}
