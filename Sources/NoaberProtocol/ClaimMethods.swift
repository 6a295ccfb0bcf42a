package import NoaberCore

// Parameters and results of `claim.list` (docs/PROTOCOL.md).

/// `claim.list`: claims in order of seq, a page at a time.
package struct ClaimListParams: Codable, Sendable {
    package static let maxLimit = 1000

    /// Only this volunteer's claims.
    package var account: String?
    /// Only claims still waiting for a decision (neither decided nor expired).
    package var pending: Bool?
    /// Claims after this seq (the last one of the previous page).
    package var afterSeq: Int64?
    package var limit: Int?

    package init(account: String? = nil, pending: Bool? = nil, afterSeq: Int64? = nil, limit: Int? = nil) {
        self.account = account
        self.pending = pending
        self.afterSeq = afterSeq
        self.limit = limit
    }
}

package struct ClaimInfo: Codable, Sendable, Equatable {
    package var claimId: String
    package var seq: Int64
    package var committedAt: String
    package var account: String
    package var issuer: String
    package var hours: String
    package var hourRate: Int64
    package var amount: Int64
    package var category: String?
    package var careDate: String?
    package var memo: String?
    /// `pending`, `approved`, `rejected` or `expired`.
    package var status: String
    /// When it expires or expired, if undecided.
    package var expiresAt: String?
    package var decidedSeq: Int64?
    /// Why it was rejected.
    package var reason: String?

    package init(
        record: ClaimRecord, decision: String?, reason: String?, expiryDays: Int, now: Timestamp
    ) {
        let claim = record.claim
        claimId = record.id
        seq = record.seq
        committedAt = record.committedAt.rfc3339
        account = claim.account.rawValue
        issuer = claim.issuer.rawValue
        hours = claim.hours
        hourRate = claim.hourRate
        amount = claim.amount
        category = claim.category
        careDate = claim.careDate
        memo = claim.memo
        decidedSeq = record.decidedSeq
        self.reason = reason
        if let decision {
            status = decision
        } else {
            let expires = record.expiresAt(afterDays: expiryDays)
            expiresAt = expires.rfc3339
            status = now < expires ? "pending" : "expired"
        }
    }
}

package struct ClaimListResult: Codable, Sendable {
    package var claims: [ClaimInfo]
    package var claimExpiryDays: Int
    package init(claims: [ClaimInfo], claimExpiryDays: Int) {
        self.claims = claims
        self.claimExpiryDays = claimExpiryDays
    }
}
