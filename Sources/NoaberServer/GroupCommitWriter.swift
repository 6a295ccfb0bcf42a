import Dispatch
import Logging
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import Synchronization
import NoaberTransparency

/// A submission made ready outside the writer: parsed, and its signature checked where the key is
/// known, so that the single writer spends its time on the rules and the disk.
struct Submission: Sendable {
    var signed: SignedEntry
    var payload: Payload
    /// The public key the signature verified with, if it was checked already.
    var verifiedWith: Ed25519PublicKey?
    var peer: PeerCredentials?
}

/// The daemon's single writer. Submissions queue up while a commit is in flight; the next commit
/// takes all of them: each is judged by the rules in order, the accepted ones are written in one
/// SQLite transaction (one fsync), and only then is every waiting client answered.
final class GroupCommitWriter: Sendable {
    typealias Outcome = Result<SubmitResult, RPCError>

    /// One client's submissions: a single entry, or a batch that is applied all-or-nothing.
    private struct Waiting {
        var submissions: [Submission]
        var continuation: CheckedContinuation<[Outcome], Never>
    }

    private struct Queue {
        var waiting: [Waiting] = []
        var draining = false
        var closed = false
    }

    private let queue = Mutex(Queue())
    private let dispatch = DispatchQueue(label: "noaber.writer")
    private let core: WriterCore
    /// Every registered key's public key; a key id names one public key for the ledger's whole life.
    private let keys: Mutex<[KeyID: Ed25519PublicKey]>
    private let logger: Logger
    let groupCommits = Atomic<Int64>(0)
    let entriesCommitted = Atomic<Int64>(0)

    init(
        store: LedgerStore, clock: @escaping @Sendable () -> Timestamp, logger: Logger,
        logKey: Ed25519PrivateKey, logKeyPath: String, checkpointEveryCommit: Bool = true
    ) throws(StoreError) {
        let core = try WriterCore(
            store: store, clock: clock, logger: logger,
            checkpoints: CheckpointSigner(key: logKey, keyPath: logKeyPath, everyCommit: checkpointEveryCommit))
        self.core = core
        self.logger = logger
        keys = Mutex(core.publicKeys)
    }

    /// Parses and checks the signature on the caller's task, so that both cores share that work,
    /// then queues the submission for the next group commit.
    func submit(_ signed: SignedEntry, peer: PeerCredentials?) async -> Outcome {
        switch prepare(signed, peer: peer) {
        case .failure(let error): return .failure(error)
        case .success(let submission): return await enqueue([submission])[0]
        }
    }

    /// Submits entries that are applied all-or-nothing: all in one group commit, in order, or none
    /// of them (each outcome then says why: its own refusal, or that another entry was refused).
    func submitBatch(_ entries: [SignedEntry], peer: PeerCredentials?) async -> [Outcome] {
        var submissions: [Submission] = []
        for (index, signed) in entries.enumerated() {
            switch prepare(signed, peer: peer) {
            case .failure(let error):
                return entries.indices.map { $0 == index ? .failure(error) : .failure(Self.aborted(by: index, error)) }
            case .success(let submission): submissions.append(submission)
            }
        }
        return await enqueue(submissions)
    }

    static func aborted(by index: Int, _ error: RPCError) -> RPCError {
        RPCError(
            code: error.code, reason: error.reason,
            message: "batch entry \(index + 1) was refused (\(error.message)), so nothing of the batch was written")
    }

    private func prepare(_ signed: SignedEntry, peer: PeerCredentials?) -> Result<Submission, RPCError> {
        let payload: Payload
        do { payload = try Payload.decode(signed.payload) } catch {
            logger.notice("refused", metadata: ["reason": "\(error.reason)", "error": "\(error.message)", "peer": "\(peer?.description ?? "unknown")"])
            return .failure(RPCError(error))
        }
        let candidate: Ed25519PublicKey? =
            if case .ledgerInit(let body) = payload.body { try? body.adminKey.parsedKey() } else { keys.withLock { $0[signed.keyID] } }
        let verified = candidate.flatMap { $0.keyID == signed.keyID && signed.isValid(for: payload, with: $0) ? $0 : nil }
        return .success(Submission(signed: signed, payload: payload, verifiedWith: verified, peer: peer))
    }

