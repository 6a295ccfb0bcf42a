import NoaberCrypto
import NoaberTransparency

/// Compares the derived tables the daemon judges entries from with a replay of the chain, a page
/// of rows at a time: `claims`, `reversals` and `personal_subjects` (docs/FORMAT.md §6). The daemon
/// trusts these rows (a claim marked undecided is paid again, a transaction missing from
/// `reversals` is reversed again), so every row must be the replay's, and every replayed row must
/// be stored. A mismatch names the table, the row and the column.
///
/// `head` is the last entry replayed. Each page is read in a snapshot of its own, whose head
/// `pageHead` may be later: a row written (or a claim decided) by an entry after `head` is left
/// for the next audit, but a row that names an entry past `pageHead`, which does not exist, fails.
package struct DerivedTablesAudit: Sendable {
    package let head: Int64
    private var claims: Set<String> = []
    private var reversals: Set<String> = []
    private var subjects: Set<StoredSubjectRow> = []
    /// The `batch_credits` rows seen, by their credit's place in the chain (seq and index packed
    /// in one integer): a credit id names one place, and a set of integers costs a fraction of
    /// one of a million id strings.
    private var batchCredits: Set<Int64> = []

    package init(head: Int64) { self.head = head }

    package mutating func check(
        claims page: [StoredClaimRow], pageHead: Int64, replay: Verifier
    )
        throws(VerificationFailure)
    {
        let replayed = replay.replayed
        for row in page {
            let name = "claims: the row of claim \(row.claimID)"
            guard try belongs(row.seq, name, pageHead: pageHead) else { continue }
            guard claims.insert(row.claimID).inserted else { throw Self.fail("\(name) is stored twice") }
            guard let record = replayed.claimRecords[row.claimID] else {
                throw Self.fail("\(name) (entry \(row.seq)): no claim entry of the chain made it")
            }
            var decided = (seq: row.decidedSeq, decision: row.decision, reason: row.reason)
            if let seq = row.decidedSeq, seq > head, try !belongs(seq, "\(name): its decided_seq", pageHead: pageHead) {
                // Decided after the replayed head: as of the head it was undecided.
                decided = (nil, nil, nil)
            }
            let decision = replayed.decision(of: row.claimID)
            let claim = record.claim
            let columns: [(String, String?, String?)] = [
                ("seq", "\(row.seq)", "\(record.seq)"), ("committed_at", row.committedAt, record.committedAt.rfc3339),
                ("account", row.account, claim.account.rawValue), ("issuer", row.issuer, claim.issuer.rawValue),
                ("hours", row.hours, claim.hours), ("hour_rate", "\(row.hourRate)", "\(claim.hourRate)"),
                ("amount", "\(row.amount)", "\(claim.amount)"), ("category", row.category, claim.category),
                ("care_date", row.careDate, claim.careDate), ("memo", row.memo, claim.memo),
                ("decided_seq", decided.seq.map { "\($0)" }, record.decidedSeq.map { "\($0)" }),
                ("decision", decided.decision, decision?.name), ("reason", decided.reason, decision?.reason),
            ]
            for (column, stored, chain) in columns where stored != chain {
                throw Self.fail(
                    "\(name): the stored \(column) (\(Self.show(stored))) differs from the chain's (\(Self.show(chain)))"
                )
            }
        }
    }

    package mutating func check(
        reversals page: [StoredReversalRow], pageHead: Int64, replay: Verifier
    )
        throws(VerificationFailure)
    {
        for row in page {
            let name = "reversals: the row of \(row.reversedID)"
            guard try belongs(row.reversalSeq, name, pageHead: pageHead) else { continue }
            guard reversals.insert(row.reversedID).inserted else { throw Self.fail("\(name) is stored twice") }
            guard let seq = replay.replayed.reversalSeqs[row.reversedID] else {
                throw Self.fail(
                    "\(name) says entry \(row.reversalSeq) reversed it, but no reversal of the chain reverses it")
            }
            guard seq == row.reversalSeq else {
                throw Self.fail(
                    "\(name): the stored reversal_seq (\(row.reversalSeq)) differs from the chain's (\(seq))")
            }
        }
    }

    package mutating func check(
        subjects page: [StoredSubjectRow], pageHead: Int64, replay: Verifier
    )
        throws(VerificationFailure)
    {
        for row in page {
            let name = "personal_subjects: the row (\(row.account), \(row.seq))"
            guard try belongs(row.seq, name, pageHead: pageHead) else { continue }
            guard subjects.insert(row).inserted else { throw Self.fail("\(name) is stored twice") }
            let seqs = (try? AccountID(row.account)).map { replay.replayed.subjectSeqs(of: $0) } ?? []
            guard Self.sortedContains(seqs, row.seq) else {
                throw Self.fail(
                    "\(name): entry \(row.seq) has no personal data that an erasure of \(row.account) reaches")
            }
        }
    }

    package mutating func check(
        batchCredits page: [StoredBatchCreditRow], pageHead: Int64, replay: Verifier
    ) throws(VerificationFailure) {
        for row in page {
            let name = "batch_credits: the row of credit \(row.creditID)"
            guard try belongs(row.seq, name, pageHead: pageHead) else { continue }
            // A row of an id the chain has not is refused the first time it is seen, so looking
            // the place up first names a twice-stored row exactly as keying the set by id did.
            guard let place = replay.replayed.creditPlace(of: row.creditID) else {
                throw Self.fail("\(name) (entry \(row.seq)): no batch of the chain holds it")
            }
            guard batchCredits.insert(Self.packed(place)).inserted else {
                throw Self.fail("\(name) is stored twice")
            }
            guard place.seq == row.seq, Int64(place.index) == row.index else {
                throw Self.fail(
                    "\(name): the stored place (entry \(row.seq), idx \(row.index)) differs from the chain's (entry \(place.seq), idx \(place.index))"
                )
            }
        }
    }

    /// After the last page of each table: every row the replay has was stored.
    package func finish(replay: Verifier) throws(VerificationFailure) {
        let replayed = replay.replayed
        if let missing = replayed.claimRecords.values.filter({ !claims.contains($0.id) }).min(by: { $0.seq < $1.seq }) {
            throw Self.fail("claims: the row of claim \(missing.id) (entry \(missing.seq)) is missing")
        }
        if let missing = replayed.reversalSeqs.filter({ !reversals.contains($0.key) }).min(by: { $0.value < $1.value })
        {
            throw Self.fail("reversals: the row of \(missing.key) (reversed by entry \(missing.value)) is missing")
        }
        // Every row seen names a distinct credit of the chain, so as many rows as credits is all
        // of them; only when one is missing are the credits searched for it.
        if batchCredits.count != replayed.creditCount,
            let missing = replayed.creditPlaces.filter({ !batchCredits.contains(Self.packed($0.value)) }).min(by: {
                ($0.value.seq, $0.value.index) < ($1.value.seq, $1.value.index)
            })
        {
            throw Self.fail(
                "batch_credits: the row of credit \(missing.key) (entry \(missing.value.seq), idx \(missing.value.index)) is missing"
            )
        }
        guard subjects.count != replayed.subjectCount else { return }
        for (account, seqs) in replayed.subjectSeqsByAccount.sorted(by: { $0.key < $1.key }) {
            for seq in seqs where !subjects.contains(StoredSubjectRow(account: account.rawValue, seq: seq)) {
                throw Self.fail("personal_subjects: the row (\(account), \(seq)) is missing")
            }
        }
    }

    /// A credit's place as one integer: a batch holds at most `CreditBatch.maxCredits` (1,000).
    private static func packed(_ place: (seq: Int64, index: Int)) -> Int64 { place.seq << 16 | Int64(place.index) }

    /// Whether a row that entry `seq` wrote belongs to the replayed chain: false for one written
    /// after `head` (left for the next audit); a failure for a seq that no entry has.
    private func belongs(_ seq: Int64, _ what: String, pageHead: Int64) throws(VerificationFailure) -> Bool {
        if seq >= 1, seq <= head { return true }
        if seq > head, seq <= pageHead { return false }
        throw Self.fail("\(what) names entry \(seq), which is not in the chain (entries 1 to \(pageHead))")
    }

    private static func sortedContains(_ seqs: [Int64], _ seq: Int64) -> Bool {
        var (low, high) = (0, seqs.count)
        while low < high {
            let middle = (low + high) / 2
            if seqs[middle] < seq { low = middle + 1 } else { high = middle }
        }
        return low < seqs.count && seqs[low] == seq
    }

    private static func show(_ value: String?) -> String { value ?? "NULL" }

    private static func fail(_ reason: String) -> VerificationFailure { VerificationFailure(seq: nil, reason: reason) }
}

