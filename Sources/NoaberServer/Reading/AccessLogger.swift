import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import Synchronization

/// The daemon's read log (`AccessLog`), shared by every request: one connection, taken in turn.
final class AccessLogger: Sendable {
    private let log: Mutex<AccessLog>

    init(directory: String) throws(StoreError) {
        log = Mutex(try AccessLog(directory: directory))
    }

    /// Records that `reader` was shown `accounts` (nil: every account) by `method`. A read that
    /// cannot be recorded is not answered: invariant 9 promises every read is on record.
    func record(
        _ reader: Reader, method: Method, accounts: [AccountID]?, peer: PeerCredentials?, at time: Timestamp
    )
        throws(RPCError)
    {
        let record = AccessRecord(
            at: time, keyID: reader.keyID.hex, role: reader.role.rawValue, method: method.rawValue, accounts: accounts,
            peerUID: peer.map { Int64($0.uid) }, peerPID: peer.map { Int64($0.pid) })
        do { try log.withLock { try $0.record(record) } } catch {
            throw .storage("the read could not be recorded in the access log, so it is not answered: \(error)")
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