    /// Queues the submissions together, so that one group commit takes all of them.
    private func enqueue(_ submissions: [Submission]) async -> [Outcome] {
        await withCheckedContinuation { continuation in
            let startDrain = queue.withLock { q -> Bool? in
                guard !q.closed else { return nil }
                q.waiting.append(Waiting(submissions: submissions, continuation: continuation))
                defer { q.draining = true }
                return !q.draining
            }
            switch startDrain {
            case nil: continuation.resume(returning: submissions.map { _ in .failure(.shuttingDown) })
            case true?: dispatch.async { self.drain() }
            case false?: break
            }
        }
    }

    /// Signs a checkpoint for the current tree if the latest one is older (interval mode and
    /// start-up); runs on the writer's queue, so it never races a commit.
    func checkpointIfBehind() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            dispatch.async {
                self.core.checkpointIfBehind()
                continuation.resume()
            }
        }
    }

    /// Writes the demurrage due by now, if any, in a group of its own: the daemon's timer calls this
    /// so that charges are made at the period's start even when nobody writes, and at start-up, to
    /// catch up on the periods missed while it was down.
    func writeDueDemurrage() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            dispatch.async {
                _ = self.core.commit([])
                continuation.resume()
            }
        }
    }

    /// Refuses new submissions, lets the queued ones commit, then closes the database.
    func shutdown() async {
        queue.withLock { $0.closed = true }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            dispatch.async {
                self.core.close()
                continuation.resume()
            }
        }
    }

    private func drain() {
        while let batch = queue.withLock({ q -> [Waiting]? in
            guard !q.waiting.isEmpty else {
                q.draining = false
                return nil
            }
            defer { q.waiting.removeAll(keepingCapacity: true) }
            return q.waiting
        }) {
            let (outcomes, newKeys) = core.commit(batch.map(\.submissions))
            if !newKeys.isEmpty { keys.withLock { for key in newKeys { $0[key.keyID] = key } } }
            let committed = outcomes.joined().count { if case .success(let r) = $0 { !r.replayed } else { false } }
            if committed > 0 {
                groupCommits.add(1, ordering: .relaxed)
                entriesCommitted.add(Int64(committed), ordering: .relaxed)
            }
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
        }
    }
}

/// The writer's state; touched only on the writer's serial dispatch queue, hence unchecked.
private final class WriterCore: @unchecked Sendable {
    private var store: LedgerStore?
    private var state: LedgerState
    private var head: (seq: Int64, hash: SHA256Digest, time: Timestamp?)
    /// Set when a failed commit left memory and disk in doubt; every later write is refused.
    private var halted: String?
    private let clock: @Sendable () -> Timestamp
    private let logger: Logger
    private let checkpoints: CheckpointSigner
    /// The tree size of the latest stored checkpoint.
    private var checkpointSize: UInt64
    /// What the log key has signed, beside the key (see `SignedHeadFile`).
    private let signedHead: SignedHeadFile

