import NoaberCore
import NoaberCrypto
import Testing

/// Claims: the volunteer claims with their own key, the issuer's controller decides once, in time.
@Suite("Ledger rules: claims")
struct ClaimRulesTests {
    func claim(
        _ account: String = "vol:jan", hours: String = "2", rate: Int64 = TestLedger.hourRate, amount: Int64? = nil,
        category: String? = nil, careDate: String? = nil
    ) throws -> Payload.Body {
        .claim(
            Claim(
                account: try AccountID(account), issuer: try AccountID("org:zorgkring"), hours: hours, hourRate: rate,
                amount: try amount ?? Hours(hours).amount(atRate: rate), category: category, careDate: careDate,
                memo: "boodschappen"))
    }

    func approval(of id: String, _ claim: Payload.Body, amount: Int64? = nil) throws -> Payload.Body {
        guard case .claim(let c) = claim else { throw LedgerError.invalidPayload("not a claim") }
        let paid = amount ?? c.amount
        return .transaction(
            Transaction(
                purpose: .credit,
                postings: [Posting(account: c.issuer, amount: -paid), Posting(account: c.account, amount: paid)],
                memo: c.memo, hours: c.hours, hourRate: c.hourRate, category: c.category, careDate: c.careDate,
                claim: id))
    }

    @Test func aClaimMovesNothingUntilApprovedAndIsApprovedOnce() throws {
        var c = try Community()
        let body = try claim(careDate: "2026-11-01")
        let made = try c.ledger.submit(body, by: c.jan)
        #expect(try c.ledger.balance("vol:jan") == 0)
        try c.ledger.submit(try approval(of: made.id, body), by: c.coordinator)
        #expect(try c.ledger.balance("vol:jan") == 2000)
        #expect(try c.ledger.balance("org:zorgkring") == -2000)
        let decidedAt = c.ledger.seq
        c.ledger.expectRefusal(
            try c.ledger.sign(try approval(of: made.id, body), by: c.coordinator),
            .claimDecided(made.id, seq: decidedAt))
        c.ledger.expectRefusal(
            try c.ledger.sign(.claimReject(ClaimReject(claim: made.id, reason: "te laat")), by: c.coordinator),
            .claimDecided(made.id, seq: decidedAt))
    }

    @Test func onlyTheVolunteerClaimsAndOnlyTheIssuersControllerDecides() throws {
        var c = try Community()
        c.ledger.expectRefusal(
            try c.ledger.sign(try claim(), by: c.piet), reason: "unauthorized",
            mentioning: ["does not control account vol:jan"])
        c.ledger.expectRefusal(try c.ledger.sign(try claim(), by: c.coordinator), reason: "unauthorized")
        c.ledger.expectRefusal(
            try c.ledger.sign(try claim("shop:bakker"), by: c.bakker), reason: "invalid_payload", mentioning: ["member"]
        )
        let body = try claim()
        let made = try c.ledger.submit(body, by: c.jan)
        // Jan cannot pay himself from the issuer, nor reject on its behalf.
        c.ledger.expectRefusal(try c.ledger.sign(try approval(of: made.id, body), by: c.jan), reason: "unauthorized")
        c.ledger.expectRefusal(
            try c.ledger.sign(.claimReject(ClaimReject(claim: made.id, reason: "nee")), by: c.jan),
            reason: "unauthorized",
            mentioning: ["does not control org:zorgkring, so it cannot reject"])
        try c.ledger.submit(.claimReject(ClaimReject(claim: made.id, reason: "dubbel ingediend")), by: c.coordinator)
        c.ledger.expectRefusal(
            try c.ledger.sign(try approval(of: made.id, body), by: c.coordinator),
            .claimDecided(made.id, seq: c.ledger.seq))
        #expect(try c.ledger.balance("vol:jan") == 0)
    }

    @Test func anApprovalPaysExactlyWhatWasClaimed() throws {
        var c = try Community()
        let body = try claim()
        let made = try c.ledger.submit(body, by: c.jan)
        c.ledger.expectRefusal(
            try c.ledger.sign(try approval(of: made.id, body, amount: 2500), by: c.coordinator),
            reason: "invalid_payload", mentioning: ["exactly"])
        guard case .transaction(var tx) = try approval(of: made.id, body) else { return }
        tx.hours = "3"
        c.ledger.expectRefusal(
            try c.ledger.sign(.transaction(tx), by: c.coordinator), reason: "invalid_payload", mentioning: ["hours"])
        c.ledger.expectRefusal(
            try c.ledger.sign(try approval(of: "nope", body), by: c.coordinator),
            .invalidPayload("entry nope is not a claim of this ledger"))
        tx = Transaction(purpose: .transfer, postings: [], claim: made.id)
        c.ledger.expectRefusal(
            try c.ledger.sign(.transaction(tx), by: c.coordinator), .invalidPayload("only a credit can approve a claim")
        )
    }

