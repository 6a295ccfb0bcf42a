package import NoaberCore

/// The one place that decides what a credit records, for `credit`, `import` and `approve`: the
/// issuer pays, the volunteer is paid, and a credit for hours carries the hours, the rate applied
/// and its category, which the rules check against the chain's rate in force.
package struct CreditBuilder: Sendable {
    /// The ledger's own rate, as entry 1 signs it: for hours without a category.
    package let ledgerRate: Int64
    /// Each category's rate in force, by id.
    package let categoryRates: [String: Int64]

    package init(ledgerRate: Int64, categoryRates: [String: Int64] = [:]) {
        self.ledgerRate = ledgerRate
        self.categoryRates = categoryRates
    }

    /// What the volunteer is paid for: hours at the rate in force, or a plain amount.
    package enum Size: Sendable {
        case hours(Hours, category: String?)
        case amount(Int64)
    }

    package enum Failure: Error {
        case unknownCategory(String)
        /// hours × rate does not fit (overflow, or not a whole number of minor units).
        case hours(LedgerError)
    }

    package struct Credit: Sendable {
        package var transaction: Transaction
        /// Minor units paid.
        package var amount: Int64
        /// The rate applied; nil for a plain amount.
        package var rate: Int64?
    }

    /// The rate of `category`, or the ledger's without one.
    package func rate(category: String?) throws(Failure) -> Int64 {
        guard let category else { return ledgerRate }
        guard let rate = categoryRates[category] else { throw .unknownCategory(category) }
        return rate
    }

    package func credit(
        from issuer: AccountID, to volunteer: AccountID, _ size: Size, memo: String? = nil, careDate: String? = nil
    ) throws(Failure) -> Credit {
        switch size {
        case .amount(let minor):
            let tx = Self.transaction(from: issuer, to: volunteer, amount: minor, memo: memo, careDate: careDate)
            return Credit(transaction: tx, amount: minor, rate: nil)
        case .hours(let hours, let category):
            let rate = try rate(category: category)
            let minor: Int64
            do { minor = try hours.amount(atRate: rate) } catch { throw .hours(error) }
            let tx = Self.transaction(
                from: issuer, to: volunteer, amount: minor, hours: hours.description, rate: rate, category: category,
                memo: memo,
                careDate: careDate)
            return Credit(transaction: tx, amount: minor, rate: rate)
        }
    }

    /// The credit that approves `claim` (entry `id`): exactly what it asks, at the rate it recorded.
    package static func approving(_ claim: Claim, id: String) -> Transaction {
        transaction(
            from: claim.issuer, to: claim.account, amount: claim.amount, hours: claim.hours, rate: claim.hourRate,
            category: claim.category, memo: claim.memo, careDate: claim.careDate, claim: id)
    }

    private static func transaction(
        from issuer: AccountID, to volunteer: AccountID, amount: Int64, hours: String? = nil, rate: Int64? = nil,
        category: String? = nil, memo: String?, careDate: String?, claim: String? = nil
    ) -> Transaction {
        Transaction(
            purpose: .credit,
            postings: [Posting(account: issuer, amount: -amount), Posting(account: volunteer, amount: amount)],
            memo: memo, hours: hours, hourRate: rate, category: category, careDate: careDate, claim: claim)
    }
}
