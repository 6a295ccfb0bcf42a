import Foundation
import Glibc
import Logging
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import Synchronization

/// The daemon's read log, shared by every request. A read's record is appended to the pending
/// file of the thread that serves it (`PendingAccessRecords`, a file per event loop) by one
/// `write`, before the read is answered; once a thread's file is long enough, that thread sets it
/// aside, and a thread of its own at the lowest priority (`NicedThread`) moves the files set aside
/// into `access.sqlite` (`AccessLog`) in bulk, yielding its core every few rows, and checkpoints
/// the log's WAL. Everything pending is moved before the log is read or pruned.
///
/// Until the second round each read's record was group-committed into SQLite on the log's queue
/// while the read waited: a transaction (two WAL pages, SQLite's locks) per group and two thread
/// hand-offs per read, the largest cost per read and a thread more competing for the two cores.
/// Until the third, every loop appended to one file under one lock, which the mover took too:
/// one loop's slow `write` held the other's reads, and a mover handed the lock while it waited
/// for a core held them all (Benchmarks/README.md, "The read path").
final class AccessLogger: Sendable {
    /// Pending bytes of one thread's file at which it is set aside and moved into the log: some
    /// 5,800 reads, a move every fifth of a second per event loop at thirty thousand reads a
    /// second over two.
    static let moveAbove = 512 * 1024

    /// Moves between two checkpoints of the log's WAL: each writes a few hundred pages, so eight
    /// are a few megabytes.
    static let movesPerCheckpoint = 8

    private let log: Mutex<AccessLog>
    private let pending: PendingAccessRecords
    /// Moves the files set aside: 2.7 µs a record, some 8 % of a core at thirty thousand reads a
    /// second, in bursts of 15 ms that at the event loops' priority would take a core from them;
    /// at nice 19 it yields its core every `AccessLog.rowsBetweenPauses` lines and rows, as the
    /// scheduler lets a thread it has picked, of any nice value, keep the core for a slice of
    /// milliseconds.
    private let mover = Mutex<NicedThread?>(nil)
    /// The log's WAL checkpoints, on the mover's thread after every `movesPerCheckpoint` moves:
    /// on a queue of their own they ran at the event loops' priority, copying and syncing pages.
    private let checkpoints: Mutex<(checkpointer: WALCheckpointer, moves: Int)>
    private let logger: Logger

    /// Opens the log in `directory`, moving into it what a previous run left pending, with a
    /// pending file for each of `threads` threads that serve reads (the event loops).
    init(
        directory: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount, logger: Logger
    ) throws(StoreError) {
        let log = try AccessLog(directory: directory)
        pending = try PendingAccessRecords(directory: directory, log: log, slots: threads)
        if pending.recovered.unreadable > 0 {
            logger.warning(
                "access log: lines of the pending records could not be read (a power loss tears the last one)",
                metadata: ["lines": "\(pending.recovered.unreadable)", "moved": "\(pending.recovered.moved)"])
        }
        self.log = Mutex(log)
        checkpoints = Mutex((try WALCheckpointer(path: AccessLog.path(in: directory)), 0))
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
        guard bytes >= Self.moveAbove else { return }
        // The read is on record: a file that cannot be set aside stays pending, and is tried again.
        do {
            if try pending.setAside(above: Self.moveAbove) { mover.withLock { $0?.wake() } }
        } catch {
            logger.warning("cannot set pending access records aside", metadata: ["error": .escaped(error)])
        }
    }

    private func movePending() {
        do {
            let moved = try log.withLock { log throws(StoreError) in
                try pending.moveSetAside(into: log, between: { _ = sched_yield() })
            }
            report(moved)
            try checkpoints.withLock { state throws(StoreError) in
                state.moves += 1
                guard state.moves >= Self.movesPerCheckpoint else { return }
                state.moves = 0
                try state.checkpointer.checkpoint()
            }
        } catch {
            // The records stay in their files, and the next move takes them: not before a second
            // from now, so that a failing disk is not retried at every read.
            logger.warning("cannot move pending records into the access log", metadata: ["error": .escaped(error)])
            sleep(1)
        }
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