    @Test func aClaimStatesTheRateInForceAndValidHours() throws {
        var c = try Community()
        c.ledger.expectRefusal(
            try c.ledger.sign(try claim(rate: 1200), by: c.jan), reason: "invalid_hours", mentioning: ["hour_rate 1200"]
        )
        c.ledger.expectRefusal(
            try c.ledger.sign(try claim(amount: 1), by: c.jan), reason: "invalid_hours", mentioning: ["asks 0.01 ZMT"])
        c.ledger.expectRefusal(try c.ledger.sign(try claim(hours: "0", amount: 0), by: c.jan), reason: "invalid_hours")
        c.ledger.expectRefusal(
            try c.ledger.sign(try claim(hours: "1.555", amount: 1555), by: c.jan), reason: "invalid_hours")
        c.ledger.expectRefusal(
            try c.ledger.sign(try claim(category: "tuin"), by: c.jan), reason: "invalid_payload",
            mentioning: ["category tuin does not exist"])
        c.ledger.expectRefusal(
            try c.ledger.sign(try claim(careDate: "2026-11-03"), by: c.jan), reason: "invalid_payload",
            mentioning: ["after the entry's commit day"])
        c.ledger.expectRefusal(
            try c.ledger.sign(try claim(careDate: "2026-02-30"), by: c.jan), reason: "invalid_payload",
            mentioning: ["YYYY-MM-DD"])
    }

    @Test func theClaimsRateStandsWhenTheRateChangesBeforeApproval() throws {
        var c = try Community()
        try c.ledger.submit(.categorySet(CategorySet(category: "verzorging", name: "Verzorging", hourRate: 2000)))
        let body = try claim(hours: "1.5", rate: 2000, category: "verzorging")
        let made = try c.ledger.submit(body, by: c.jan)
        try c.ledger.submit(.categorySet(CategorySet(category: "verzorging", name: "Verzorging", hourRate: 2500)))
        try c.ledger.submit(try approval(of: made.id, body), by: c.coordinator)
        #expect(try c.ledger.balance("vol:jan") == 3000)
    }

    @Test func anUndecidedClaimExpiresAfterTheConfiguredDays() throws {
        var c = try Community()
        let body = try claim()
        let made = try c.ledger.submit(body, by: c.jan)
        let claimedAt = c.ledger.now
        let expires = Timestamp(millisecondsSinceEpoch: claimedAt.millisecondsSinceEpoch + 60 * 86_400_000)
        c.ledger.now = Timestamp(millisecondsSinceEpoch: expires.millisecondsSinceEpoch - 1)
        let second = try c.ledger.submit(body, by: c.jan)
        c.ledger.now = expires
        c.ledger.expectRefusal(
            try c.ledger.sign(try approval(of: made.id, body), by: c.coordinator),
            .claimExpired(made.id, at: expires.rfc3339))
        c.ledger.expectRefusal(
            try c.ledger.sign(.claimReject(ClaimReject(claim: made.id, reason: "te laat")), by: c.coordinator),
            .claimExpired(made.id, at: expires.rfc3339))
        // A longer expiry, set by the admin, applies to claims still pending.
        c.ledger.expectRefusal(
            try c.ledger.sign(.ledgerSettings(LedgerSettings(claimExpiryDays: 0))),
            .invalidPayload("claim_expiry_days must be 1 to 3650"))
        c.ledger.expectRefusal(
            try c.ledger.sign(.ledgerSettings(LedgerSettings(claimExpiryDays: 90)), by: c.coordinator),
            reason: "unauthorized")
        try c.ledger.submit(.ledgerSettings(LedgerSettings(claimExpiryDays: 90)))
        try c.ledger.submit(try approval(of: made.id, body), by: c.coordinator)
        try c.ledger.submit(try approval(of: second.id, body), by: c.coordinator)
        #expect(try c.ledger.balance("vol:jan") == 4000)
    }

    @Test func aCareDateGoesOnCreditsOnly() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1")
        let transfer = Transaction(
            purpose: .transfer,
            postings: [
                Posting(account: try AccountID("vol:jan"), amount: -100),
                Posting(account: try AccountID("vol:piet"), amount: 100),
            ],
            careDate: "2026-11-01")
        c.ledger.expectRefusal(
            try c.ledger.sign(.transaction(transfer), by: c.jan), .invalidPayload("only a credit names a care_date"))
    }
}
