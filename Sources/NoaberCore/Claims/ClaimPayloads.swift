/// `claim`: a volunteer records hours of care they gave, signed with a key controlling their own
/// account. It moves no money: a controller of the issuer approves it (a `credit` naming the claim,
/// paying exactly `amount`) or rejects it (`claim.reject`), once; undecided, it expires after the
/// ledger's `claim_expiry_days`. The amount is fixed when the claim is made, at the rate then in force.
package struct Claim: Codable, Sendable, Equatable {
    /// The volunteer (a member account) to be credited.
    package var account: AccountID
    /// The issuer asked to pay.
    package var issuer: AccountID
    package var hours: String
    package var hourRate: Int64
    /// hours × hour_rate in minor units: what the approval pays.
    package var amount: Int64
    package var category: String?
    /// The day the care was given, `YYYY-MM-DD` (UTC), not after the claim is committed.
    package var careDate: String?
    package var memo: String?

    package init(
        account: AccountID, issuer: AccountID, hours: String, hourRate: Int64, amount: Int64, category: String? = nil,
        careDate: String? = nil, memo: String? = nil
    ) {
        self.account = account
        self.issuer = issuer
        self.hours = hours
        self.hourRate = hourRate
        self.amount = amount
        self.category = category
        self.careDate = careDate
        self.memo = memo
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case account, issuer, hours
        case hourRate = "hour_rate"
        case amount, category
        case careDate = "care_date"
        case memo
    }
}

/// `claim.reject`: turns a pending claim down, for the reason given; signed by a controller of the
/// issuer the claim asked to pay.
package struct ClaimReject: Codable, Sendable, Equatable {
    /// The claim's entry id.
    package var claim: String
    package var reason: String

    package init(claim: String, reason: String) {
        self.claim = claim
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case claim, reason }
}

/// A claim as the rules remember it: what an approval must pay, and whether it was decided.
package struct ClaimRecord: Sendable, Equatable {
    package var id: String
    package var seq: Int64
    package var committedAt: Timestamp
    package var claim: Claim
    /// The entry that approved or rejected it.
    package var decidedSeq: Int64?

    package init(id: String, seq: Int64, committedAt: Timestamp, claim: Claim, decidedSeq: Int64? = nil) {
        self.id = id
        self.seq = seq
        self.committedAt = committedAt
        self.claim = claim
        self.decidedSeq = decidedSeq
    }

    /// The first instant at which the claim can no longer be decided.
    package func expiresAt(afterDays days: Int) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: committedAt.millisecondsSinceEpoch + Int64(days) * 86_400_000)
    }
}
