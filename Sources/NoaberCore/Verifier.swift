package import NoaberCrypto
package import NoaberTransparency

/// An entry as read back from storage or an export, with the postings the store derived from it.
package struct StoredEntry: Sendable, Equatable {
    package var entry: CommittedEntry
    /// The postings as stored beside the entry (for transactions); they must equal the payload's.
    package var postings: [Posting]
    /// The personal texts stored beside it (entry format v2), or nil when the reader was not given
    /// them; an erased text is simply absent.
    package var personal: [PersonalText]?
    /// The stored `postings.idx` of each posting, in the order read, when the reader has them
    /// (the daemon's store; an export leaves them out): each must be the posting's place.
    package var postingIndexes: [Int64]?
    /// The care date stored with each posting (the daemon's own database), or nil where the
    /// source does not carry them (the protocol, an export): derived, they must equal the
    /// transaction's care date (docs/FORMAT.md §2 and §6).
    package var careDates: [String]?

    package init(
        entry: CommittedEntry, postings: [Posting], personal: [PersonalText]? = nil, careDates: [String]? = nil,
        postingIndexes: [Int64]? = nil
    ) {
        self.entry = entry
        self.postings = postings
        self.personal = personal
        self.careDates = careDates
        self.postingIndexes = postingIndexes
    }
}

/// The first thing found wrong, with the sequence number of the entry where it was found.
package struct VerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first bad entry, or nil when the fault is in the derived balances.
    package var seq: Int64?
    package var reason: String

    package init(seq: Int64?, reason: String) {
        self.seq = seq
        self.reason = reason
    }

    package var description: String { seq.map { "entry \($0): \(reason)" } ?? reason }
}

