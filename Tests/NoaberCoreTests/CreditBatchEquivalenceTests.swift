import NoaberCrypto
import NoaberTestSupport
import Testing

@testable import NoaberCore

/// `applyCredits` judges a batch's credits without building each credit's `tx` (Benchmarks/
/// README.md, "The import path", seventh round). These tests hold it to the rules as they read in
/// docs/FORMAT.md §17: each credit judged as the credit `tx` it stands for, by `applyTransaction`,
/// in order; both ways must give the same verdict, the same error, and the same balances.
@Suite("Ledger rules: a batch's credits judged as their own transactions")
struct CreditBatchEquivalenceTests {
    /// The community of `CreditBatchRulesTests` with what a credit can run into: a merchant, a frozen
    /// member, a category, and an issuer whose limit (−120.00) a batch of a few credits can reach.
    static func community() throws -> PersonalDataTests.V2Ledger {
        var v2 = try CreditBatchRulesTests.community()
        let admin = v2.ledger.admin.publicKey.keyID
        try v2.submit(
            .accountOpen(
                AccountOpen(
                    account: try AccountID("shop:bakker"), accountKind: .merchant, name: "Bakker", minBalance: 0,
                    controllers: [admin])))
        try v2.submit(
            .accountOpen(
                AccountOpen(
                    account: try AccountID("vol:0044"), accountKind: .member, name: "Mien", minBalance: 0,
                    controllers: [admin])))
        try v2.submit(.accountUpdate(AccountUpdate(account: try AccountID("vol:0044"), status: .frozen)))
        try v2.submit(
            .accountOpen(
                AccountOpen(
                    account: try AccountID("vol:0045"), accountKind: .member, name: "Kees", minBalance: 0,
                    controllers: [admin])))
        try v2.submit(.accountUpdate(AccountUpdate(account: try AccountID("vol:0045"), status: .closed)))
        // A second issuer, who can pay nearly any amount: as a credit's account it is of the wrong
        // kind, and its own credits can bring a volunteer's balance near the largest amount.
        try v2.submit(
            .accountOpen(
                AccountOpen(
                    account: try AccountID("org:ander"), accountKind: .issuer, name: "Anders", minBalance: -Int64.max,
                    controllers: [admin])))
        try v2.submit(.categorySet(CategorySet(category: "tuin", name: "Tuinieren", hourRate: 1500)))
        try v2.submit(.accountUpdate(AccountUpdate(account: try AccountID("org:zorg"), minBalance: -12_000)))
        return v2
    }

    /// The batch's rules as they were written before: every credit through `applyTransaction`.
    static func judgeOneByOne(
        _ state: inout LedgerState, _ batch: CreditBatch, signer: LedgerState.Key, at: Timestamp, entryID: String,
        prior: any PriorEntries
    ) throws(LedgerError) {
        _ = try state.payingAccount(batch.issuer, purpose: .credit, signer: signer.id)
        var ids: Set<String> = [entryID]
        var trial = state
        for (index, credit) in batch.credits.enumerated() {
            do throws(LedgerError) {
                // The credit's own fields, checked as before (shared); then its whole `tx`.
                try LedgerState.checkOwnFields(credit, of: batch, entryID: entryID, ids: &ids, prior: prior)
                try trial.applyTransaction(batch.transaction(index), signer: signer, at: at, prior: prior)
            } catch {
                throw .inCredit(index: index, id: credit.id, error)
            }
        }
        state.accounts = trial.accounts
    }

