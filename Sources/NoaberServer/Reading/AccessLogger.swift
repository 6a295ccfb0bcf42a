import Dispatch
import Logging
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import Synchronization

/// The daemon's read log (`AccessLog`), shared by every request. Records are group-committed as
/// the ledger's writer does with entries: those that arrive while one transaction is being written
/// go into the next, so reads from many connections share a write instead of queueing for one each.
final class AccessLogger: Sendable {
    private typealias Waiting = (record: AccessRecord, pending: PendingRecord)

    private struct Queue {
        var waiting: [Waiting] = []
        var flushing = false
    }

    /// Transactions between two checkpoints of the log's WAL. Each writes the table's last page
    /// and its index's, and under load holds a handful of records: 1024 of them are a few thousand
    /// pages, some megabytes of WAL. At 256, at twenty thousand reads a second, the checkpoint's
    /// own fsyncs cost the daemon about 2 % of its CPU (Benchmarks/README.md, "The read path").
    static let transactionsPerCheckpoint = 1024

    private let log: Mutex<AccessLog>
    private let queue = Mutex(Queue())
    private let dispatch = DispatchQueue(label: "noaber.access-log")
    private let checkpoints: BackgroundCheckpoints
    private let logger: Logger

    init(directory: String, logger: Logger) throws(StoreError) {
        log = Mutex(try AccessLog(directory: directory))
        checkpoints = try BackgroundCheckpoints(
            path: AccessLog.path(in: directory), name: "access log", every: Self.transactionsPerCheckpoint,
            logger: logger)
        self.logger = logger
    }

    /// Starts recording that `reader` was shown `accounts` (nil: every account) by `method`. The
    /// record is written while the read runs; the answer waits for `PendingRecord.written()`,
    /// because invariant 9 promises every read is on record: a read that cannot be recorded is not
    /// answered. Overlapping the two saves a read the time of one write and two thread hops.
    func record(
        _ reader: Reader, method: Method, accounts: [AccountID]?, peer: PeerCredentials?, at time: Timestamp
    ) -> PendingRecord {
        let record = AccessRecord(
            at: time, keyID: reader.keyID.hex, role: reader.role.rawValue, method: method.rawValue, accounts: accounts,
            peerUID: peer.map { Int64($0.uid) }, peerPID: peer.map { Int64($0.pid) })
        let pending = PendingRecord()
        let start = queue.withLock { queue -> Bool in
            queue.waiting.append((record, pending))
            defer { queue.flushing = true }
            return !queue.flushing
        }
        if start { dispatch.async { self.flush() } }
        return pending
    }

    /// Writes what is waiting, one transaction at a time, until nothing is; each waiting read is
    /// answered only once its record is written.
    private func flush() {
        while let batch = queue.withLock({ queue -> [Waiting]? in
            guard !queue.waiting.isEmpty else {
                queue.flushing = false
                return nil
            }
            defer { queue.waiting.removeAll(keepingCapacity: true) }
            return queue.waiting
        }) {
            var failure: StoreError?
            do { try log.withLock { log throws(StoreError) in try log.record(batch.map(\.record)) } } catch {
                failure = error
            }
            for waiting in batch { waiting.pending.finish(failure) }
            checkpoints.committed()
        }
    }

    func records(
        account: AccountID?, from: Timestamp?, to: Timestamp?, afterID: Int64, limit: Int
    )
        throws(StoreError) -> [(id: Int64, record: AccessRecord)]
    {
        try log.withLock { log throws(StoreError) in
            try log.records(account: account, from: from, to: to, afterID: afterID, limit: limit)
        }
    }

    func prune(before cutoff: Timestamp) throws(StoreError) -> Int {
        try log.withLock { log throws(StoreError) in try log.prune(before: cutoff) }
    }
}

/// A read's record on its way to the access log.
final class PendingRecord: Sendable {
    private enum State {
        case writing(CheckedContinuation<StoreError?, Never>?)
        case written(StoreError?)
    }
    private let state = Mutex(State.writing(nil))

    /// Returns once the record is written (at once if it already is); throws if it could not be.
    func written() async throws(RPCError) {
        let failure = await withCheckedContinuation { continuation in
            let done = state.withLock { state -> StoreError?? in
                switch state {
                case .written(let failure): return .some(failure)
                case .writing:
                    state = .writing(continuation)
                    return .none
                }
            }
            if let done { continuation.resume(returning: done) }
        }
        if let failure {
            throw .storage("the read could not be recorded in the access log, so it is not answered: \(failure)")
        }
    }

    fileprivate func finish(_ failure: StoreError?) {
        let waiting = state.withLock { state -> CheckedContinuation<StoreError?, Never>? in
            defer { state = .written(failure) }
            if case .writing(let continuation) = state { return continuation }
            return nil
        }
        waiting?.resume(returning: failure)
    }
}
