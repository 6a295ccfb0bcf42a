import NoaberCore
import NoaberProtocol
import NoaberStore

/// `claim.*`: claims of hours and what became of them.
extension LedgerService {
    func claimList(_ params: ClaimListParams, _ context: RequestContext) async throws -> ClaimListResult {
        let reader = try context.requireReader()
        var asked = try params.account.map { text throws(RPCError) in try accountID(text) }
        if let asked {
            try reader.require(asked)
        } else if !reader.readsEverything {
            // A member key's claims are those of the account it controls; with several, say which.
            guard reader.accounts.count == 1, let only = reader.accounts.first else {
                throw RPCError.readForbidden(
                    "a \(reader.role.rawValue) key lists the claims of one account it controls at a time: give the account"
                )
            }
            asked = only
        }
        let account = asked
        try recordRead(context, .claimList, accounts: account.map { [$0] })
        let limit = Self.pageSize(params.limit, max: ClaimListParams.maxLimit)
        let now = clock()
        let claims = try await reads.read(.page) { db in
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
        return claims
    }
}
