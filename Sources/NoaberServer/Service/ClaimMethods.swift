import NoaberCore
import NoaberProtocol
import NoaberStore

/// `claim.*`: claims of hours and what became of them.
extension LedgerService {
    func claimList(_ params: ClaimListParams, _ context: RequestContext) async throws -> ClaimListResult {
        let account = try params.account.map { text throws(RPCError) in try accountID(text) }
        let limit = Self.pageSize(params.limit, max: ClaimListParams.maxLimit)
        let now = clock()
        return try await reads.read { db in
            try db.snapshot { () throws(StoreError) in
                let days = try db.settings().claimExpiryDays
                let since =
                    params.pending == true
                    ? Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - Int64(days) * 86_400_000) : nil
                let rows = try db.revealed(
                    db.claims(account: account, pendingSince: since, afterSeq: params.afterSeq ?? 0, limit: limit),
                    withheld: withheldMarker(of: account.map { [$0] } ?? [], context))
                return ClaimListResult(
                    claims: rows.map {
                        ClaimInfo(
                            record: $0.record, decision: $0.decision, reason: $0.reason, expiryDays: days, now: now)
                    },
                    claimExpiryDays: days)
            }
        }
    }
}
