import NoaberCore
import NoaberCrypto
import Testing

@Suite("Ledger rules: transactions")
struct TransactionRulesTests {
    @Test func debitNeedsAControllingKey() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1")
        let entry = try c.ledger.sign(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 100)), by: c.piet)
        c.ledger.expectRefusal(
            entry, .unauthorized("key \(c.piet.publicKey.keyID.hex) does not control account vol:jan"))
        // The admin does not control member accounts either.
        let byAdmin = try c.ledger.sign(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 100)))
        c.ledger.expectRefusal(byAdmin, reason: "unauthorized", mentioning: ["does not control account vol:jan"])
    }

    @Test func unbalancedIsRefused() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1")
        let entry = try c.ledger.sign(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 200)), by: c.jan)
        c.ledger.expectRefusal(entry, .unbalanced("the postings sum to 1.00, not zero"))
        let negative = try c.ledger.sign(try tx(.transfer, ("vol:jan", -300), ("vol:piet", 200)), by: c.jan)
        c.ledger.expectRefusal(negative, .unbalanced("the postings sum to -1.00, not zero"))
    }

    @Test func fewerThanTwoPostingsIsRefused() throws {
        var c = try Community()
        for postings: [(String, Int64)] in [[], [("vol:jan", 0)]] {
            let entry = try c.ledger.sign(try tx(.transfer, postings: postings), by: c.jan)
            c.ledger.expectRefusal(entry, .unbalanced("a transaction needs at least two postings"))
        }
    }

    @Test func zeroPostingIsRefused() throws {
        var c = try Community()
        let entry = try c.ledger.sign(try tx(.transfer, ("vol:jan", 0), ("vol:piet", 0)), by: c.jan)
        c.ledger.expectRefusal(entry, .invalidAmount("the posting to vol:jan is zero"))
    }

    @Test func duplicateAccountIsRefused() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1")
        let entry = try c.ledger.sign(try tx(.transfer, ("vol:jan", -100), ("vol:jan", 100)), by: c.jan)
        c.ledger.expectRefusal(entry, .invalidPayload("account vol:jan appears in two postings"))
    }

    @Test func tooManyPostingsIsRefused() throws {
        var c = try Community()
        let postings = [("org:zorgkring", Int64(-100))] + (1...100).map { ("vol:p\($0)", Int64(1)) }
        let entry = try c.ledger.sign(try tx(.credit, postings: postings), by: c.coordinator)
        c.ledger.expectRefusal(entry, .tooManyPostings(count: 101, limit: 100))
    }

    @Test func exactlyTheMaximumOfPostingsIsAccepted() throws {
        var c = try Community()
        for n in 1...99 { try c.ledger.submit(try c.open("vol:p\(n)", .member, c.jan), by: c.coordinator) }
        let postings = [("org:zorgkring", Int64(-99))] + (1...99).map { ("vol:p\($0)", Int64(1)) }
        try c.ledger.submit(try tx(.credit, postings: postings), by: c.coordinator)
        #expect(c.ledger.balanceSum == 0)
    }

    @Test func unknownAccountIsRefused() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1")
        let entry = try c.ledger.sign(try tx(.transfer, ("vol:jan", -100), ("vol:nobody", 100)), by: c.jan)
        c.ledger.expectRefusal(entry, .unknownAccount(try AccountID("vol:nobody")))
    }

    @Test func overflowInTheSumIsRefused() throws {
        var c = try Community()
        let entry = try c.ledger.sign(
            try tx(.transfer, ("vol:jan", .max), ("vol:piet", .max), ("shop:bakker", 2)), by: c.jan)
        c.ledger.expectRefusal(entry, .invalidAmount("the sum of the postings overflows a 64-bit amount"))
    }

    @Test func overflowInABalanceIsRefused() throws {
        var c = try Community()
        try c.ledger.submit(try c.open("org:big", .issuer, min: .min, c.coordinator))
        try c.ledger.submit(try tx(.credit, ("org:big", -.max), ("vol:jan", .max)), by: c.coordinator)
        #expect(try c.ledger.balance("vol:jan") == .max)
        let entry = try c.ledger.sign(try tx(.credit, ("vol:jan", 1), ("org:big", -1)), by: c.coordinator)
        c.ledger.expectRefusal(entry, .invalidAmount("the balance of vol:jan overflows a 64-bit amount"))
    }

    @Test func overflowInTheCreditedTotalIsRefused() throws {
        var c = try Community()
        try c.ledger.submit(try c.open("org:big", .issuer, min: .min, c.coordinator))
        let entry = try c.ledger.sign(
            try tx(.credit, ("org:big", -.max), ("vol:jan", .max), ("vol:piet", .max), ("org:zorgkring", -.max)),
            by: c.coordinator)
        c.ledger.expectRefusal(entry, .invalidAmount("the credited total overflows a 64-bit amount"))
    }

    @Test func memberCannotGoBelowZero() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1")
        let entry = try c.ledger.sign(try tx(.transfer, ("vol:jan", -1001), ("vol:piet", 1001)), by: c.jan)
        c.ledger.expectRefusal(
            entry, .limitExceeded(account: try AccountID("vol:jan"), wouldBe: "-0.01", minimum: "0.00"))
        #expect(
            LedgerError.limitExceeded(account: try AccountID("vol:jan"), wouldBe: "-0.01", minimum: "0.00").message
                == "account vol:jan would go to -0.01, below its minimum balance 0.00")
        // Spending the whole balance is fine.
        try c.ledger.submit(try tx(.transfer, ("vol:jan", -1000), ("vol:piet", 1000)), by: c.jan)
        #expect(try c.ledger.balance("vol:jan") == 0)
    }

    @Test func issuerCannotGoBeyondItsCreditLimit() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "99")
        try c.credit("vol:jan", hours: "0.99")
        #expect(try c.ledger.balance("org:zorgkring") == -99_990)
        let entry = try c.ledger.sign(
            try tx(.credit, ("org:zorgkring", -11), ("vol:piet", 11)), by: c.coordinator)
        c.ledger.expectRefusal(
            entry, .limitExceeded(account: try AccountID("org:zorgkring"), wouldBe: "-1000.01", minimum: "-1000.00"))
        try c.ledger.submit(try tx(.credit, ("org:zorgkring", -10), ("vol:piet", 10)), by: c.coordinator)
        #expect(try c.ledger.balance("org:zorgkring") == Community.issuerLimit)
    }

    @Test func purposeDecidesWhichKindsMayPayAndReceive() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1")
        try c.ledger.submit(try tx(.redeem, ("vol:jan", -100), ("shop:bakker", 100)), by: c.jan)
        let cases: [(Payload.Body, Ed25519PrivateKey, String)] = [
            (
                try tx(.credit, ("vol:jan", -1), ("vol:piet", 1)), c.jan,
                "a credit may only pay from issuer accounts; vol:jan is a member"
            ),
            (
                try tx(.credit, ("org:zorgkring", -1), ("shop:bakker", 1)), c.coordinator,
                "a credit may only pay to member accounts; shop:bakker is a merchant"
            ),
            (
                try tx(.redeem, ("vol:jan", -1), ("vol:piet", 1)), c.jan,
                "a redeem may only pay to merchant accounts; vol:piet is a member"
            ),
            (
                try tx(.redeem, ("shop:bakker", -1), ("vol:jan", 1)), c.bakker,
                "a redeem may only pay from member accounts; shop:bakker is a merchant"
            ),
            (
                try tx(.transfer, ("org:zorgkring", -1), ("vol:jan", 1)), c.coordinator,
                "a transfer may only pay from member or merchant accounts; org:zorgkring is an issuer"
            ),
            (
                try tx(.transfer, ("vol:jan", -1), ("org:zorgkring", 1)), c.jan,
                "a transfer may only pay to member or merchant accounts; org:zorgkring is an issuer"
            ),
        ]
        for (body, key, why) in cases {
            c.ledger.expectRefusal(try c.ledger.sign(body, by: key), .invalidPayload(why))
        }
    }

    @Test func memoIsChecked() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1")
        let entry = try c.ledger.sign(try tx(.transfer, ("vol:jan", -1), ("vol:piet", 1), memo: "a\rb"), by: c.jan)
        c.ledger.expectRefusal(entry, .invalidText(field: "memo", .controlCharacter(0x0D)))
        let long = try c.ledger.sign(
            try tx(.transfer, ("vol:jan", -1), ("vol:piet", 1), memo: String(repeating: "m", count: 501)), by: c.jan)
        c.ledger.expectRefusal(long, .invalidPayload("memo is longer than 500 characters"))
    }

    @Test func hoursRules() throws {
        var c = try Community()
        let rate = TestLedger.hourRate
        let cases: [(Payload.Body, LedgerError)] = [
            (
                try tx(.credit, ("org:zorgkring", -1500), ("vol:jan", 1500), hours: "1.5"),
                .invalidHours("hours are given without the hour_rate applied")
            ),
            (
                try tx(.credit, ("org:zorgkring", -1500), ("vol:jan", 1500), hours: "1.5", hourRate: 999),
                .invalidHours("hour_rate 999 (9.99 ZMT) is not the ledger's hour rate, 10.00 ZMT")
            ),
            (
                try tx(.credit, ("org:zorgkring", -1600), ("vol:jan", 1600), hours: "1.5", hourRate: rate),
                .invalidHours("1.5 hours at 10.00 ZMT an hour is 15.00 ZMT, but 16.00 ZMT is credited")
            ),
            (
                try tx(.credit, ("org:zorgkring", -1500), ("vol:jan", 1500), hourRate: rate),
                .invalidPayload("hour_rate is given without hours")
            ),
            (
                try tx(.credit, ("org:zorgkring", -1500), ("vol:jan", 1500), hours: "1.555", hourRate: rate),
                .invalidHours("\"1.555\" must be a positive number of hours with at most two decimals, like 1.5")
            ),
            (
                try tx(.credit, ("org:zorgkring", -1500), ("vol:jan", 1500), hours: "0", hourRate: rate),
                .invalidHours("\"0\" must be more than zero")
            ),
        ]
        for (body, error) in cases {
            c.ledger.expectRefusal(try c.ledger.sign(body, by: c.coordinator), error)
        }
        try c.credit("vol:jan", hours: "1")
        let transfer = try c.ledger.sign(
            try tx(.transfer, ("vol:jan", -1000), ("vol:piet", 1000), hours: "1", hourRate: rate), by: c.jan)
        c.ledger.expectRefusal(transfer, .invalidHours("only a credit can be paid for hours"))
        // A credit without hours (e.g. a correction) is allowed.
        try c.ledger.submit(try tx(.credit, ("org:zorgkring", -5), ("vol:piet", 5)), by: c.coordinator)
    }
}
