import NoaberCore
import NoaberCrypto
import Testing

/// `credits` (docs/FORMAT.md §17): many credits of one issuer under one signature, each judged as
/// the credit `tx` it stands for, each with an id of its own that a reversal can name.
@Suite("Ledger rules: batches of credits")
struct CreditBatchRulesTests {
    typealias V2Ledger = PersonalDataTests.V2Ledger

    /// The v2 community of PersonalDataTests (issuer org:zorg, member vol:0042, entry credit-1)
    /// with a second member, vol:0043.
    static func community() throws -> V2Ledger {
        var (v2, _) = try PersonalDataTests.community()
        try v2.submit(
            .accountOpen(
                AccountOpen(
                    account: try AccountID("vol:0043"), accountKind: .member, name: "Piet", minBalance: 0,
                    controllers: [v2.ledger.admin.publicKey.keyID])))
        return v2
    }

    static func credit(
        _ id: String, _ account: String, _ amount: Int64, hours: String? = nil, memo: String? = nil,
        careDate: String? = nil
    ) throws -> BatchCredit {
        BatchCredit(
            id: id, account: try AccountID(account), amount: amount, hours: hours,
            hourRate: hours == nil ? nil : TestLedger.hourRate, careDate: careDate, memo: memo)
    }

    static func batch(_ credits: BatchCredit...) throws -> Payload.Body {
        .credits(CreditBatch(issuer: try AccountID("org:zorg"), credits: credits))
    }

    @Test func aBatchPaysEachCreditAndVerifiesWithTwoPostingRowsPerCredit() throws {
        var v2 = try Self.community()
        try v2.submit(
            try Self.batch(
                Self.credit("m-1", "vol:0042", 1000, hours: "1", memo: "boodschappen", careDate: "2026-10-30"),
                Self.credit("m-2", "vol:0043", 2500, hours: "2.5"),
                Self.credit("m-3", "vol:0042", 700, memo: "")),
            id: "batch-1")
        #expect(try v2.ledger.balance("vol:0042") == 2500 + 1000 + 700)
        #expect(try v2.ledger.balance("vol:0043") == 2500)
        #expect(try v2.ledger.balance("org:zorg") == -(2500 + 1000 + 2500 + 700))
        let stored = try v2.stored()
        #expect(stored.last?.postings.count == 6)
        #expect(stored.last?.personal?.map(\.path) == ["credits[0].memo", "credits[2].memo"])
        try PersonalDataTests.verify(stored, state: v2.ledger.state)
        // The payload holds the memo's commitment, never its text.
        let payload = try Payload.decode(stored.last!.entry.signed.payload)
        guard case .credits(let batch) = payload.body else {
            Issue.record("not a batch")
            return
        }
        #expect(batch.credits[0].memo?.count == 64)
    }

    @Test func oneCreditOfABatchIsReversedOnItsOwnAndOnlyOnce() throws {
        var v2 = try Self.community()
        try v2.submit(
            try Self.batch(Self.credit("m-1", "vol:0042", 1000), Self.credit("m-2", "vol:0043", 2500)), id: "batch-1")
        let reversal = Payload.Body.transaction(
            Transaction(
                purpose: .reversal,
                postings: [
                    Posting(account: try AccountID("org:zorg"), amount: 2500),
                    Posting(account: try AccountID("vol:0043"), amount: -2500),
                ], reverses: "m-2", reason: "wrong volunteer"))
        try v2.submit(reversal, id: "undo-m-2")
        #expect(try v2.ledger.balance("vol:0043") == 0)
        #expect(try v2.ledger.balance("vol:0042") == 2500 + 1000)
        let (again, _) = try v2.sign(reversal, id: "undo-m-2-again")
        v2.ledger.expectRefusal(again, .invalidPayload("entry m-2 was already reversed by entry \(v2.ledger.seq)"))
        // The batch as a whole is no transaction: only its credits can be reversed.
        let (whole, _) = try v2.sign(
            .transaction(
                Transaction(
                    purpose: .reversal,
                    postings: [
                        Posting(account: try AccountID("org:zorg"), amount: 1000),
                        Posting(account: try AccountID("vol:0042"), amount: -1000),
                    ], reverses: "batch-1", reason: "all of it")), id: "undo-batch")
        v2.ledger.expectRefusal(whole, .invalidPayload("entry batch-1 is not an earlier transaction of this ledger"))
        try PersonalDataTests.verify(try v2.stored(), state: v2.ledger.state)
    }

    @Test func creditIDsAreNewToTheLedgerAndNoLaterEntryTakesThem() throws {
        var v2 = try Self.community()
        let (twice, _) = try v2.sign(
            try Self.batch(Self.credit("m-1", "vol:0042", 100), Self.credit("m-1", "vol:0043", 100)), id: "b-1")
        v2.ledger.expectRefusal(
            twice, .inCredit(index: 1, id: "m-1", .invalidPayload("credit id m-1 appears twice in the batch")))
        let (own, _) = try v2.sign(try Self.batch(Self.credit("b-2", "vol:0042", 100)), id: "b-2")
        v2.ledger.expectRefusal(
            own, .inCredit(index: 0, id: "b-2", .invalidPayload("a credit id must differ from the entry's own id")))
        let (earlier, _) = try v2.sign(try Self.batch(Self.credit("credit-1", "vol:0042", 100)), id: "b-3")
        v2.ledger.expectRefusal(
            earlier,
            .inCredit(index: 0, id: "credit-1", .invalidPayload("id credit-1 is already used by entry 5")))
        try v2.submit(try Self.batch(Self.credit("m-9", "vol:0042", 100)), id: "b-4")
        let (again, _) = try v2.sign(try Self.batch(Self.credit("m-9", "vol:0043", 100)), id: "b-5")
        v2.ledger.expectRefusal(
            again, .inCredit(index: 0, id: "m-9", .invalidPayload("id m-9 is already used by entry \(v2.ledger.seq)")))
        let (taken, _) = try v2.sign(
            try tx(.credit, ("org:zorg", -100), ("vol:0042", 100)), id: "m-9")
        v2.ledger.expectRefusal(taken, .invalidPayload("id m-9 is already used by a credit of entry \(v2.ledger.seq)"))
    }

