import Logging
import NoaberCore
import NoaberCrypto
import NoaberStore
import NoaberTransparency
import Synchronization

/// Where the chain ends: the last committed entry's number, hash and time.
struct ChainHead {
    var seq: Int64
    var hash: SHA256Digest
    var time: Timestamp?
}

/// The writer's state; touched only on the writer's serial dispatch queue, hence unchecked.
final class WriterCore: @unchecked Sendable {
    var store: LedgerStore?
    var state: LedgerState
    var head: ChainHead
    /// Set when a failed commit left memory and disk in doubt; every later write is refused.
    private(set) var halted: String?
    let clock: @Sendable () -> Timestamp
    let logger: Logger
    let checkpoints: CheckpointSigner
    /// The tree size of the latest stored checkpoint.
    var checkpointSize: UInt64
    /// What the log key has signed, beside the key (see `SignedHeadFile`).
    let signedHead: SignedHeadFile
    /// The group being judged; empty between commits.
    var draft = GroupDraft()
    /// The checkpoint the last group signed, while its commit waits for its sync: recorded beside
    /// the log key only once durable (`rememberDurable`).
    var unsyncedHead: SignedHeadFile.Head?
    /// The largest checkpoint recorded beside the log key by this run; the sync's thread and the
    /// writer's both record, so this also orders them.
    let rememberedSize = Mutex<UInt64>(0)
    /// Set when this database is a restored backup (`noaber backup`): while it names this
    /// daemon's log key, no checkpoint is signed (WriterCore+Restore.swift).
    var restore: RestoreGuard?
    /// What `ledger.status` reports of that hold, readable from any thread.
    let hold = Mutex<CheckpointHold?>(nil)

