/// `ledger.settings`: the ledger's adjustable settings, from this entry on; signed by an admin.
/// Each such entry states all of them (a field left out takes its default), so the settings in
/// force are always those of the latest one.
package struct LedgerSettings: Codable, Sendable, Equatable {
    package static let defaultClaimExpiryDays = 60

    /// Days after which an undecided claim expires (1 to 3650); 60 when not given.
    package var claimExpiryDays: Int?
    /// Demurrage on members' and merchants' balances; none when absent.
    package var demurrage: Demurrage?
    /// The language statements and reports are printed in unless the reader asks for another
    /// (`nl` or `en`); Dutch when absent. Absent from entries before it existed, which still verify.
    package var language: String?
    /// The organisation's contact line printed under its name on statements (e.g. a phone number
    /// and an address); none when absent. An organisation's, never a person's: it is in the chain.
    package var contact: String?

    /// The languages statements and reports are printed in.
    package static let languages = ["nl", "en"]
    package static let defaultLanguage = "nl"
    package static let maxContactLength = 200

    package init(
        claimExpiryDays: Int? = nil, demurrage: Demurrage? = nil, language: String? = nil, contact: String? = nil
    ) {
        self.claimExpiryDays = claimExpiryDays
        self.demurrage = demurrage
        self.language = language
        self.contact = contact
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case claimExpiryDays = "claim_expiry_days"
        case demurrage, language, contact
    }
}

/// A charge on held coins, once per period, that returns them to an issuer: it keeps coins
/// moving (Silvio Gesell's idea, and the Chiemgauer's practice). At each period's start the daemon
/// charges every open member and merchant account `rate_ppm` millionths of its balance, rounded
/// down; `tx` entries of purpose `demurrage`, signed by its log key. See FORMAT.md §15.
package struct Demurrage: Codable, Sendable, Equatable {
    /// Millionths of the balance charged per period: 10000 is 1 %. 1 to 500000.
    package var ratePPM: Int64
    package var period: DemurragePeriod
    /// The issuer account the charged coins go back to.
    package var account: AccountID

    package init(ratePPM: Int64, period: DemurragePeriod, account: AccountID) {
        self.ratePPM = ratePPM
        self.period = period
        self.account = account
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ratePPM = "rate_ppm"
        case period, account
    }

    /// What `balance` is charged: rate_ppm × balance / 1000000, rounded down (never below zero).
    package func charge(on balance: Int64) -> Int64 {
        guard balance > 0 else { return 0 }
        let product = balance.multipliedFullWidth(by: ratePPM)
        // rate_ppm ≤ 500000, so the quotient is below the balance and fits.
        return Int64(Int64.Magnitude(1_000_000).dividingFullWidth((product.high.magnitude, product.low)).quotient)
    }
}