    /// A credit that passes, or one with a field drawn from what can be wrong with it (one time in four).
    static func randomCredit(_ index: Int, _ rng: inout some RandomNumberGenerator) -> BatchCredit {
        let member = try! AccountID(["vol:0042", "vol:0043"].randomElement(using: &rng)!)
        var credit =
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: BatchCredit(id: "c-\(index)", account: member, amount: 1000, hours: "1", hourRate: 1000)
            case 1:
                BatchCredit(
                    id: "c-\(index)", account: member, amount: 3000, hours: "2", hourRate: 1500, category: "tuin",
                    careDate: "2026-10-30", memo: "boodschappen")
            default: BatchCredit(id: "c-\(index)", account: member, amount: 700, memo: "")
            }
        guard Int.random(in: 0..<4, using: &rng) == 0 else { return credit }
        // One field or two: where two are wrong, the order of the checks decides which is named.
        for _ in 0..<Int.random(in: 1...2, using: &rng) { breakField(of: &credit, &rng) }
        return credit
    }

    static func breakField(of credit: inout BatchCredit, _ rng: inout some RandomNumberGenerator) {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: credit.id = ["c-0", "credit-1", "batch-x", "bad id", ""].randomElement(using: &rng)!
        case 1:
            credit.account = try! AccountID(
                ["org:zorg", "org:ander", "shop:bakker", "vol:0044", "vol:0045", "vol:9999"].randomElement(using: &rng)!
            )
        case 2: credit.amount = [0, -5, 999, 40_000, Int64.max].randomElement(using: &rng)!
        case 3: credit.hours = ["abc", "-1", "0.7", "1.5", nil].randomElement(using: &rng)!
        case 4: credit.hourRate = [nil, 999, 1500, 1000].randomElement(using: &rng)!
        case 5: credit.category = ["onbekend", "tuin", nil].randomElement(using: &rng)!
        case 6: credit.careDate = ["2026-11-02", "2026-11-03", "2026-13-01", "gisteren"].randomElement(using: &rng)!
        default: credit.memo = String(repeating: "x", count: 501)
        }
    }

    @Test func twoThousandRandomBatchesGetTheSameVerdictsErrorsAndBalancesBothWays() throws {
        let v2 = try Self.community()
        let state = v2.ledger.state
        let signer = try #require(state.keys[v2.ledger.admin.publicKey.keyID])
        var rng = SplitMix64(seed: 0x5EED_CAFE)
        var outcomes: [String: Int] = [:]
        for round in 0..<2000 {
            let count = Int.random(in: 1...6, using: &rng)
            let batch = CreditBatch(
                issuer: try AccountID("org:zorg"), credits: (0..<count).map { Self.randomCredit($0, &rng) })
            var fast = state
            var reference = state
            let fastVerdict = Result { () throws(LedgerError) in
                try fast.applyCredits(
                    batch, signer: signer, at: v2.ledger.now, entryID: "batch-x", prior: v2.ledger.prior)
            }
            let referenceVerdict = Result { () throws(LedgerError) in
                try Self.judgeOneByOne(
                    &reference, batch, signer: signer, at: v2.ledger.now, entryID: "batch-x", prior: v2.ledger.prior)
            }
            switch (fastVerdict, referenceVerdict) {
            case (.success, .success): outcomes["accepted", default: 0] += 1
            case (.failure(let one), .failure(let other)):
                #expect(one == other, "round \(round): \(batch.credits)")
                outcomes[one.reason, default: 0] += 1
            default: Issue.record("round \(round): \(fastVerdict) against \(referenceVerdict) for \(batch.credits)")
            }
            #expect(StateSnapshot(fast) == StateSnapshot(reference), "round \(round)")
        }
        // The draw reaches acceptance and each kind of refusal a credit can meet.
        #expect(outcomes["accepted", default: 0] >= 20, "\(outcomes)")
        #expect(outcomes.count >= 5, "\(outcomes)")
    }

    @Test func theIssuersLimitAndABalancesOverflowAreNamedAtTheCreditThatReachesThem() throws {
        var v2 = try Self.community()
        // vol:0043 paid all but 100 of the largest amount by the other issuer: a credit of 200
        // overflows its balance, not the issuer's.
        try v2.submit(
            .credits(
                CreditBatch(
                    issuer: try AccountID("org:ander"),
                    credits: [BatchCredit(id: "big-1", account: try AccountID("vol:0043"), amount: Int64.max - 100)])),
            id: "ander-1")
        let signer = try #require(v2.ledger.state.keys[v2.ledger.admin.publicKey.keyID])
        let cases: [[BatchCredit]] = [
            // The issuer, at −25.00, may go to −120.00: the third credit of 4,000 passes it.
            [
                BatchCredit(id: "l-1", account: try AccountID("vol:0042"), amount: 4000),
                BatchCredit(id: "l-2", account: try AccountID("vol:0042"), amount: 4000),
                BatchCredit(id: "l-3", account: try AccountID("vol:0042"), amount: 4000),
            ],
            // The issuer's balance would pass the lowest 64-bit amount on the second.
            [
                BatchCredit(id: "o-1", account: try AccountID("vol:0042"), amount: 1),
                BatchCredit(id: "o-2", account: try AccountID("vol:0042"), amount: Int64.max),
            ],
            // vol:0043's balance would pass the largest amount on the second.
            [
                BatchCredit(id: "v-1", account: try AccountID("vol:0042"), amount: 50),
                BatchCredit(id: "v-2", account: try AccountID("vol:0043"), amount: 200),
            ],
        ]
        for credits in cases {
            let batch = CreditBatch(issuer: try AccountID("org:zorg"), credits: credits)
            var fast = v2.ledger.state
            var reference = v2.ledger.state
            var fastError: LedgerError?
            var referenceError: LedgerError?
            do {
                try fast.applyCredits(
                    batch, signer: signer, at: v2.ledger.now, entryID: "batch-x", prior: v2.ledger.prior)
            } catch { fastError = error }
            do {
                try Self.judgeOneByOne(
                    &reference, batch, signer: signer, at: v2.ledger.now, entryID: "batch-x", prior: v2.ledger.prior)
            } catch { referenceError = error }
            #expect(fastError != nil)
            #expect(fastError == referenceError)
            if case .inCredit(let index, _, _)? = fastError { #expect(index == credits.count - 1) }
            #expect(StateSnapshot(fast) == StateSnapshot(v2.ledger.state))
        }
    }

    @Test func aBatchsPathsMadeOnlyWhenAskedAreThoseOfItsFields() throws {
        var rng = SplitMix64(seed: 0xB47C4)
        for _ in 0..<200 {
            let credits = (0..<Int.random(in: 1...12, using: &rng)).map { Self.randomCredit($0, &rng) }
            let payload = Payload(
                v: 2, ledger: TestLedger.id, id: "batch-x",
                body: .credits(CreditBatch(issuer: try AccountID("org:zorg"), credits: credits)))
            #expect(payload.personalPaths == payload.personalFields.map(\.path))
            var visited: [(path: String, text: String)] = []
            try payload.forEachTextField { text, path in visited.append((path(), text)) }
            #expect(visited.map(\.path) == payload.textFields.map(\.path))
            #expect(visited.map(\.text) == payload.textFields.map(\.text))
        }
    }
}