    init(store: LedgerStore, clock: @escaping @Sendable () -> Timestamp, logger: Logger, checkpoints: CheckpointSigner) throws(StoreError) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.checkpoints = checkpoints
        state = try store.loadState()
        let summary = try store.connection.summary()
        head = (summary.entries, summary.headHash, summary.headTime)
        checkpointSize = try store.connection.latestCheckpoint()?.treeSize ?? 0
        signedHead = SignedHeadFile(logKeyPath: checkpoints.keyPath)
        try Self.requireExtends(signedHead, store: store)
        let logKey = checkpoints.key.publicKey.keyID
        if state.ledger != nil, state.keys[logKey].map({ $0.role != .log || $0.revokedSeq != nil }) ?? true {
            logger.warning(
                "the ledger does not name this daemon's log key as an active log key, so no checkpoints are signed; an admin announces it with `noaber key add --role log`",
                metadata: ["key_id": "\(logKey.hex)"])
        }
    }

    /// Refuses to start when this tree does not extend what the log key already signed: a new
    /// checkpoint from it would contradict one that may have been published.
    private static func requireExtends(_ file: SignedHeadFile, store: LedgerStore) throws(StoreError) {
        let signed: SignedHeadFile.Head?
        do { signed = try file.read() } catch { throw .treeMismatch("cannot read \(file.path): \(error)") }
        guard let signed else { return }
        guard signed.size <= store.tree.size else {
            throw .treeMismatch(
                "the log key has signed a checkpoint of \(signed.size) entries (\(file.path)), but this database holds \(store.tree.size): it was restored from an older backup or cut short. Restore the newer database, or start with a new log key (and announce it)")
        }
        let root = try store.connection.merkleRoot(size: signed.size)
        guard root == signed.root else {
            throw .treeMismatch(
                "the log key has signed root \(signed.root.base64) for \(signed.size) entries (\(file.path)), but this database gives \(root.base64): its history differs from what was signed")
        }
    }

    /// Records a durable checkpoint beside the log key; a failure is logged, since the checkpoint
    /// itself is already stored and served.
    private func remember(size: UInt64, root: SHA256Digest) {
        do { try signedHead.write(.init(size: size, root: root)) } catch {
            logger.error("cannot record the signed checkpoint beside the log key", metadata: ["error": "\(error)"])
        }
    }

    func checkpointIfBehind() {
        guard let store, halted == nil, store.tree.size > checkpointSize else { return }
        let (size, root) = (store.tree.size, store.tree.root)
        guard let note = checkpoints.sign(size: size, root: root, state: state, logger: logger) else { return }
        do {
            try store.saveCheckpoint(note, size: size, root: root, at: clock())
            checkpointSize = size
            remember(size: size, root: root)
            logger.debug("checkpoint signed", metadata: ["tree_size": "\(size)", "root": "\(root.hex)"])
        } catch {
            logger.error("cannot store a checkpoint", metadata: ["error": "\(error)"])
        }
    }

    var publicKeys: [KeyID: Ed25519PublicKey] { state.keys.mapValues(\.publicKey) }

    func close() {
        try? store?.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store = nil
    }

    /// Judges and writes one group; returns each unit's outcomes and the keys it registered. A unit
    /// is one client's submission: a single entry, or a batch accepted whole or not at all.
    func commit(_ units: [[Submission]]) -> ([[GroupCommitWriter.Outcome]], [Ed25519PublicKey]) {
        let (flat, newKeys) = commit(units.joined().map { $0 }, unitSizes: units.map(\.count))
        var rest = flat[...]
        return (units.map { unit in
            defer { rest = rest.dropFirst(unit.count) }
            return Array(rest.prefix(unit.count))
        }, newKeys)
    }

    private func commit(_ batch: [Submission], unitSizes: [Int]) -> ([GroupCommitWriter.Outcome], [Ed25519PublicKey]) {
        guard let store else { return (batch.map { _ in .failure(.shuttingDown) }, []) }
        if let halted { return (batch.map { _ in .failure(.storage(halted)) }, []) }

        var outcomes = [GroupCommitWriter.Outcome?](repeating: nil, count: batch.count)
        var accepted: [AcceptedEntry] = []
        var acceptedIndex: [Int: Int] = [:]
        var replayedInBatch = Set<Int>()
        var idsInBatch: [String: Int] = [:]
        // Refused only because of an entry in this group: if the group is not written, neither
        // answer may stand, so they become storage errors too.
        var conflictsInBatch: [Int] = []
        // Commit times never go backwards along the chain, even if the wall clock does.
        let time = max(clock(), head.time ?? Timestamp(millisecondsSinceEpoch: 0))
        let prior = WriterPriorEntries(connection: store.connection)
        // Demurrage due by now is charged first, on the balances as they stood at its period's start.
        for entry in dueDemurrage(at: time, after: head, prior: prior) {
            idsInBatch[entry.payload.id] = accepted.count
            accepted.append(entry)
        }
        // Where each unit starts; a batch that has a refusal is rolled back to its start.
        var batchEnds: [Int: Range<Int>] = [:]
        var start = 0
        for size in unitSizes {
            if size > 1 { batchEnds[start + size - 1] = start..<(start + size) }
            start += size
        }
        let batchStarts = Set(batchEnds.values.map(\.lowerBound))
        var snapshot = (
            state: state, accepted: 0, acceptedIndex: acceptedIndex, replayed: replayedInBatch, ids: idsInBatch,
            conflicts: conflictsInBatch, prior: prior.snapshot())

        for (index, submission) in batch.enumerated() {
            // Only batches can be undone, so only they pay for a copy of the state.
            if batchStarts.contains(index) {
                snapshot = (state, accepted.count, acceptedIndex, replayedInBatch, idsInBatch, conflictsInBatch, prior.snapshot())
            }
            defer {
                if let unit = batchEnds[index] {
                    if let failed = unit.first(where: { if case .failure = outcomes[$0] { true } else { false } }),
                        case .failure(let error)? = outcomes[failed]
                    {
                        // All-or-nothing: undo what the batch's other entries did, and say why.
                        (state, acceptedIndex, replayedInBatch, idsInBatch, conflictsInBatch) =
                            (snapshot.state, snapshot.acceptedIndex, snapshot.replayed, snapshot.ids, snapshot.conflicts)
                        accepted.removeLast(accepted.count - snapshot.accepted)
                        prior.restore(snapshot.prior)
                        for i in unit where i != failed {
                            outcomes[i] = .failure(GroupCommitWriter.aborted(by: failed - unit.lowerBound, error))
                        }
                    }
                }
            }
            let (signed, payload, peer) = (submission.signed, submission.payload, submission.peer)
            // Idempotency: the same id with the same bytes answers with the original entry.
            if let earlier = idsInBatch[payload.id] {
                if accepted[earlier].entry.signed == signed {
                    acceptedIndex[index] = earlier
                    replayedInBatch.insert(index)
                } else {
                    outcomes[index] = refuse(.conflict(entryID: payload.id), peer: peer)
                    conflictsInBatch.append(index)
                }
                continue
            }
            do {
                if let existing = try store.connection.entry(id: payload.id) {
                    outcomes[index] = existing.signed == signed
                        ? .success(SubmitResult(existing, replayed: true))
                        : refuse(.conflict(entryID: payload.id), peer: peer)
                    continue
                }
            } catch {
                outcomes[index] = .failure(.storage("\(error)"))
                continue
            }
            let (seq, exhausted) = head.seq.addingReportingOverflow(Int64(accepted.count) + 1)
            guard !exhausted else {
                outcomes[index] = .failure(.storage("the sequence numbers are exhausted (the database was edited)"))
                continue
            }
            do { try state.apply(signed, decoded: payload, seq: seq, at: time, verifiedWith: submission.verifiedWith, prior: prior) } catch {
                outcomes[index] = refuse(error, peer: peer)
                continue
            }
            prior.accepted(payload, seq: seq, at: time)
            let prevHash = accepted.last?.entry.hash ?? head.hash
            let entry = CommittedEntry(
                seq: seq, entryID: payload.id, kind: payload.kind, signed: signed, committedAt: time, prevHash: prevHash,
                hash: EntryHash.compute(seq: seq, prevHash: prevHash, committedAt: time, signed: signed))
            idsInBatch[payload.id] = accepted.count
            acceptedIndex[index] = accepted.count
            accepted.append(AcceptedEntry(entry: entry, payload: payload))
        }

        if !accepted.isEmpty {
            var signed: (size: UInt64, root: SHA256Digest)?
            do {
                // In interval mode the first checkpoint still comes with the commit that makes one
                // possible, so a ledger never names a log key without a checkpoint for long.
                let signNow = checkpoints.everyCommit || checkpointSize == 0
                try store.append(accepted, settings: state.settings, checkpoint: { size, root in
                    guard signNow, let note = checkpoints.sign(size: size, root: root, state: state, logger: logger) else { return nil }
                    signed = (size, root)
                    return note
                })
                // A note signed for a group that failed to commit is dropped unseen, never served.
                if let signed {
                    checkpointSize = signed.size
                    remember(size: signed.size, root: signed.root)
                }
            } catch {
                logger.error("commit failed; nothing of this group was written", metadata: ["error": "\(error)"])
                do { state = try store.loadState() } catch {
                    halted = "the writer stopped after a failed commit; restart noaberd"
                    logger.critical("cannot reload state after a failed commit", metadata: ["error": "\(error)"])
                }
                for index in Array(acceptedIndex.keys) + conflictsInBatch { outcomes[index] = .failure(.storage("\(error)")) }
                return (outcomes.map { $0! }, [])
            }
            let last = accepted[accepted.count - 1].entry
            head = (last.seq, last.hash, last.committedAt)
        }
        for (index, position) in acceptedIndex {
            let entry = accepted[position].entry
            let replayed = replayedInBatch.contains(index)
            outcomes[index] = .success(SubmitResult(entry, replayed: replayed))
            if !replayed {
                logger.info(
                    "committed",
                    metadata: [
                        "seq": "\(entry.seq)", "entry_id": "\(entry.entryID)", "kind": "\(entry.kind.rawValue)",
                        "key_id": "\(entry.signed.keyID.hex)", "peer": "\(batch[index].peer?.description ?? "unknown")",
                    ])
            }
        }
        let newKeys = accepted.compactMap { accepted -> Ed25519PublicKey? in
            switch accepted.payload.body {
            case .ledgerInit(let body): try? body.adminKey.parsedKey()
            case .keyAdd(let body): try? body.key.parsedKey()
            default: nil
            }
        }
        return (outcomes.map { $0! }, newKeys)
    }

    /// The demurrage entries due at `time`, signed with the log key and accepted into `state`: at
    /// most `maxDemurragePerGroup`, the rest in the next group. None if the log key is not one of
    /// the ledger's active log keys, which is logged: then every other entry is refused until it is.
    private func dueDemurrage(at time: Timestamp, after head: (seq: Int64, hash: SHA256Digest, time: Timestamp?), prior: WriterPriorEntries)
        -> [AcceptedEntry]
    {
        var due = state.dueDemurrage(at: time)
        guard let ledger = state.ledger, due != nil else { return [] }
        let logKey = checkpoints.key
        guard let known = state.keys[logKey.publicKey.keyID], known.role == .log, known.revokedSeq == nil else {
            logger.error(
                "demurrage is due, but this daemon's log key is not an active log key of the ledger, so it cannot write it; other entries are refused until it does",
                metadata: ["key_id": "\(logKey.publicKey.keyID.hex)"])
            return []
        }
        var written: [AcceptedEntry] = []
        while written.count < Self.maxDemurragePerGroup, let tx = due {
            defer { due = state.dueDemurrage(at: time) }
            let seq = head.seq + Int64(written.count) + 1
            let payload = Payload(ledger: ledger.id, id: "demurrage-\(tx.period ?? "")-\(seq)", body: .transaction(tx))
            guard let signed = try? SignedEntry.sign(payload, with: logKey) else {
                logger.critical("cannot sign the demurrage with the log key")
                break
            }
            do { try state.apply(signed, decoded: payload, seq: seq, at: time, verifiedWith: logKey.publicKey, prior: prior) } catch {
                logger.critical("the demurrage the rules computed was refused by them", metadata: ["error": "\(error.message)"])
                break
            }
            prior.accepted(payload, seq: seq, at: time)
            let prevHash = written.last?.entry.hash ?? head.hash
            let entry = CommittedEntry(
                seq: seq, entryID: payload.id, kind: payload.kind, signed: signed, committedAt: time, prevHash: prevHash,
                hash: EntryHash.compute(seq: seq, prevHash: prevHash, committedAt: time, signed: signed))
            written.append(AcceptedEntry(entry: entry, payload: payload))
            logger.info("demurrage charged", metadata: ["seq": "\(seq)", "period": "\(tx.period ?? "")", "accounts": "\(tx.postings.count - 1)"])
        }
        return written
    }

    static let maxDemurragePerGroup = 1000

    private func refuse(_ error: LedgerError, peer: PeerCredentials?) -> GroupCommitWriter.Outcome {
        logger.notice(
            "refused", metadata: ["reason": "\(error.reason)", "error": "\(error.message)", "peer": "\(peer?.description ?? "unknown")"])
        return .failure(RPCError(error))
    }
}
