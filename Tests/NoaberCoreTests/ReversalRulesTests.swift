import NoaberCore
import NoaberCrypto
import Testing

/// Corrections: a reversal undoes one earlier transaction exactly, once, within the limits.
@Suite("Ledger rules: reversals")
struct ReversalRulesTests {
    func reversal(
        of id: String, _ postings: (String, Int64)..., reason: String? = "typed 2 hours, meant 1"
    ) throws -> Payload.Body {
        .transaction(
            Transaction(
                purpose: .reversal, postings: try postings.map { Posting(account: try AccountID($0.0), amount: $0.1) },
                reverses: id, reason: reason))
    }

    @Test func aCoordinatorReversesAWrongCreditOnce() throws {
        var c = try Community()
        let credit = try c.ledger.submit(
            try tx(.credit, ("org:zorgkring", -2000), ("vol:jan", 2000), hours: "2", hourRate: TestLedger.hourRate),
            by: c.coordinator)
        // The coordinator does not control Jan's account, yet may take a wrong credit back.
        try c.ledger.submit(try reversal(of: credit.id, ("org:zorgkring", 2000), ("vol:jan", -2000)), by: c.coordinator)
        #expect(try c.ledger.balance("vol:jan") == 0)
        #expect(try c.ledger.balance("org:zorgkring") == 0)
        c.ledger.expectRefusal(
            try c.ledger.sign(
                try reversal(of: credit.id, ("org:zorgkring", 2000), ("vol:jan", -2000)), by: c.coordinator),
            .invalidPayload("entry \(credit.id) was already reversed by entry \(c.ledger.seq)"))
    }

    @Test func aReversalMustMirrorItsOriginalExactly() throws {
        var c = try Community()
        let credit = try c.ledger.submit(
            try tx(.credit, ("org:zorgkring", -1000), ("vol:jan", 1000)), by: c.coordinator)
        let mirror = "a reversal's postings must be those of entry \(credit.id), negated, in the same order"
        c.ledger.expectRefusal(
            try c.ledger.sign(
                try reversal(of: credit.id, ("org:zorgkring", 900), ("vol:jan", -900)), by: c.coordinator),
            .invalidPayload(mirror))
        c.ledger.expectRefusal(
            try c.ledger.sign(
                try reversal(of: credit.id, ("vol:jan", -1000), ("org:zorgkring", 1000)), by: c.coordinator),
            .invalidPayload(mirror))
        c.ledger.expectRefusal(
            try c.ledger.sign(try reversal(of: "nope", ("org:zorgkring", 1000), ("vol:jan", -1000)), by: c.coordinator),
            .invalidPayload("entry nope is not an earlier transaction of this ledger"))
        c.ledger.expectRefusal(
            try c.ledger.sign(
                try reversal(of: credit.id, ("org:zorgkring", 1000), ("vol:jan", -1000), reason: nil), by: c.coordinator
            ),
            .invalidPayload("a reversal must say why (reason)"))
        let undo = try c.ledger.submit(
            try reversal(of: credit.id, ("org:zorgkring", 1000), ("vol:jan", -1000)), by: c.coordinator)
        c.ledger.expectRefusal(
            try c.ledger.sign(
                try reversal(of: undo.id, ("org:zorgkring", -1000), ("vol:jan", 1000)), by: c.coordinator),
            .invalidPayload("entry \(undo.id) is itself a reversal; to undo it, make a new entry"))
        c.ledger.expectRefusal(
            try c.ledger.sign(
                .transaction(
                    Transaction(
                        purpose: .transfer,
                        postings: [
                            Posting(account: try AccountID("vol:jan"), amount: -1),
                            Posting(account: try AccountID("vol:piet"), amount: 1),
                        ],
                        reverses: credit.id)), by: c.jan),
            .invalidPayload("only a reversal names reverses and reason"))
    }

    @Test func aReversalRespectsLimitsAndSaysWhichAccountWouldGoBelow() throws {
        var c = try Community()
        let credit = try c.ledger.submit(
            try tx(.credit, ("org:zorgkring", -1000), ("vol:jan", 1000)), by: c.coordinator)
        try c.ledger.submit(try tx(.redeem, ("vol:jan", -800), ("shop:bakker", 800)), by: c.jan)
        c.ledger.expectRefusal(
            try c.ledger.sign(
                try reversal(of: credit.id, ("org:zorgkring", 1000), ("vol:jan", -1000)), by: c.coordinator),
            .limitExceeded(account: try AccountID("vol:jan"), wouldBe: "-8.00", minimum: "0.00"))
        // A member's own key may reverse only what it controls; an auditor never.
        c.ledger.expectRefusal(
            try c.ledger.sign(try reversal(of: credit.id, ("org:zorgkring", 1000), ("vol:jan", -1000)), by: c.auditor),
            reason: "unauthorized")
    }
}