extension Verifier {
    /// Compares the stored Merkle nodes (`merkle_nodes`) of the entries checked since the last call
    /// with the nodes those entries complete: the daemon builds every proof and root from them.
    package mutating func checkTreeNodes(_ stored: [StoredNode]) throws(VerificationFailure) {
        let expected = takeCompletedNodes()
        // The daemon serves a page's nodes by level, then index: compared in that order, with no
        // table of positions, when every one matches; anything else is judged below, which names
        // the first that differs.
        if stored.count == expected.count {
            let ordered = expected.sorted { ($0.level, $0.index) < ($1.level, $1.index) }
            if zip(ordered, stored).allSatisfy({
                Int64($0.level) == $1.level && Int64($0.index) == $1.index && $0.hash.bytes == $1.hash
            }) {
                return
            }
        }
        var hashes: [NodePosition: SHA256Digest] = [:]
        for node in expected { hashes[NodePosition(level: Int64(node.level), index: Int64(node.index))] = node.hash }
        var seen = Set<NodePosition>()
        for node in stored {
            let position = NodePosition(level: node.level, index: node.index)
            guard let hash = hashes[position] else {
                throw Self.treeFailure("\(position) is no node that entries of this page complete")
            }
            guard seen.insert(position).inserted else { throw Self.treeFailure("\(position) is stored twice") }
            guard node.hash == hash.bytes else {
                throw Self.treeFailure(
                    "\(position): the stored hash \(Hex.encode(node.hash)) differs from the chain's \(hash.hex)")
            }
        }
        for node in expected {
            let position = NodePosition(level: Int64(node.level), index: Int64(node.index))
            if !seen.contains(position) { throw Self.treeFailure("\(position) is missing") }
        }
    }

