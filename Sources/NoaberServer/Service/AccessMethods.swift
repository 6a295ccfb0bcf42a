import NoaberCore
import NoaberProtocol
import NoaberStore

/// `access.log`: who read whose data. Reading it is itself a read, and on record.
extension LedgerService {
    func accessLog(_ params: AccessLogParams, _ context: RequestContext) async throws -> AccessLogResult {
        try context.requireReader().requireOverseer("the access log")
        let account = try params.account.map { text throws(RPCError) in try accountID(text) }
        let (from, to) = (try time(params.fromTime, "from_time"), try time(params.toTime, "to_time"))
        if let from, let to, to < from { throw RPCError.invalidParams("\"to_time\" is before \"from_time\"") }
        // Written before the query, so that the answer shows this read too.
        try recordRead(context, .accessLog, accounts: account.map { [$0] })
        let limit = Self.pageSize(params.limit, max: AccessLogParams.maxLimit)
        // One more than asked tells whether another page follows. On the pool: the records still
        // pending are moved into the log first, a transaction too long for an event loop.
        let rows = try await reads.read { [accessLog] _ in
            try accessLog.records(account: account, from: from, to: to, afterID: params.afterId ?? 0, limit: limit + 1)
        }
        let records = rows.prefix(limit).map { row in
            AccessLogRecord(
                id: row.id, at: row.record.at.rfc3339, keyId: row.record.keyID, role: row.record.role,
                method: row.record.method, accounts: row.record.accounts?.map(\.rawValue),
                peerUid: row.record.peerUID, peerPid: row.record.peerPID)
        }
        return AccessLogResult(records: Array(records), more: rows.count > limit)
    }
}
