public import NoaberHashing

/// An entry as read back from storage or an export, with the postings the store derived from it.
public struct StoredEntry: Sendable, Equatable {
    public var entry: CommittedEntry
    /// The postings as stored beside the entry (for transactions); they must equal the payload's.
    public var postings: [Posting]

    public init(entry: CommittedEntry, postings: [Posting]) {
        self.entry = entry
        self.postings = postings
    }
}

/// The first thing found wrong, with the sequence number of the entry where it was found.
public struct VerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first bad entry, or nil when the fault is in the derived balances.
    public var seq: Int64?
    public var reason: String

    public init(seq: Int64?, reason: String) {
        self.seq = seq
        self.reason = reason
    }

    public var description: String { seq.map { "entry \($0): \(reason)" } ?? reason }
}

/// Replays a chain from entry 1 and checks every invariant an auditor cares about: sequence
/// without gaps, each link and hash, each signature and the signer's right at that point, each
/// transaction's balance, the stored postings, and finally the stored balances.
public struct Verifier: Sendable {
    public private(set) var state = LedgerState()
    public private(set) var entries: Int64 = 0
    public private(set) var headHash = SHA256Digest.zero
    private var lastTime: Timestamp?

    public init() {}

    public mutating func check(_ stored: StoredEntry) throws(VerificationFailure) {
        let entry = stored.entry
        let expected = entries + 1
        guard entry.seq == expected else {
            throw VerificationFailure(
                seq: expected,
                reason: entry.seq > expected
                    ? "entry \(expected) is missing (the next entry found is \(entry.seq))"
                    : "entry \(entry.seq) appears out of order (expected \(expected))")
        }
        func fail(_ reason: String) -> VerificationFailure { VerificationFailure(seq: entry.seq, reason: reason) }
        guard entry.prevHash == headHash else {
            throw fail("prev_hash \(entry.prevHash.hex) does not match the hash of entry \(entry.seq - 1) (\(headHash.hex))")
        }
        let recomputed = EntryHash.compute(
            seq: entry.seq, prevHash: entry.prevHash, committedAt: entry.committedAt, signed: entry.signed)
        guard recomputed == entry.hash else {
            throw fail("stored hash \(entry.hash.hex) does not match the entry's contents (\(recomputed.hex))")
        }
        if let lastTime, entry.committedAt < lastTime {
            throw fail("commit time \(entry.committedAt) is earlier than the previous entry's \(lastTime)")
        }
        let payload: Payload
        do { payload = try state.apply(entry.signed, seq: entry.seq) } catch { throw fail(error.message) }
        guard payload.id == entry.entryID, payload.kind == entry.kind else {
            throw fail("stored id/kind (\(entry.entryID), \(entry.kind.rawValue)) differ from the payload's (\(payload.id), \(payload.kind.rawValue))")
        }
        let expectedPostings: [Posting]
        if case .transaction(let tx) = payload.body { expectedPostings = tx.postings } else { expectedPostings = [] }
        guard stored.postings == expectedPostings else {
            throw fail("stored postings differ from the signed payload's postings")
        }
        entries = entry.seq
        headHash = entry.hash
        lastTime = entry.committedAt
    }

    /// Compares the stored balances with the replayed ones (DESIGN.md invariant 7).
    public func finish(storedBalances: [AccountID: Int64]) throws(VerificationFailure) {
        let scale = state.ledger?.currency.scale ?? 0
        for account in state.accounts.values.sorted(by: { $0.id < $1.id }) {
            guard let stored = storedBalances[account.id] else {
                throw VerificationFailure(seq: account.openedSeq, reason: "account \(account.id) is missing from the balance table")
            }
            guard stored == account.balance else {
                throw VerificationFailure(
                    seq: nil,
                    reason: "account \(account.id): stored balance \(Money.format(stored, scale: scale)) differs from the replayed balance \(Money.format(account.balance, scale: scale))")
            }
        }
        if let extra = storedBalances.keys.sorted().first(where: { state.accounts[$0] == nil }) {
            throw VerificationFailure(seq: nil, reason: "account \(extra) is in the balance table but was never opened in the chain")
        }
    }
}
