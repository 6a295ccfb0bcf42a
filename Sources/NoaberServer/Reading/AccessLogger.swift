import Glibc
import Logging
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import Synchronization

/// The daemon's read log, shared by every request. A read's record is appended to the pending
/// file (`PendingAccessRecords`) by one `write` on the thread that serves the read, before the
/// read is answered, and the pending records are moved into `access.sqlite` (`AccessLog`) in bulk
/// once there are enough of them, on a thread of their own at the lowest priority (`NicedThread`),
/// and before the log is read or pruned.
///
/// Until the last round each read's record was group-committed into SQLite on the log's queue
/// while the read waited: a transaction (two WAL pages, SQLite's locks) per group and two thread
/// hand-offs per read, the largest cost per read and a thread more competing for the two cores
/// (Benchmarks/README.md, "The read path").
final class AccessLogger: Sendable {
    /// Pending bytes at which the records are moved into the log: some 5,800 reads, one
    /// transaction of a few hundred pages every fifth of a second at thirty thousand reads a second.
    static let moveAbove = 512 * 1024

    /// Moves between two checkpoints of the log's WAL: each writes a few hundred pages, so eight
    /// are a few megabytes.
    static let movesPerCheckpoint = 8

    private let log: Mutex<AccessLog>
    private let pending: PendingAccessRecords
    private let moving = Atomic<Bool>(false)
    /// Moves the pending records: 2.7 µs a record, some 8 % of a core at thirty thousand reads a
    /// second, in bursts of 15 ms that at the event loops' priority would take a core from them.
    private let mover = Mutex<NicedThread?>(nil)
    private let checkpoints: BackgroundCheckpoints
    private let logger: Logger

    /// Opens the log in `directory`, moving into it what a previous run left pending.
    init(directory: String, logger: Logger) throws(StoreError) {
        let log = try AccessLog(directory: directory)
        pending = try PendingAccessRecords(directory: directory, log: log)
        if pending.recovered.unreadable > 0 {
            logger.warning(
                "access log: lines of the pending records could not be read (a power loss tears the last one)",
                metadata: ["lines": "\(pending.recovered.unreadable)", "moved": "\(pending.recovered.moved)"])
        }
        self.log = Mutex(log)
        checkpoints = try BackgroundCheckpoints(
            path: AccessLog.path(in: directory), name: "access log", every: Self.movesPerCheckpoint, logger: logger)
        self.logger = logger
        mover.withLock { $0 = NicedThread(name: "noaber.access-log") { [weak self] in self?.movePending() } }
    }

    /// Records that `reader` was shown `accounts` (nil: every account) by `method`, before the
    /// read is answered: invariant 9 promises every read is on record, so a read that cannot be
    /// recorded throws here and is not answered.
    func record(
        _ reader: Reader, method: Method, accounts: [AccountID]?, peer: PeerCredentials?, at time: Timestamp
    ) throws(RPCError) {
        let record = AccessRecord(
            at: time, keyID: reader.keyID.hex, role: reader.role.rawValue, method: method.rawValue, accounts: accounts,
            peerUID: peer.map { Int64($0.uid) }, peerPID: peer.map { Int64($0.pid) })
        let bytes: Int
        do { bytes = try pending.append(record) } catch {
            throw .storage("the read could not be recorded in the access log, so it is not answered: \(error)")
        }
        if bytes >= Self.moveAbove, !moving.exchange(true, ordering: .acquiringAndReleasing) {
            mover.withLock { $0?.wake() }
        }
    }

    private func movePending() {
        do {
            let moved = try log.withLock { log throws(StoreError) in try pending.move(into: log) }
            report(moved)
            checkpoints.committed()
        } catch {
            // The records stay pending, in their file, and the next move takes them: not before a
            // second from now, or every read past the mark would wake the mover to fail again.
            logger.warning("cannot move pending records into the access log", metadata: ["error": .escaped(error)])
            sleep(1)
        }
        moving.store(false, ordering: .releasing)
    }

    /// Lines that could not be read are a file torn by a power loss (or a disk that fails): the
    /// operator hears of them, as at start-up.
    private func report(_ moved: (moved: Int, unreadable: Int)) {
        guard moved.unreadable > 0 else { return }
        logger.warning(
            "pending access records that could not be read were left out",
            metadata: ["lines": "\(moved.unreadable)", "moved": "\(moved.moved)"])
    }

    /// The records asked for, after every record written so far.
    func records(
        account: AccountID?, from: Timestamp?, to: Timestamp?, afterID: Int64, limit: Int
    )
        throws(StoreError) -> [(id: Int64, record: AccessRecord)]
    {
        try log.withLock { log throws(StoreError) in
            report(try pending.move(into: log))
            return try log.records(account: account, from: from, to: to, afterID: afterID, limit: limit)
        }
    }

    /// Deletes the records older than `cutoff`, pending ones included; returns how many.
    func prune(before cutoff: Timestamp) throws(StoreError) -> Int {
        try log.withLock { log throws(StoreError) in
            report(try pending.move(into: log))
            return try log.prune(before: cutoff)
        }
    }
}