    init(
        store: LedgerStore, clock: @escaping @Sendable () -> Timestamp, logger: Logger, checkpoints: CheckpointSigner
    ) throws(StoreError) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.checkpoints = checkpoints
        state = try store.loadState()
        let summary = try store.connection.summary()
        head = ChainHead(seq: summary.entries, hash: summary.headHash, time: summary.headTime)
        checkpointSize = try store.connection.latestCheckpoint()?.treeSize ?? 0
        signedHead = SignedHeadFile(logKeyPath: checkpoints.keyPath)
        restore = try store.connection.restoreGuard()
        // A restored backup holds its checkpoints instead: `log.key.signed` may have come back
        // with it, or be missing, and either way cannot tell what was published since.
        if !holdsCheckpoints { try Self.requireExtends(signedHead, store: store) }
        announceRestore()
        warnIfLogKeyIsNotActive()
    }

    func close() {
        // After a failed sync the WAL's pages on the disk are in doubt: they are not copied into
        // the database file; the next start recovers from what the WAL holds.
        if store?.connection.walSync?.failure == nil {
            try? store?.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        store = nil
    }

    /// Judges and writes one group; returns each unit's outcome and the entries written.
    /// A unit is one client's submission: a single entry, or a batch accepted whole or not at all.
    ///
    /// With `deferringSync` the group is committed but not yet durable when this returns: its
    /// answers wait for `WALSync` (`GroupCommitWriter.drain`).
    ///
    /// `more` is asked, once the units are judged, for units that arrived since, until it returns
    /// nil: they join the same group (`GroupCommitWriter` asks while the last group's sync runs).
    /// The outcomes are those of `units` and then of every unit `more` gave, in order.
    func commit(
        _ units: [[Submission]], deferringSync: Bool = false, more: @escaping () -> [[Submission]]? = { nil }
    ) -> ([WriteOutcome], [AcceptedEntry]) {
        guard let store else { return (units.map { _ in .shuttingDown }, []) }
        if halted == nil { _ = haltIfSyncFailed(store) }
        if let halted { return (units.map { _ in .storageFailure(halted) }, []) }
        draft = GroupDraft()
        defer { draft = GroupDraft() }
        // Commit times never go backwards along the chain, even if the wall clock does.
        let time = max(clock(), head.time ?? Timestamp(millisecondsSinceEpoch: 0))
        let prior = WriterPriorEntries(store: store)
        // The group is judged in one read transaction: outside one, each of the rules' queries (two
        // per credit of a batch, whose ids must be new) was a transaction of its own, with its locks.
        var units = units
        let judging = { () -> [JudgedUnit] in
            // Demurrage due by now is charged first, on the balances as they stood at its period's start.
            self.admitDueDemurrage(at: time, prior: prior)
            var judged = units.map { self.judge($0, at: time, prior: prior, store: store) }
            while let later = more() {
                units += later
                judged += later.map { self.judge($0, at: time, prior: prior, store: store) }
            }
            return judged
        }
        let judged = (try? store.connection.snapshot { () throws(StoreError) in judging() }) ?? judging()
        if let failure = prior.failure {
            // A rule may have taken the failed query for "none"; nothing of the group is written.
            logger.error(
                "a query failed while the group was judged; nothing of it was written",
                metadata: ["error": .escaped(failure)])
            reloadState(from: store, after: "read")
            return (judged.map { _ in .storageFailure("\(failure)") }, [])
        }
        if !draft.isEmpty, let failure = write(to: store, deferringSync: deferringSync) {
            return (judged.map { $0.dependsOnGroup ? .storageFailure(failure) : $0.outcome(in: draft) }, [])
        }
        for (unit, verdict) in zip(units, judged) { logCommitted(verdict, peer: unit.first?.peer) }
        return (judged.map { $0.outcome(in: draft) }, draft.entries)
    }

    /// Judges one unit in order; a batch with a refusal is rolled back to where it began, so that
    /// nothing of it stays in the state or the draft.
    private func judge(
        _ unit: [Submission], at time: Timestamp, prior: WriterPriorEntries, store: LedgerStore
    ) -> JudgedUnit {
        // Only batches can be undone, so only they pay for a copy of the state.
        let undo = unit.count > 1 ? (state: state, mark: draft.mark, prior: prior.snapshot()) : nil
        var admissions: [Admission] = []
        for (index, submission) in unit.enumerated() {
            let refusal: JudgedUnit
            switch judge(submission, at: time, prior: prior, store: store) {
            case .admitted(let admission):
                admissions.append(admission)
                continue
            case .refused(let error, let byGroup):
                logRefusal(error, peer: submission.peer)
                refusal = .refused(index: index, error, byGroup: byGroup)
            case .failed(let why):
                refusal = .failed(why)
            }
            if let undo {
                state = undo.state
                draft.rollback(to: undo.mark)
                prior.restore(undo.prior)
            }
            return refusal
        }
        return .admitted(admissions)
    }

    private func judge(
        _ submission: Submission, at time: Timestamp, prior: WriterPriorEntries, store: LedgerStore
    ) -> Verdict {
        let (signed, payload) = (submission.signed, submission.payload)
        // Idempotency: the same id with the same bytes answers with the original entry.
        if let earlier = draft.position(of: payload.id) {
            return draft.entries[earlier].entry.signed == signed
                ? .admitted(.inGroup(position: earlier, replayed: true))
                : .refused(.conflict(entryID: payload.id), byGroup: true)
        }
        do {
            if let existing = try store.connection.entry(id: payload.id) {
                return existing.signed == signed
                    ? .admitted(.stored(existing)) : .refused(.conflict(entryID: payload.id), byGroup: false)
            }
        } catch {
            return .failed("\(error)")
        }
        guard let seq = nextSeq else { return .failed("the sequence numbers are exhausted (the database was edited)") }
        do {
            let position = try admit(
                signed, payload, seq: seq, verifiedWith: submission.verifiedWith, at: time, prior: prior,
                personal: submission.personal)
            return .admitted(.inGroup(position: position, replayed: false))
        } catch {
            return .refused(error, byGroup: false)
        }
    }

    /// The number the next entry of the draft gets, or nil once the numbers run out.
    private var nextSeq: Int64? {
        let (seq, exhausted) = head.seq.addingReportingOverflow(Int64(draft.mark) + 1)
        return exhausted ? nil : seq
    }

    /// Applies an entry to the state and links it into the draft: the one place where an entry joins
    /// the chain, for clients' entries and the daemon's demurrage alike.
    func admit(
        _ signed: SignedEntry, _ payload: Payload, seq: Int64, verifiedWith key: Ed25519PublicKey?, at time: Timestamp,
        prior: WriterPriorEntries, personal: [PersonalText] = []
    ) throws(LedgerError) -> Int {
        try state.apply(signed, decoded: payload, seq: seq, at: time, verifiedWith: key, prior: prior)
        let subjects = payload.personalSubjects(claim: prior.claim)
        prior.accepted(payload, seq: seq, at: time)
        let prevHash = draft.previousHash(head: head.hash)
        // One record for both the entry hash and the Merkle leaf (docs/FORMAT.md §9).
        let record = EntryHash.record(seq: seq, prevHash: prevHash, committedAt: time, signed: signed)
        let entry = CommittedEntry(
            seq: seq, entryID: payload.id, kind: payload.kind, signed: signed, committedAt: time, prevHash: prevHash,
            hash: SHA256.hash(record))
        draft.append(
            AcceptedEntry(
                entry: entry, payload: payload, personal: personal, subjects: subjects,
                leafHash: Merkle.leafHash(record)))
        return draft.mark - 1
    }

    /// Writes the draft in one transaction, with a checkpoint where one is due. Returns why it
    /// failed, or nil; after a failure the state is reloaded from disk, or the writer halts.
    func write(to store: LedgerStore, deferringSync: Bool = false) -> String? {
        var signed: (size: UInt64, root: SHA256Digest)?
        do {
            // In interval mode the first checkpoint still comes with the commit that makes one
            // possible, so a ledger never names a log key without a checkpoint for long.
            let signNow = !holdsCheckpoints && (checkpoints.everyCommit || checkpointSize == 0)
            try store.append(draft.entries, settings: state.settings, deferringSync: deferringSync) { size, root in
                guard signNow,
                    let note = self.checkpoints.sign(size: size, root: root, state: self.state, logger: self.logger)
                else {
                    return nil
                }
                signed = (size, root)
                return note
            }
        } catch {
            // Committed, but not known to be on the disk: nothing more is written.
            if let failure = haltIfSyncFailed(store) { return "\(failure)" }
            logger.error("commit failed; nothing of this group was written", metadata: ["error": .escaped(error)])
            reloadState(from: store, after: "commit")
            return "\(error)"
        }
        // A note signed for a group that failed to commit is dropped unseen, never served.
        if let signed {
            checkpointSize = signed.size
            if deferringSync {
                unsyncedHead = .init(size: signed.size, root: signed.root)
            } else {
                remember(size: signed.size, root: signed.root)
            }
        }
        let last = draft.entries[draft.entries.count - 1].entry
        head = ChainHead(seq: last.seq, hash: last.hash, time: last.committedAt)
        releaseIfCaughtUp()
        if store.walHoldsErasedText {
            logger.warning(
                "the WAL still holds pages with erased personal data: a reader kept an older snapshot; the next commit tries again"
            )
        }
        return nil
    }

    /// Stops the writer for good if a sync of the WAL failed (`WALSync`); returns that failure.
    private func haltIfSyncFailed(_ store: LedgerStore) -> StoreError? {
        guard let failure = store.connection.walSync?.failure else { return nil }
        halted = "the ledger's disk failed to sync (\(failure)); restart noaberd"
        logger.critical("a sync of the WAL failed: nothing more is written", metadata: ["error": .escaped(failure)])
        return failure
    }

    /// After a failed `what`, the state goes back to the stored one's; the writer stops if even
    /// that cannot be read.
    private func reloadState(from store: LedgerStore, after what: String) {
        do { state = try store.loadState() } catch {
            halted = "the writer stopped after a failed \(what); restart noaberd"
            logger.critical("cannot reload state after a failed \(what)", metadata: ["error": .escaped(error)])
        }
    }

    /// The demurrage due at `time`, signed with the log key and admitted to the draft: at most
    /// `maxDemurragePerGroup`, the rest in the next group. None if the log key is not one of the
    /// ledger's active log keys, which is logged: then every other entry is refused until it is.
    private func admitDueDemurrage(at time: Timestamp, prior: WriterPriorEntries) {
        var due = state.dueDemurrage(at: time)
        guard let ledger = state.ledger, due != nil else { return }
        let logKey = checkpoints.key
        guard let known = state.keys[logKey.publicKey.keyID], known.role == .log, known.revokedSeq == nil else {
            logger.error(
                "demurrage is due, but this daemon's log key is not an active log key of the ledger, so it cannot write it; other entries are refused until it does",
                metadata: ["key_id": "\(logKey.publicKey.keyID.hex)"])
            return
        }
        for _ in 0..<Self.maxDemurragePerGroup {
            guard let tx = due, let seq = nextSeq else { return }
            let payload = Payload(
                v: ledger.version, ledger: ledger.id, id: "demurrage-\(tx.period ?? "")-\(seq)", body: .transaction(tx))
            guard let signed = try? SignedEntry.sign(payload, with: logKey) else {
                logger.critical("cannot sign the demurrage with the log key")
                return
            }
            do {
                _ = try admit(signed, payload, seq: seq, verifiedWith: logKey.publicKey, at: time, prior: prior)
            } catch {
                logger.critical(
                    "the demurrage the rules computed was refused by them", metadata: ["error": .escaped(error.message)]
                )
                return
            }
            logger.info(
                "demurrage charged",
                metadata: ["seq": "\(seq)", "period": "\(tx.period ?? "")", "accounts": "\(tx.postings.count - 1)"])
            due = state.dueDemurrage(at: time)
        }
    }

    static let maxDemurragePerGroup = 1000

    func logRefusal(_ error: LedgerError, peer: PeerCredentials?) {
        logger.notice(
            "refused",
            metadata: [
                "reason": .escaped(error.reason), "error": .escaped(error.message),
                "peer": "\(peer?.description ?? "unknown")",
            ])
    }

    private func logCommitted(_ unit: JudgedUnit, peer: PeerCredentials?) {
        guard case .admitted(let admissions) = unit else { return }
        for case .inGroup(let position, replayed: false) in admissions {
            let entry = draft.entries[position].entry
            logger.info(
                "committed",
                metadata: [
                    "seq": "\(entry.seq)", "entry_id": .escaped(entry.entryID), "kind": "\(entry.kind.rawValue)",
                    "key_id": "\(entry.signed.keyID.hex)", "peer": "\(peer?.description ?? "unknown")",
                ])
        }
    }
}
