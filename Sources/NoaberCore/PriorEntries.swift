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
    /// The seq of entry `entryID` and the paths of its personal fields (docs/FORMAT.md §16), or nil
    /// if no earlier entry has that id.
    func personalFields(of entryID: String) -> (seq: Int64, paths: [String])?
    /// The seq of the earlier entry whose id is `id` or that holds a credit with that id
    /// (docs/FORMAT.md §17: entry ids and credit ids share one space), or nil if none.
    func usedID(_ id: String) -> Int64?
    /// The seq of the earlier `credits` entry holding a credit with id `id`, or nil.
    func creditEntry(_ id: String) -> Int64?
}

/// Earlier entries kept in memory, for replays (the verifier) and tests: each transaction's postings,
/// the reversals seen and every claim.
package struct ReplayedEntries: PriorEntries, Sendable {
    private var reversals: [String: Int64] = [:]
    private var claims: [String: ClaimRecord] = [:]
    /// How each decided claim was decided: approved, or rejected with the reason given.
    private var decisions: [String: ClaimDecision] = [:]
    /// Version 2: each entry with personal fields, by id, and the accounts whose erasure reaches it.
    private var personal: [String: (seq: Int64, paths: [String])] = [:]
    private var pathsBySeq: [Int64: [String]] = [:]
    private var subjects: [AccountID: [Int64]] = [:]
    /// Every entry, by id, with what a reversal of a transaction is judged by; a batch's credit
    /// ids are in `credits`. One table rather than one each for ids, transactions and care
    /// dates, and a transaction's postings digest taken only when a reversal asks for it.
    private var ids: [String: ReplayedEntry] = [:]
    /// Each batch's credits, by credit id (docs/FORMAT.md §17). One table rather than a row in
    /// each of `ids`, `transactions` and `careDays`: a million credits cost a million insertions,
    /// not four, and no digest until a reversal asks for one. Entry ids and credit ids share one
    /// space (the rules refuse an id used before), so a name is in one table or the other.
    private var credits: [String: ReplayedCredit] = [:]

    package init() {}

    package func usedID(_ id: String) -> Int64? { ids[id]?.seq ?? credits[id]?.seq }

    package func creditEntry(_ id: String) -> Int64? { credits[id]?.seq }

    /// Every credit of a batch (its id), with its batch's seq and its place: `batch_credits`.
    package var creditPlaces: [String: (seq: Int64, index: Int)] { credits.mapValues { ($0.seq, Int($0.index)) } }

    /// How many credits the batches replayed hold.
    package var creditCount: Int { credits.count }

    /// The batch's seq and the place in it of credit `id`, if a batch holds it.
    package func creditPlace(of id: String) -> (seq: Int64, index: Int)? {
        credits[id].map { ($0.seq, Int($0.index)) }
    }

    package func personalFields(of entryID: String) -> (seq: Int64, paths: [String])? { personal[entryID] }

    /// The personal texts an `erase` at this point covers (docs/FORMAT.md §16), in seq and path order.
    package func covered(by erase: Erase) -> [PersonalKey] {
        if let account = erase.account {
            return (subjects[account] ?? []).flatMap { seq in
                (pathsBySeq[seq] ?? []).map { PersonalKey(seq: seq, path: $0) }
            }.sorted()
        }
        return (erase.entries ?? []).flatMap { named -> [PersonalKey] in
            guard let known = personal[named.id] else { return [] }
            return (named.fields ?? known.paths).map { PersonalKey(seq: known.seq, path: $0) }
        }.sorted()
    }

    package func transaction(_ entryID: String) -> (purpose: Purpose, postingsDigest: SHA256Digest)? {
        if let credit = credits[entryID] {
            return (
                .credit,
                Transaction.digest(of: [
                    Posting(account: credit.issuer, amount: -credit.amount),
                    Posting(account: credit.account, amount: credit.amount),
                ])
            )
        }
        guard let entry = ids[entryID], let purpose = entry.purpose else { return nil }
        return (purpose, Transaction.digest(of: entry.postings))
    }

    package func reversal(of entryID: String) -> Int64? { reversals[entryID] }

    /// The care date of transaction `entryID`, if it is one.
    package func careDay(of entryID: String) -> String? { ids[entryID]?.careDay ?? credits[entryID]?.careDay }

    package func claim(_ entryID: String) -> ClaimRecord? { claims[entryID] }

    /// Every claim made, by its entry id, with the entry that decided it.
    package var claimRecords: [String: ClaimRecord] { claims }

    /// How claim `entryID` was decided, if it was.
    package func decision(of entryID: String) -> ClaimDecision? { decisions[entryID] }

    /// Every reversed transaction (its entry id) and the reversal that undid it.
    package var reversalSeqs: [String: Int64] { reversals }

    /// The entries with personal data whose erasure `account` reaches, in seq order.
    package func subjectSeqs(of account: AccountID) -> [Int64] { subjects[account] ?? [] }

    /// For each account, the entries with personal data whose erasure it reaches, in seq order.
    package var subjectSeqsByAccount: [AccountID: [Int64]] { subjects }

    /// How many (account, entry) pairs an account's erasure reaches: the rows of `personal_subjects`.
    package var subjectCount: Int { subjects.values.reduce(0) { $0 + $1.count } }

    /// Records an accepted entry, committed at `time`.
    package mutating func record(_ payload: Payload, seq: Int64, at time: Timestamp) {
        if case .transaction(let tx) = payload.body {
            ids[payload.id] = ReplayedEntry(
                seq: seq, purpose: tx.purpose, postings: tx.postings,
                careDay: tx.careDay(committedAt: time) { careDay(of: $0) })
        } else {
            ids[payload.id] = ReplayedEntry(seq: seq)
        }
        let paths = payload.v >= 2 ? payload.personalPaths : []
        if !paths.isEmpty {
            personal[payload.id] = (seq, paths)
            pathsBySeq[seq] = paths
            for account in payload.personalSubjects(claim: { claims[$0] }) {
                subjects[account, default: []].append(seq)
            }
        }
        switch payload.body {
        case .transaction(let tx):
            if tx.purpose == .reversal, let original = tx.reverses { reversals[original] = seq }
            if let claim = tx.claim, claims[claim] != nil {
                claims[claim]?.decidedSeq = seq
                decisions[claim] = ClaimDecision(approved: true, reason: nil)
            }
        case .credits(let batch):
            // Each credit is the credit transaction it stands for: a reversal names it by its id.
            let commitDay = Timestamp.day(of: time)
            credits.reserveCapacity(credits.count + batch.credits.count)
            for (index, credit) in batch.credits.enumerated() {
                credits[credit.id] = ReplayedCredit(
                    seq: seq, index: Int32(index), issuer: batch.issuer, account: credit.account,
                    amount: credit.amount, careDay: credit.careDate ?? commitDay)
            }
        case .claim(let claim):
            claims[payload.id] = ClaimRecord(id: payload.id, seq: seq, committedAt: time, claim: claim)
        case .claimReject(let reject):
            if claims[reject.claim] != nil {
                claims[reject.claim]?.decidedSeq = seq
                decisions[reject.claim] = ClaimDecision(approved: false, reason: reject.reason)
            }
        default:
            break
        }
    }
}

/// An entry as the replay keeps it: its seq, and for a transaction its purpose, its postings (the
/// payload's own array, kept rather than copied) and its care date.
private struct ReplayedEntry: Sendable {
    var seq: Int64
    var purpose: Purpose? = nil
    var postings: [Posting] = []
    var careDay: String? = nil
}

/// A credit of a batch as the replay keeps it: its place, and what its reversal is judged by
/// (the credit transaction's postings, whose digest is taken only when asked, and its care date).
private struct ReplayedCredit: Sendable {
    var seq: Int64
    var index: Int32
    var issuer: AccountID
    var account: AccountID
    var amount: Int64
    var careDay: String
}

/// What decided a claim (docs/FORMAT.md §6, `claims.decision` and `claims.reason`).
package struct ClaimDecision: Sendable, Equatable {
    package var approved: Bool
    /// A rejection's reason as its payload holds it (a commitment in format 2); nil for an approval.
    package var reason: String?

    package init(approved: Bool, reason: String?) {
        self.approved = approved
        self.reason = reason
    }

    /// The text `claims.decision` holds.
    package var name: String { approved ? "approved" : "rejected" }
}
