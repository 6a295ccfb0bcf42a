import Dispatch
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import Synchronization

/// The daemon's read log (`AccessLog`), shared by every request. Records are group-committed as
/// the ledger's writer does with entries: those that arrive while one transaction is being written
/// go into the next, so reads from many connections share a write instead of queueing for one each.
final class AccessLogger: Sendable {
    private typealias Waiting = (record: AccessRecord, continuation: CheckedContinuation<StoreError?, Never>)

    private struct Queue {
        var waiting: [Waiting] = []
        var flushing = false
    }

    private let log: Mutex<AccessLog>
    private let queue = Mutex(Queue())
    private let dispatch = DispatchQueue(label: "noaber.access-log")

    init(directory: String) throws(StoreError) {
        log = Mutex(try AccessLog(directory: directory))
    }

    /// Records that `reader` was shown `accounts` (nil: every account) by `method`. A read that
    /// cannot be recorded is not answered: invariant 9 promises every read is on record.
    func record(
        _ reader: Reader, method: Method, accounts: [AccountID]?, peer: PeerCredentials?, at time: Timestamp
    ) async throws(RPCError) {
        let record = AccessRecord(
            at: time, keyID: reader.keyID.hex, role: reader.role.rawValue, method: method.rawValue, accounts: accounts,
            peerUID: peer.map { Int64($0.uid) }, peerPID: peer.map { Int64($0.pid) })
        let failure = await withCheckedContinuation { continuation in
            let start = queue.withLock { queue -> Bool in
                queue.waiting.append((record, continuation))
                defer { queue.flushing = true }
                return !queue.flushing
            }
            if start { dispatch.async { self.flush() } }
        }
        if let failure {
            throw .storage("the read could not be recorded in the access log, so it is not answered: \(failure)")
        }
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
            for waiting in batch { waiting.continuation.resume(returning: failure) }
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
