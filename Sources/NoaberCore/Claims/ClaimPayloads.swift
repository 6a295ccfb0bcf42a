/// `claim`: a volunteer records hours of care they gave, signed with a key controlling their own
/// account. It moves no money: a controller of the issuer approves it (a `credit` naming the claim,
/// paying exactly `amount`) or rejects it (`claim.reject`), once; undecided, it expires after the
/// ledger's `claim_expiry_days`. The amount is fixed when the claim is made, at the rate then in force.
public struct Claim: Codable, Sendable, Equatable {
    /// The volunteer (a member account) to be credited.
    public var account: AccountID
    /// The issuer asked to pay.
    public var issuer: AccountID
    public var hours: String
    public var hourRate: Int64
    /// hours × hour_rate in minor units: what the approval pays.
    public var amount: Int64
    public var category: String?
    /// The day the care was given, `YYYY-MM-DD` (UTC), not after the claim is committed.
    public var careDate: String?
    public var memo: String?

    public init(
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
        case account, issuer, hours, hourRate = "hour_rate", amount, category, careDate = "care_date", memo
    }
}

/// `claim.reject`: turns a pending claim down, for the reason given; signed by a controller of the
/// issuer the claim asked to pay.
public struct ClaimReject: Codable, Sendable, Equatable {
    /// The claim's entry id.
    public var claim: String
    public var reason: String

    public init(claim: String, reason: String) {
        self.claim = claim
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case claim, reason }
}

/// A claim as the rules remember it: what an approval must pay, and whether it was decided.
public struct ClaimRecord: Sendable, Equatable {
    public var id: String
    public var seq: Int64
    public var committedAt: Timestamp
    public var claim: Claim
    /// The entry that approved or rejected it.
    public var decidedSeq: Int64?

    public init(id: String, seq: Int64, committedAt: Timestamp, claim: Claim, decidedSeq: Int64? = nil) {
        self.id = id
        self.seq = seq
        self.committedAt = committedAt
        self.claim = claim
        self.decidedSeq = decidedSeq
    }

    /// The first instant at which the claim can no longer be decided.
    public func expiresAt(afterDays days: Int) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: committedAt.millisecondsSinceEpoch + Int64(days) * 86_400_000)
    }
}
