package import NoaberCore
import NoaberCrypto
package import NoaberProtocol
package import NoaberTransparency

/// The whole audit of one chain, fed page by page from a daemon or from an export: every entry
/// through the verifier (signatures checked on every core first), then the stored state, then any
/// checkpoints against the replayed Merkle tree and the chain's log keys.
package struct ChainAudit: Sendable {
    package internal(set) var verifier: Verifier
    /// The derived tables read after the replay, once `finish(stored:)` has passed.
    var tables: DerivedTablesAudit?
    /// Whether the stored tables will be read row by row (from a daemon; an export has none):
    /// then each page's Merkle nodes are compared as the entries are replayed, and the row counts
    /// after the rows, so that a row that is missing or changed is named rather than counted.
    package let readsTables: Bool

    /// `checkpointSizes`: the tree sizes of the checkpoints that will be checked, whose roots the
    /// replay keeps on its way. `readsTables`: see above.
    package init(checkpointSizes: Set<UInt64> = [], readsTables: Bool = false) {
        verifier = Verifier(rootsWanted: checkpointSizes, keepsNodes: readsTables)
        self.readsTables = readsTables
    }

    /// The personal texts of an export's personal part, checked with the chain at the end.
    package mutating func addPersonal(_ texts: [(seq: Int64, text: PersonalText)]) {
        verifier.addPersonal(texts)
    }

    /// Checks the next page of entries; `decoded`: its `SignaturePrecheck.decode(_:)`, when the
    /// reader made it ahead (while the page before was checked).
    package mutating func check(
        page: [StoredEntry], decoded: [SignaturePrecheck.Decoded]? = nil
    ) throws(VerificationFailure) {
        let known = verifier.state.keys.mapValues(\.publicKey)
        let prechecks = SignaturePrecheck.run(page, decoded: decoded, known: known)
        for (stored, precheck) in zip(page, prechecks) { try verifier.check(stored, precheck: precheck) }
    }

    /// Compares the stored derived state (as the daemon reported it) with the replay.
    package func finish(stored: StateResult) throws(VerificationFailure) {
        guard verifier.entries == stored.headSeq else {
            throw VerificationFailure(
                seq: verifier.entries + 1,
                reason: "entry \(verifier.entries + 1) is missing (the stored head is entry \(stored.headSeq))")
        }
        try verifier.finish(stored: try stored.ledgerState(), rows: stored.rows)
        if !readsTables { try checkStoredRows(stored) }
    }

    /// Checks that `checkpoint` names this ledger, commits to a prefix of the replayed chain with
    /// the same root, and is signed by a log key the chain names as active at the checkpoint's
    /// size; with `pinned` (the auditor's own copy of the verifier key), by one of those that is
    /// also pinned, so a pinned key the chain has since revoked vouches for nothing.
    @discardableResult
    package func check(
        checkpoint signed: SignedCheckpoint, pinned: [NoteVerifierKey]? = nil
    ) throws(VerificationFailure) -> NoteVerifierKey {
        func fail(_ reason: String) -> VerificationFailure {
            VerificationFailure(seq: nil, reason: "checkpoint: \(reason)")
        }
        let checkpoint = signed.checkpoint
        guard let ledger = verifier.state.ledger else { throw fail("the chain is empty") }
        let origin = LogOrigin.origin(ledgerID: ledger.id)
        guard checkpoint.origin == origin else {
            throw fail("it is for \(checkpoint.origin), not this ledger (\(origin))")
        }
        guard checkpoint.size <= UInt64(verifier.entries) else {
            throw fail(
                "it commits to \(checkpoint.size) entries, but the chain holds only \(verifier.entries): entries were cut off"
            )
        }
        guard checkpoint.size > 0, let root = verifier.root(atSize: checkpoint.size) else {
            throw fail("no replayed root at size \(checkpoint.size)")
        }
        guard root == checkpoint.root else {
            throw VerificationFailure(
                seq: nil,
                reason:
                    "checkpoint: its root for the first \(checkpoint.size) entries is \(checkpoint.root.base64), but the entries give \(root.base64): the ledger was rewritten"
            )
        }
        let active = Self.logKeys(of: verifier.state, atSize: checkpoint.size, origin: origin)
        guard !active.isEmpty else { throw fail("the chain names no log key active at size \(checkpoint.size)") }
        var keys = active
        if let pinned {
            keys = active.filter { key in pinned.contains { $0.publicKey == key.publicKey && $0.name == key.name } }
            guard !keys.isEmpty else {
                throw fail(
                    "no --log-key given is a log key the chain names active at size \(checkpoint.size) (revoked, or never announced)"
                )
            }
        }
        do { return try LogOrigin.verify(signed, ledgerID: ledger.id, by: keys) } catch {
            throw fail("\(error); it is signed by \(LogOrigin.signers(of: signed))")
        }
    }

    /// Whether the chain names a log key active at its head: then it must come with a checkpoint.
    package var expectsCheckpoint: Bool {
        guard let ledger = verifier.state.ledger else { return false }
        return !Self.logKeys(
            of: verifier.state, atSize: UInt64(verifier.entries), origin: LogOrigin.origin(ledgerID: ledger.id)
        ).isEmpty
    }

    /// The log keys active at tree size `size`: added by then, and not revoked by then.
    package static func logKeys(of state: LedgerState, atSize size: UInt64, origin: String) -> [NoteVerifierKey] {
        state.keys.values
            .filter {
                $0.role == .log && $0.addedSeq <= Int64(size) && ($0.revokedSeq.map { $0 > Int64(size) } ?? true)
            }
            .sorted { $0.addedSeq < $1.addedSeq }
            .compactMap { try? NoteVerifierKey(name: origin, publicKey: $0.publicKey) }
    }
}

