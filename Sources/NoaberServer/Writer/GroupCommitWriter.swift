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
        /// The writer waits for the last group's sync, taking what arrives meanwhile into its group.
        var gathering = false
    }

    /// Wakes the writer while it gathers: a submission arrived, or the last group's sync ended.
    private let wake = DispatchSemaphore(value: 0)
    /// Units past which a group stops gathering while the last group's sync runs.
    static let largestGroup = 1024

    private let queue = Mutex(Queue())
    private let dispatch = DispatchQueue(label: "noaber.writer")
    private let core: WriterCore
    /// Every registered key, kept current after each commit: the signature pre-check reads it here,
    /// and the service judges read authorisations by it.
    let directory: KeyDirectory
    private let logger: Logger
    let groupCommits = Atomic<Int64>(0)
    /// Units taken by the writer and not yet answered (the tests watch groups form by it).
    let unanswered = Atomic<Int>(0)
    let entriesCommitted = Atomic<Int64>(0)
    /// Most of the ledger's WAL is copied into its file beside the writer, not inside one of its
    /// commits: that copy grew with the ledger, as more of each commit's pages were distinct, and
    /// every waiting client waited for it (Benchmarks/README.md, "Flat growth").
    let walCheckpoints: BackgroundCheckpoints
    /// Syncs the commits, so that the writer goes on with the next group while the last one's
    /// sync runs; nil when the store's commits are synced by SQLite (`synchronous=FULL`).
    let walSync: WALSync?

    /// Group commits between two background checkpoints: a few hundred WAL pages each under load.
    /// Every 32 made fewer reads and writes under load, but on the quiet machine the daemon spent
    /// 4-6 % more CPU per entry and submitted 5-7 % fewer a second, and an import's WAL passed
    /// `restartAbove` (Benchmarks/README.md, "The submit path, fifth round"): not kept.
    static let commitsPerCheckpoint = 8
    /// WAL pages after which the background checkpoints sooner: an import's group writes a
    /// thousand or more (its postings reach most accounts' last pages), so eight of them passed
    /// `restartAbove` and the writer copied most of them itself, on the import's critical path
    /// (Benchmarks/README.md, "The import path, eighth round").
    static let pagesPerCheckpoint = 1024
    /// WAL pages past which the writer checkpoints after a commit itself, as SQLite does by
    /// default at a thousand: by then the background has copied nearly all of them, and a
    /// checkpoint by the only writer, between its own transactions, is what lets the next one
    /// start the WAL over. One from the background would first have to wait for the writer.
    static let restartAbove = WALCheckpointer.defaultRestartAbove

    init(
        store: LedgerStore, clock: @escaping @Sendable () -> Timestamp, logger: Logger,
        logKey: Ed25519PrivateKey, logKeyPath: String, checkpointEveryCommit: Bool = true,
        pagesPerCheckpoint: Int = GroupCommitWriter.pagesPerCheckpoint
    ) throws(StoreError) {
        let core = try WriterCore(
            store: store, clock: clock, logger: logger,
            checkpoints: CheckpointSigner(key: logKey, keyPath: logKeyPath, everyCommit: checkpointEveryCommit))
        self.core = core
        self.logger = logger
        walSync = store.connection.walSync
        directory = KeyDirectory(core.state)
        walCheckpoints = try BackgroundCheckpoints(
            path: store.database.path, name: "ledger", every: Self.commitsPerCheckpoint,
            everyPages: pagesPerCheckpoint, restartAbove: .max, logger: logger)
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
            let (startDrain, gathering) = queue.withLock { q -> (Bool?, Bool) in
                guard !q.closed else { return (nil, false) }
                q.waiting.append(Waiting(submissions: submissions, continuation: continuation))
                defer { q.draining = true }
                return (!q.draining, q.gathering)
            }
            if gathering { wake.signal() }
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
        await onWriterQueue {
            _ = self.core.commit([])
            self.core.store?.cacheTick()
        }
    }

    /// Refuses new submissions, lets the queued ones commit and be answered, then closes the
    /// database.
    func shutdown() async {
        queue.withLock { $0.closed = true }
        await onWriterQueue {
            self.walSync?.finish()
            self.walCheckpoints.finish()
            self.core.close()
        }
    }

    /// Holds a read's answer until what it may have seen is durable (`WALSync.untilDurable`); the
    /// sync's failure otherwise. Checked without a suspension first: most reads find nothing in
    /// flight, and a hop to another executor would cost them more than the check.
    func untilDurable() async -> StoreError? {
        guard let walSync, !walSync.isCaughtUp else { return nil }
        return await walSync.untilDurable()
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
            unanswered.add(batch.count, ordering: .relaxed)
            // An erasure empties the WAL after its commit (FORMAT.md §16), which a background
            // checkpoint still copying would make wait out its few tries.
            if batch.contains(where: { $0.submissions.contains { $0.payload.kind == .erase } }) {
                walCheckpoints.finish()
            }
            let group = GatheredGroup(batch, previous: walSync?.lastBegun ?? 0)
            let (outcomes, written) = core.commit(
                batch.map(\.submissions), deferringSync: walSync != nil, more: { self.gather(group) })
            // The keys are known to the next group's signature checks at once; the reads they
            // authorise wait for the sync like every other read.
            directory.record(written)
            let committed = outcomes.reduce(0) { count, outcome in
                guard case .accepted(let writes) = outcome else { return count }
                return count + writes.count { !$0.replayed }
            }
            if committed > 0 {
                groupCommits.add(1, ordering: .relaxed)
                entriesCommitted.add(Int64(committed), ordering: .relaxed)
            }
            if !written.isEmpty { walCheckpoints.committed(pages: core.store?.connection.takePagesWritten() ?? 0) }
            answer(group.units, outcomes)
        }
    }

    /// While the last group's sync runs, the next group takes in what arrives, instead of being
    /// written with the few that waited when it began: each group has costs of its own (its
    /// checkpoint's signature, the pages every group writes again), paid less often when groups
    /// are larger. The group stops gathering when that sync ends (taking what waits then), or at
    /// `largestGroup`. Without a sync of its own (SQLite syncs each commit) nothing is gathered.
    private func gather(_ group: GatheredGroup) -> [[Submission]]? {
        guard !group.finished, let walSync else { return nil }
        while true {
            let synced = walSync.isDurable(through: group.previous) || walSync.failure != nil
            let later = queue.withLock { q -> [Waiting] in
                defer { q.waiting.removeAll(keepingCapacity: true) }
                q.gathering = q.waiting.isEmpty && !synced
                return q.waiting
            }
            if synced || group.units.count + later.count >= Self.largestGroup {
                group.finished = true
                queue.withLock { $0.gathering = false }
            }
            if !later.isEmpty {
                unanswered.add(later.count, ordering: .relaxed)
                group.units += later
                return later.map(\.submissions)
            }
            if group.finished { return nil }
            // The sync marks itself durable before it wakes a gathering writer: a wake missed
            // because `gathering` was set after it shows here.
            if walSync.isDurable(through: group.previous) { continue }
            _ = wake.wait(timeout: .now() + .milliseconds(5))
        }
    }

    /// The units of the group being judged, as `gather` adds to them; touched only on the writer's
    /// queue, hence unchecked.
    private final class GatheredGroup: @unchecked Sendable {
        var units: [Waiting]
        /// The last commit before this group: its sync is what the group waits for.
        let previous: UInt64
        var finished = false

        init(_ units: [Waiting], previous: UInt64) {
            self.units = units
            self.previous = previous
        }
    }

    /// Answers a group once everything it may have seen is durable: its own commit, and for a
    /// refusal or a replay, the earlier ones it was judged against. The sync runs beside the next
    /// group's judging and writing.
    private func answer(_ batch: [Waiting], _ outcomes: [WriteOutcome]) {
        guard let walSync else {
            unanswered.subtract(batch.count, ordering: .relaxed)
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
            return
        }
        let head = core.unsyncedHead
        core.unsyncedHead = nil
        let core = core
        walSync.whenDurable(through: walSync.lastBegun) { failure in
            self.unanswered.subtract(batch.count, ordering: .relaxed)
            if let failure {
                let why = "\(failure); restart noaberd"
                for (waiting, outcome) in zip(batch, outcomes) {
                    // What was accepted may or may not be on the disk; a refusal or a failure stands.
                    if case .accepted = outcome {
                        waiting.continuation.resume(returning: .syncFailed(why))
                    } else {
                        waiting.continuation.resume(returning: outcome)
                    }
                }
                return
            }
            if let head { core.remember(size: head.size, root: head.root) }
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
            if self.queue.withLock({ $0.gathering }) { self.wake.signal() }
        }
    }
}
