import Dispatch
import Logging
import NoaberCore
import NoaberCrypto
import NoaberStore
import Synchronization

/// A submission made ready outside the writer: parsed, and its signature checked where the key is
/// known, so that the single writer spends its time on the rules and the disk.
struct Submission: Sendable {
    var signed: SignedEntry
    var payload: Payload
    /// The public key the signature verified with, if it was checked already.
    var verifiedWith: Ed25519PublicKey?
    var peer: PeerCredentials?
    /// Entry format v2: the personal texts, checked against the payload's commitments.
    var personal: [PersonalText] = []
}

/// The daemon's single writer. Submissions queue up while a commit is in flight; the next commit
/// takes all of them: each is judged by the rules in order, the accepted ones are written in one
/// SQLite transaction (one fsync), and only then is every waiting client answered.
final class GroupCommitWriter: Sendable {
    /// One client's submission: a single entry, or a batch that is applied all-or-nothing.
    private struct Waiting {
        var submissions: [Submission]
        var continuation: CheckedContinuation<WriteOutcome, Never>
    }

    private struct Queue {
        var waiting: [Waiting] = []
        var draining = false
        var closed = false
    }

    private let queue = Mutex(Queue())
    private let dispatch = DispatchQueue(label: "noaber.writer")
    private let core: WriterCore
    /// Every registered key, kept current after each commit: the signature pre-check reads it here,
    /// and the service judges read authorisations by it.
    let directory: KeyDirectory
    private let logger: Logger
    let groupCommits = Atomic<Int64>(0)
    let entriesCommitted = Atomic<Int64>(0)
    /// Most of the ledger's WAL is copied into its file beside the writer, not inside one of its
    /// commits: that copy grew with the ledger, as more of each commit's pages were distinct, and
    /// every waiting client waited for it (Benchmarks/README.md, "Flat growth").
    private let walCheckpoints: BackgroundCheckpoints

    /// Group commits between two background checkpoints: a few hundred WAL pages each under load.
    static let commitsPerCheckpoint = 8
    /// WAL pages past which the writer checkpoints after a commit itself, as SQLite does by
    /// default at a thousand: by then the background has copied nearly all of them, and a
    /// checkpoint by the only writer, between its own transactions, is what lets the next one
    /// start the WAL over. One from the background would first have to wait for the writer.
    static let restartAbove = WALCheckpointer.defaultRestartAbove

    init(
        store: LedgerStore, clock: @escaping @Sendable () -> Timestamp, logger: Logger,
        logKey: Ed25519PrivateKey, logKeyPath: String, checkpointEveryCommit: Bool = true
    ) throws(StoreError) {
        let core = try WriterCore(
            store: store, clock: clock, logger: logger,
            checkpoints: CheckpointSigner(key: logKey, keyPath: logKeyPath, everyCommit: checkpointEveryCommit))
        self.core = core
        self.logger = logger
        directory = KeyDirectory(core.state)
        walCheckpoints = try BackgroundCheckpoints(
            path: store.database.path, name: "ledger", every: Self.commitsPerCheckpoint, restartAbove: .max,
            logger: logger)
        try store.connection.execute("PRAGMA wal_autocheckpoint = \(Self.restartAbove)")
    }

    /// Submits one client's entries, applied all-or-nothing: a single entry, or a batch that is
    /// written whole in one group commit or not at all. Parsing and signature checks run on the
    /// caller's task, so that both cores share that work.
    func submit(
        _ entries: [SignedEntry], personal: [[PersonalText]] = [], peer: PeerCredentials?
    ) async -> WriteOutcome {
        var submissions: [Submission] = []
        for (index, signed) in entries.enumerated() {
            switch prepare(signed, personal: index < personal.count ? personal[index] : [], peer: peer) {
            case .failure(let error): return .refused(index: index, error)
            case .success(let submission): submissions.append(submission)
            }
        }
        guard !submissions.isEmpty else { return .accepted([]) }
        return await enqueue(submissions)
    }