    /// Compares how many rows each derived table holds (counted in the snapshot of the stored
    /// state) with what the replayed chain explains: a row of no entry (a node of no subtree, a
    /// text of no entry) is never looked up by the replay, but the daemon may read it.
    package func checkTableRows(_ rows: TableRows, hasCheckpoint: Bool) throws(VerificationFailure) {
        func check(_ table: String, _ stored: Int64, _ chain: Int, _ what: String) throws(VerificationFailure) {
            guard stored != Int64(chain) else { return }
            throw VerificationFailure(
                seq: nil, reason: "the \(table) table holds \(stored) rows, but the chain explains \(chain) (\(what))")
        }
        try check("ledger", rows.ledger, state.ledger == nil ? 0 : 1, "one after ledger.init")
        guard (0...1).contains(rows.settings) else {
            throw VerificationFailure(
                seq: nil, reason: "the settings table holds \(rows.settings) rows, but it holds one at most")
        }
        try check("checkpoint", rows.checkpoint, hasCheckpoint ? 1 : 0, "the latest checkpoint")
        try check("merkle_nodes", rows.merkleNodes, Int(Self.nodeCount(size: entries)), "one per complete subtree")
        try check("claims", rows.claims, replayed.claimRecords.count, "one per claim")
        try check("reversals", rows.reversals, replayed.reversalSeqs.count, "one per reversed transaction")
        if (state.ledger?.version ?? 1) < 2 {
            try check("personal_data", rows.personalData, 0, "a version 1 ledger keeps no personal texts")
        } else if let texts = personalTextCount {
            try check("personal_data", rows.personalData, texts, "one per personal text served with the entries")
        }
        try check(
            "personal_subjects", rows.personalSubjects, replayed.subjectCount,
            "one per account an entry with personal data touches")
    }

    /// The complete subtrees of a tree of `size` leaves: `size` leaves, `size / 2` pairs, and so on.
    package static func nodeCount(size: Int64) -> Int64 {
        var (level, total) = (max(size, 0), Int64(0))
        while level > 0 {
            total += level
            level >>= 1
        }
        return total
    }

    private static func treeFailure(_ reason: String) -> VerificationFailure {
        VerificationFailure(seq: nil, reason: "merkle_nodes: \(reason)")
    }
}

/// A node's place in the tree, as `merkle_nodes` names it (its key `pos` is computed from these).
struct NodePosition: Hashable, CustomStringConvertible {
    var level: Int64
    var index: Int64

    /// Level and idx, and the entries the subtree covers when the place is a possible one.
    var description: String {
        guard (0..<62).contains(level), index >= 0, index < Int64.max >> level else {
            return "level \(level) idx \(index)"
        }
        let first = index << level + 1
        let last = (index + 1) << level
        return "level \(level) idx \(index) (\(first == last ? "entry \(first)" : "entries \(first) to \(last)"))"
    }
}