/// What an audit found, as `noaber verify` prints it.
package struct AuditReport: Encodable, Sendable {
    package var ok: Bool
    package var ledgerId: String?
    package var entries: Int64
    package var accounts: Int
    package var keys: Int
    package var headHash: String
    package var treeRoot: String
    package var totals: Totals?
    package var checkpoints: [CheckpointReport]
    package var failure: Failure?
    /// Texts of version 1 entries that break the character rule added after them (docs/FORMAT.md §2).
    package var warnings: [Warning]

    /// The currency's money by kind of holder; issuers' balances are negative, so these sum to zero.
    package struct Totals: Encodable, Sendable {
        package var currency: String
        package var issued: String
        package var heldByMembers: String
        package var heldByMerchants: String
    }

    package struct CheckpointReport: Encodable, Sendable {
        package var source: String
        package var treeSize: UInt64
        package var root: String
        package var signedBy: String?

        package init(source: String, treeSize: UInt64, root: String, signedBy: String?) {
            self.source = source
            self.treeSize = treeSize
            self.root = root
            self.signedBy = signedBy
        }
    }

    package struct Failure: Encodable, Sendable {
        package var seq: Int64?
        package var reason: String
    }

    package struct Warning: Encodable, Sendable {
        package var seq: Int64
        package var field: String
        package var message: String
    }

    package init(audit: ChainAudit, checkpoints: [CheckpointReport], failure: VerificationFailure?) {
        let verifier = audit.verifier
        ok = failure == nil
        ledgerId = verifier.state.ledger?.id
        entries = verifier.entries
        accounts = verifier.state.accounts.count
        keys = verifier.state.keys.count
        headHash = verifier.headHash.hex
        treeRoot = verifier.tree.root.base64
        self.checkpoints = checkpoints
        self.failure = failure.map { Failure(seq: $0.seq, reason: $0.reason) }
        warnings = verifier.textWarnings.map { Warning(seq: $0.seq, field: $0.field, message: $0.message) }
        if let currency = verifier.state.ledger?.currency {
            func sum(_ kind: AccountKind) -> Int64 {
                // Replayed balances passed the rules' checked arithmetic, so their sums by kind fit
                // unless a total passes Int64; then the report says so rather than trap.
                verifier.state.accounts.values.filter { $0.kind == kind }.reduce(Int64(0)) { total, account in
                    let (value, overflow) = total.addingReportingOverflow(account.balance)
                    return overflow ? Int64.max : value
                }
            }
            let issued = sum(.issuer)
            totals = Totals(
                currency: currency.code, issued: currency.format(issued == Int64.min ? Int64.max : -issued),
                heldByMembers: currency.format(sum(.member)), heldByMerchants: currency.format(sum(.merchant)))
        }
    }
}