    @Test func aCreditThatBreaksARuleRefusesTheWholeBatchNamingIt() throws {
        var v2 = try Self.community()
        // The issuer may go to -1000.00 and holds -25.00 already: the third credit passes the limit.
        let (limit, _) = try v2.sign(
            try Self.batch(
                Self.credit("m-1", "vol:0042", 50_000), Self.credit("m-2", "vol:0043", 40_000),
                Self.credit("m-3", "vol:0042", 9_000)), id: "b-1")
        v2.ledger.expectRefusal(limit, reason: "limit_exceeded", mentioning: ["credits[2] (credit m-3)", "org:zorg"])
        let (hours, _) = try v2.sign(
            try Self.batch(Self.credit("m-1", "vol:0042", 1000), Self.credit("m-2", "vol:0043", 999, hours: "1")),
            id: "b-2")
        v2.ledger.expectRefusal(hours, reason: "invalid_hours", mentioning: ["credits[1] (credit m-2)"])
        let (zero, _) = try v2.sign(try Self.batch(Self.credit("m-1", "vol:0042", 0)), id: "b-3")
        v2.ledger.expectRefusal(zero, reason: "invalid_amount", mentioning: ["credits[0]"])
        let (unknown, _) = try v2.sign(try Self.batch(Self.credit("m-1", "vol:9999", 10)), id: "b-4")
        v2.ledger.expectRefusal(unknown, reason: "unknown_account", mentioning: ["credits[0]", "vol:9999"])
        let (toIssuer, _) = try v2.sign(try Self.batch(Self.credit("m-1", "org:zorg", 10)), id: "b-5")
        v2.ledger.expectRefusal(toIssuer, reason: "invalid_payload", mentioning: ["cannot credit itself"])
        let (future, _) = try v2.sign(
            try Self.batch(Self.credit("m-1", "vol:0042", 10, careDate: "2099-01-01")), id: "b-6")
        v2.ledger.expectRefusal(future, reason: "invalid_payload", mentioning: ["credits[0]", "care_date 2099-01-01"])
        // A key that does not control the issuer signs no batch from it.
        let stranger = try Ed25519PrivateKey.generate()
        try v2.submit(.keyAdd(KeyAdd(key: KeySpec(publicKey: stranger.publicKey, label: "x", role: .member))))
        let (unsigned, _) = try v2.sign(try Self.batch(Self.credit("m-1", "vol:0042", 10)), by: stranger, id: "b-7")
        v2.ledger.expectRefusal(unsigned, reason: "unauthorized", mentioning: ["org:zorg"])
    }

    @Test func onlyAVersion2LedgerHasBatchesAndABatchHasOneToAThousandCredits() throws {
        let v1 = Payload(
            v: 1, ledger: TestLedger.id, id: "b-1",
            body: try Self.batch(Self.credit("m-1", "vol:0042", 10)))
        #expect(throws: LedgerError.self) { try Payload.decode(v1.encoded()) }
        var v2 = try Self.community()
        let (empty, _) = try v2.sign(.credits(CreditBatch(issuer: try AccountID("org:zorg"), credits: [])), id: "b-2")
        v2.ledger.expectRefusal(empty, .invalidPayload("a credits entry carries 1 to 1000 credits"))
        let many = try (0...1000).map { try Self.credit("m-\($0)", "vol:0042", 1) }
        let (tooMany, _) = try v2.sign(
            .credits(CreditBatch(issuer: try AccountID("org:zorg"), credits: many)), id: "b-3")
        v2.ledger.expectRefusal(tooMany, .invalidPayload("a credits entry carries 1 to 1000 credits"))
        // A full batch of 1,000 fits the 256 KiB a batch may take.
        try v2.submit(.credits(CreditBatch(issuer: try AccountID("org:zorg"), credits: Array(many.prefix(1000)))))
        #expect(try v2.ledger.balance("vol:0042") == 2500 + 1000)
    }

    @Test func aTamperedBatchFailsVerification() throws {
        var v2 = try Self.community()
        try v2.submit(
            try Self.batch(Self.credit("m-1", "vol:0042", 1000), Self.credit("m-2", "vol:0043", 2500)), id: "batch-1")
        var stored = try v2.stored()
        let last = stored.count - 1
        stored[last].postings[3].amount = 2400
        #expect(throws: VerificationFailure.self) { try PersonalDataTests.verify(stored, state: v2.ledger.state) }
        stored = try v2.stored()
        stored[last].careDates = ["2026-11-02", "2026-11-02", "2026-11-01", "2026-11-02"]
        #expect(throws: VerificationFailure.self) { try PersonalDataTests.verify(stored, state: v2.ledger.state) }
    }
}
