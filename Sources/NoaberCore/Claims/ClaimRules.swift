import NoaberCrypto

// Claims (two-phase credits): the volunteer claims, the issuer's controller decides once, in time.

extension LedgerState {
    /// A claim is signed by a controller of the volunteer's own open member account, names an open
    /// issuer, and states hours, the rate in force and their product, as a credit would.
    mutating func applyClaim(_ claim: Claim, signer: Key, at: Timestamp?) throws(LedgerError) {
        guard let ledger else { throw .notInitialised }
        guard let account = accounts[claim.account] else { throw .unknownAccount(claim.account) }
        guard account.kind == .member else {
            throw .invalidPayload(
                "only a volunteer (member account) can claim hours; \(account.id) is \(account.kind.rawValue)")
        }
        guard account.status == .open else { throw .accountNotOpen(account.id, status: account.status.rawValue) }
        guard account.controllers.contains(signer.id) else {
            throw .unauthorized(
                "key \(signer.id.hex) does not control account \(account.id); a claim is signed by the volunteer")
        }
        guard let issuer = accounts[claim.issuer] else { throw .unknownAccount(claim.issuer) }
        guard issuer.kind == .issuer else {
            throw .invalidPayload("a claim asks an issuer to pay; \(issuer.id) is \(issuer.kind.rawValue)")
        }
        guard issuer.status == .open else { throw .accountNotOpen(issuer.id, status: issuer.status.rawValue) }
        if let memo = claim.memo { try Text.validateForm(memo, field: "memo", maxLength: 500, allowEmpty: true) }
        if let careDate = claim.careDate { try checkCareDate(careDate, at: at) }
        var rate = ledger.hourRate
        var rateName = "the ledger's hour rate"
        if let id = claim.category {
            guard let category = categories[id] else {
                throw .invalidPayload("category \(id) does not exist (see `noaber category list`)")
            }
            rate = category.hourRate
            rateName = "the hour rate of category \(id)"
        }
        let hours = try Hours(claim.hours)
        guard claim.hourRate == rate else {
            throw .invalidHours(
                "hour_rate \(claim.hourRate) (\(money(claim.hourRate))) is not \(rateName), \(money(rate))")
        }
        let expected = try hours.amount(atRate: rate)
        guard claim.amount == expected else {
            throw .invalidHours(
                "\(hours.phrase) at \(money(rate)) an hour is \(money(expected)), but the claim asks \(money(claim.amount))"
            )
        }
    }

    /// A rejection names a pending claim, says why, and is signed by a controller of its issuer.
    func applyClaimReject(
        _ reject: ClaimReject, signer: Key, at: Timestamp?, prior: (any PriorEntries)?
    ) throws(LedgerError) {
        try Text.validateForm(reject.reason, field: "reason", maxLength: 500)
        let record = try pendingClaim(reject.claim, at: at, prior: prior)
        try requireIssuerController(record.claim, signer: signer, to: "reject")
    }

    /// For a credit naming a claim: the claim is pending and the credit pays exactly what it asks,
    /// from its issuer to its volunteer, with its hours, rate, category and care date. Returns
    /// the claim, whose rate the hours are then checked against.
    func checkApproval(_ tx: Transaction, at: Timestamp?, prior: (any PriorEntries)?) throws(LedgerError) -> Claim? {
        guard let id = tx.claim else { return nil }
        guard tx.purpose == .credit else { throw .invalidPayload("only a credit can approve a claim") }
        let claim = try pendingClaim(id, at: at, prior: prior).claim
        let expected = [
            Posting(account: claim.issuer, amount: -claim.amount),
            Posting(account: claim.account, amount: claim.amount),
        ]
        guard tx.postings == expected else {
            throw .invalidPayload(
                "an approval pays exactly what claim \(id) asks: \(money(claim.amount)) from \(claim.issuer) to \(claim.account)"
            )
        }
        guard tx.hours == claim.hours, tx.hourRate == claim.hourRate, tx.category == claim.category,
            tx.careDate == claim.careDate
        else {
            throw .invalidPayload("an approval carries the hours, hour_rate, category and care_date of claim \(id)")
        }
        return claim
    }

    private func pendingClaim(
        _ id: String, at: Timestamp?, prior: (any PriorEntries)?
    ) throws(LedgerError) -> ClaimRecord {
        guard let prior else {
            throw .invalidPayload("a claim's decision cannot be judged without the ledger's earlier entries")
        }
        guard let record = prior.claim(id) else { throw .invalidPayload("entry \(id) is not a claim of this ledger") }
        if let decided = record.decidedSeq { throw .claimDecided(id, seq: decided) }
        guard let at else { throw .invalidPayload("a claim's decision cannot be judged without its commit time") }
        let expires = record.expiresAt(afterDays: settings.claimExpiryDays)
        guard at < expires else { throw .claimExpired(id, at: expires.rfc3339) }
        return record
    }

    private func requireIssuerController(_ claim: Claim, signer: Key, to action: String) throws(LedgerError) {
        guard let issuer = accounts[claim.issuer], issuer.controllers.contains(signer.id) else {
            throw .unauthorized(
                "key \(signer.id.hex) does not control \(claim.issuer), so it cannot \(action) claims on it")
        }
    }

    /// A care date is a real day, and not after the day the entry is committed.
    func checkCareDate(_ text: String, at: Timestamp?) throws(LedgerError) {
        guard text.utf8.count == 10, let day = Timestamp(rfc3339: text + "T00:00:00Z") else {
            throw .invalidPayload("care_date \"\(text)\" must be a day written YYYY-MM-DD")
        }
        if let at, day > at {
            throw .invalidPayload("care_date \(text) is after the entry's commit day \(DemurragePeriod.label(at))")
        }
    }
}