/// Replays a chain from entry 1 and checks every invariant an auditor cares about: sequence
/// without gaps, each link and hash, each signature and the signer's right at that point, each
/// transaction's balance, the stored postings, and finally the stored balances.
package struct Verifier: Sendable {
    package private(set) var state = LedgerState()
    package private(set) var entries: Int64 = 0
    package private(set) var headHash = SHA256Digest.zero
    /// Postings the chain's transactions carry, to compare with the rows stored.
    package private(set) var postings: Int64 = 0
    /// The Merkle tree over the entries checked so far.
    package private(set) var tree = CompactRange()
    /// The tree sizes whose roots `roots` keeps (those of the checkpoints to be checked).
    package var rootsWanted: Set<UInt64>
    package private(set) var roots: [UInt64: SHA256Digest] = [:]
    private var lastTime: Timestamp?
    /// What reversals are judged by: each transaction's postings digest, and the reversals seen.
    private var prior = ReplayedEntries()
    private var personal = PersonalAudit()
    /// Whether to keep the Merkle nodes each entry completes, for a reader that compares them
    /// with the stored ones (`merkle_nodes`) as it goes.
    private let keepsNodes: Bool
    /// The nodes completed since the last `takeCompletedNodes()`, when kept.
    private var completedNodes: [MerkleNode] = []

    package init(rootsWanted: Set<UInt64> = [], keepsNodes: Bool = false) {
        self.rootsWanted = rootsWanted
        self.keepsNodes = keepsNodes
        // Version 1 entries may predate the character rule of docs/FORMAT.md §2: reported, not failed.
        state.legacyTexts = .warn
    }

    /// What the replay remembers of earlier entries: claims, reversals, personal subjects.
    package var replayed: ReplayedEntries { prior }

    /// How many personal texts the reader was given, or nil if none were (an export without them).
    package var personalTextCount: Int? { personal.texts?.count }

    /// The Merkle nodes completed by the entries checked since the last call, in the order they
    /// were completed (each leaf, then the parents it completes).
    package mutating func takeCompletedNodes() -> [MerkleNode] {
        defer { completedNodes = [] }
        return completedNodes
    }

    /// Texts of version 1 entries that break the character rule, in chain order.
    package var textWarnings: [TextWarning] { state.textWarnings }

    /// The root of the first `size` entries, if that size was wanted and reached (or is the current size).
    package func root(atSize size: UInt64) -> SHA256Digest? {
        size == tree.size ? tree.root : roots[size]
    }

    /// Checks the next entry. `precheck` may carry its payload, already parsed, the public key
    /// its signature already verified with, and its hash and leaf hash, computed from this very
    /// entry (see `SignaturePrecheck`); the rules still decide whether that key was the one
    /// allowed to sign.
    package mutating func check(
        _ stored: StoredEntry, precheck: SignaturePrecheck.Result? = nil
    ) throws(VerificationFailure) {
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
            throw fail(
                "prev_hash \(entry.prevHash.hex) does not match the hash of entry \(entry.seq - 1) (\(headHash.hex))")
        }
        let recomputed =
            precheck?.hash
            ?? EntryHash.compute(
                seq: entry.seq, prevHash: entry.prevHash, committedAt: entry.committedAt, signed: entry.signed)
        guard recomputed == entry.hash else {
            throw fail("stored hash \(entry.hash.hex) does not match the entry's contents (\(recomputed.hex))")
        }
        if let lastTime, entry.committedAt < lastTime {
            throw fail("commit time \(entry.committedAt) is earlier than the previous entry's \(lastTime)")
        }
        let payload: Payload
        if let decoded = precheck?.payload {
            payload = decoded
        } else {
            do { payload = try Payload.decode(entry.signed.payload) } catch { throw fail(error.message) }
        }
        // Before the rules: a replayed payment must be named as such, whatever else it breaks.
        if let first = prior.usedID(payload.id) {
            throw fail("entry id \(payload.id) was already used by entry \(first)")
        }
        do {
            try state.apply(
                entry.signed, decoded: payload, seq: entry.seq, at: entry.committedAt,
                verifiedWith: precheck?.verifiedWith, prior: prior)
        } catch { throw fail(error.message) }
        guard payload.id == entry.entryID, payload.kind == entry.kind else {
            throw fail(
                "stored id/kind (\(entry.entryID), \(entry.kind.rawValue)) differ from the payload's (\(payload.id), \(payload.kind.rawValue))"
            )
        }
        let expectedPostings = payload.postingRows
        guard stored.postings == expectedPostings else {
            throw fail("stored postings differ from the signed payload's postings")
        }
        // Reads list postings by idx; one out of place could reorder a statement unnoticed.
        for (place, idx) in (stored.postingIndexes ?? []).enumerated() where idx != Int64(place) {
            throw fail("postings: the stored idx of posting \(place) is \(idx), not its place in the payload")
        }
        if let stored = stored.careDates, !expectedPostings.isEmpty {
            let days = payload.postingCareDays(committedAt: entry.committedAt, original: prior.careDay(of:))
            guard stored == days else {
                throw fail("stored care dates differ from the transaction's care date \(days[0])")
            }
        }
        personal.record(payload, seq: entry.seq)
        if let texts = stored.personal { personal.add(texts, seq: entry.seq) }
        if case .erase(let erase) = payload.body { personal.erase(prior.covered(by: erase), by: entry.seq) }
        entries = entry.seq
        prior.record(payload, seq: entry.seq, at: entry.committedAt)
        postings += Int64(expectedPostings.count)
        headHash = entry.hash
        lastTime = entry.committedAt
        let nodes = tree.append(precheck?.leafHash ?? Merkle.leafHash(entry.record))
        if keepsNodes { completedNodes += nodes }
        if rootsWanted.contains(tree.size) { roots[tree.size] = tree.root }
    }

    /// Compares the stored derived state (the ledger's settings, every key, every account and its
    /// balance) with the replayed one. The daemon judges new entries from the stored state, so a
    /// forged role, revocation or controller there must fail the audit as surely as a forged balance.
    /// Personal texts read apart from their entries (an export's personal part, docs/FORMAT.md §13).
    package mutating func addPersonal(_ texts: [(seq: Int64, text: PersonalText)]) {
        personal.add([], seq: 0)
        for (seq, text) in texts { personal.add([text], seq: seq) }
    }

    package func finish(stored: LedgerState, rows: JournalRows) throws(VerificationFailure) {
        try personal.finish()
        // Rows the chain does not account for (a seq of 0 or below, postings of no entry) are
        // invisible to a replay from seq 1 but not to the daemon's queries.
        guard rows.entries == entries else {
            throw VerificationFailure(
                seq: nil,
                reason:
                    "the journal holds \(rows.entries) entry rows, but the chain from 1 to \(entries) has \(entries)")
        }
        guard rows.postings == postings else {
            throw VerificationFailure(
                seq: nil,
                reason: "the journal holds \(rows.postings) posting rows, but the chain's transactions have \(postings)"
            )
        }
        let scale = state.ledger?.currency.scale ?? 0
        guard stored.ledger == state.ledger else {
            throw VerificationFailure(
                seq: state.ledger == nil ? nil : 1, reason: "the stored ledger settings differ from entry 1")
        }
        for key in state.keys.values.sorted(by: { $0.addedSeq < $1.addedSeq }) {
            guard let copy = stored.keys[key.id] else {
                throw VerificationFailure(
                    seq: key.addedSeq, reason: "key \(key.id.hex) is missing from the stored keys")
            }
            if let field = Self.firstDifference(copy, key) {
                throw VerificationFailure(
                    seq: nil, reason: "key \(key.id.hex): the stored \(field) differs from the chain")
            }
        }
        if let extra = stored.keys.keys.sorted().first(where: { state.keys[$0] == nil }) {
            throw VerificationFailure(seq: nil, reason: "key \(extra.hex) is stored but was never added in the chain")
        }
        for account in state.accounts.values.sorted(by: { $0.id < $1.id }) {
            guard let copy = stored.accounts[account.id] else {
                throw VerificationFailure(
                    seq: account.openedSeq, reason: "account \(account.id) is missing from the stored accounts")
            }
            guard copy.balance == account.balance else {
                throw VerificationFailure(
                    seq: nil,
                    reason:
                        "account \(account.id): stored balance \(Money.format(copy.balance, scale: scale)) differs from the replayed balance \(Money.format(account.balance, scale: scale))"
                )
            }
            if let field = Self.firstDifference(copy, account) {
                throw VerificationFailure(
                    seq: nil, reason: "account \(account.id): the stored \(field) differs from the chain")
            }
        }
        if let extra = stored.accounts.keys.sorted().first(where: { state.accounts[$0] == nil }) {
            throw VerificationFailure(seq: nil, reason: "account \(extra) is stored but was never opened in the chain")
        }
        // The daemon pays credits at the stored categories' rates, so a forged rate must fail too.
        for id in Set(state.categories.keys).union(stored.categories.keys).sorted()
        where stored.categories[id] != state.categories[id] {
            throw VerificationFailure(
                seq: state.categories[id]?.setSeq,
                reason:
                    "category \(id): the stored category differs from the chain (\(stored.categories[id].map { "rate \($0.hourRate)" } ?? "missing"), the chain has \(state.categories[id].map { "rate \($0.hourRate)" } ?? "none"))"
            )
        }
        // The daemon expires claims and charges demurrage by the stored settings.
        guard stored.settings == state.settings else {
            throw VerificationFailure(
                seq: nil,
                reason: "the stored settings (claim expiry, demurrage and how far it was charged) differ from the chain"
            )
        }
    }

    private static func firstDifference(_ a: LedgerState.Key, _ b: LedgerState.Key) -> String? {
        if a.publicKey != b.publicKey { return "public key" }
        if a.role != b.role { return "role (\(a.role.rawValue), not \(b.role.rawValue))" }
        if a.revokedSeq != b.revokedSeq { return "revocation" }
        if a.label != b.label { return "label" }
        if a.addedSeq != b.addedSeq { return "added_seq" }
        return nil
    }

    private static func firstDifference(_ a: LedgerState.Account, _ b: LedgerState.Account) -> String? {
        if a.controllers != b.controllers { return "controllers" }
        if a.minBalance != b.minBalance { return "minimum balance" }
        if a.kind != b.kind { return "kind" }
        if a.status != b.status { return "status" }
        if a.name != b.name { return "name" }
        if a.openedSeq != b.openedSeq { return "opened_seq" }
        return nil
    }
}

/// How many rows the stored journal holds, counted in the same snapshot as the stored state.
package struct JournalRows: Sendable, Equatable {
    package var entries: Int64
    package var postings: Int64

    package init(entries: Int64, postings: Int64) {
        self.entries = entries
        self.postings = postings
    }
}