    private func prepare(
        _ signed: SignedEntry, personal: [PersonalText], peer: PeerCredentials?
    ) -> Result<Submission, LedgerError> {
        let payload: Payload
        do {
            payload = try Payload.decode(signed.payload)
            // Every commitment needs its text and every text its commitment (docs/FORMAT.md §16).
            try PersonalData.check(personal, for: payload)
        } catch {
            core.logRefusal(error, peer: peer)
            return .failure(error)
        }
        let candidate: Ed25519PublicKey? =
            if case .ledgerInit(let body) = payload.body { try? body.adminKey.parsedKey() } else {
                directory.key(signed.keyID)?.publicKey
            }
        let verified = candidate.flatMap {
            $0.keyID == signed.keyID && signed.isValid(for: payload, with: $0) ? $0 : nil
        }
        return .success(
            Submission(signed: signed, payload: payload, verifiedWith: verified, peer: peer, personal: personal))
    }

    /// Queues the submissions together, so that one group commit takes all of them.
    private func enqueue(_ submissions: [Submission]) async -> WriteOutcome {
        await withCheckedContinuation { continuation in
            let startDrain = queue.withLock { q -> Bool? in
                guard !q.closed else { return nil }
                q.waiting.append(Waiting(submissions: submissions, continuation: continuation))
                defer { q.draining = true }
                return !q.draining
            }
            switch startDrain {
            case nil: continuation.resume(returning: .shuttingDown)
            case true?: dispatch.async { self.drain() }
            case false?: break
            }
        }
    }

    /// Runs `work` on the writer's queue, so that it never races a commit.
    private func onWriterQueue(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            dispatch.async {
                work()
                continuation.resume()
            }
        }
    }

    /// Why checkpoints are held, if they are: this ledger is a restored backup (`ledger.status`).
    var checkpointHold: CheckpointHold? { core.hold.withLock { $0 } }

    /// Start-up with a restored backup: takes the last published checkpoint and, from a newer copy
    /// of the chain, the entries up to it (WriterCore+Restore.swift, WriterCore+CatchUp.swift).
    func restore(
        published: String, catchUp: (@Sendable (_ after: Int64, _ through: Int64) throws -> [CatchUpEntry])?
    ) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            dispatch.async {
                do {
                    try self.core.adoptPublished(published)
                    if let catchUp, let target = self.core.restore?.published, self.core.holdsCheckpoints {
                        let after = self.core.head.seq
                        if after < Int64(target.size) {
                            self.directory.record(try self.core.catchUp(try catchUp(after, Int64(target.size))))
                        }
                    }
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Signs a checkpoint for the current tree if the latest one is older (interval mode and
    /// start-up).
    func checkpointIfBehind() async {
        await onWriterQueue { self.core.checkpointIfBehind() }
    }

    /// Writes the demurrage due by now, if any, in a group of its own: the daemon's timer calls this
    /// so that charges are made at the period's start even when nobody writes, and at start-up, to
    /// catch up on the periods missed while it was down.
    func writeDueDemurrage() async {
        await onWriterQueue { _ = self.core.commit([]) }
    }

    /// Refuses new submissions, lets the queued ones commit, then closes the database.
    func shutdown() async {
        queue.withLock { $0.closed = true }
        await onWriterQueue {
            self.walCheckpoints.finish()
            self.core.close()
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
            let (outcomes, written) = core.commit(batch.map(\.submissions))
            directory.record(written)
            let committed = outcomes.reduce(0) { count, outcome in
                guard case .accepted(let writes) = outcome else { return count }
                return count + writes.count { !$0.replayed }
            }
            if committed > 0 {
                groupCommits.add(1, ordering: .relaxed)
                entriesCommitted.add(Int64(committed), ordering: .relaxed)
            }
            if !written.isEmpty { walCheckpoints.committed() }
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
        }
    }
}
