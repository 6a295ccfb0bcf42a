public import NoaberCore

/// The ledger's settings as served: `ledger.status` and `ledger.state` carry them.
public struct SettingsInfo: Codable, Sendable, Equatable {
    public var claimExpiryDays: Int
    public var demurrage: DemurrageInfo?

    public struct DemurrageInfo: Codable, Sendable, Equatable {
        public var ratePpm: Int64
        public var period: String
        public var account: String
        /// The start of the next period to charge (RFC 3339).
        public var next: String
        /// Within a period being charged: the last account charged so far.
        public var cursor: String?
    }

    public init(_ settings: LedgerState.Settings) {
        claimExpiryDays = settings.claimExpiryDays
        demurrage = settings.demurrage.map {
            DemurrageInfo(
                ratePpm: $0.ratePPM, period: $0.period.rawValue, account: $0.account.rawValue,
                next: settings.demurrageNext?.rfc3339 ?? "", cursor: settings.demurrageCursor?.rawValue)
        }
    }

    /// Back to Core values; nil if anything is malformed.
    public func settings() -> LedgerState.Settings? {
        var settings = LedgerState.Settings(claimExpiryDays: claimExpiryDays)
        guard let demurrage else { return settings }
        guard let period = DemurragePeriod(rawValue: demurrage.period), let account = try? AccountID(demurrage.account),
            let next = Timestamp(rfc3339: demurrage.next)
        else { return nil }
        settings.demurrage = Demurrage(ratePPM: demurrage.ratePpm, period: period, account: account)
        settings.demurrageNext = next
        if let cursor = demurrage.cursor {
            guard let id = try? AccountID(cursor) else { return nil }
            settings.demurrageCursor = id
        }
        return settings
    }
}

/// `claim.list`: claims in order of seq, a page at a time.
public struct ClaimListParams: Codable, Sendable {
    public static let maxLimit = 1000

    /// Only this volunteer's claims.
    public var account: String?
    /// Only claims still waiting for a decision (neither decided nor expired).
    public var pending: Bool?
    /// Claims after this seq (the last one of the previous page).
    public var afterSeq: Int64?
    public var limit: Int?

    public init(account: String? = nil, pending: Bool? = nil, afterSeq: Int64? = nil, limit: Int? = nil) {
        self.account = account
        self.pending = pending
        self.afterSeq = afterSeq
        self.limit = limit
    }
}

public struct ClaimInfo: Codable, Sendable, Equatable {
    public var claimId: String
    public var seq: Int64
    public var committedAt: String
    public var account: String
    public var issuer: String
    public var hours: String
    public var hourRate: Int64
    public var amount: Int64
    public var category: String?
    public var careDate: String?
    public var memo: String?
    /// `pending`, `approved`, `rejected` or `expired`.
    public var status: String
    /// When it expires or expired, if undecided.
    public var expiresAt: String?
    public var decidedSeq: Int64?
    /// Why it was rejected.
    public var reason: String?

    public init(
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

public struct ClaimListResult: Codable, Sendable {
    public var claims: [ClaimInfo]
    public var claimExpiryDays: Int
    public init(claims: [ClaimInfo], claimExpiryDays: Int) {
        self.claims = claims
        self.claimExpiryDays = claimExpiryDays
    }
}
