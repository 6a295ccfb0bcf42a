import NoaberCore
import NoaberCrypto
import Testing

/// `account.update`: freeze, unfreeze, close, a new minimum, new controllers, a new name.
@Suite("Ledger rules: account changes")
struct AccountUpdateRulesTests {
    func update(_ account: String, _ change: (inout AccountUpdate) -> Void) throws -> Payload.Body {
        var body = AccountUpdate(account: try AccountID(account))
        change(&body)
        return .accountUpdate(body)
    }

    func account(_ c: Community, _ id: String) throws -> LedgerState.Account {
        try #require(c.ledger.state.accounts[try AccountID(id)])
    }

    @Test func aFrozenAccountCanNeitherPayNorBePaidUntilUnfrozen() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "2")
        try c.ledger.submit(
            try update("vol:jan") {
                $0.status = .frozen
                $0.reason = "dispute"
            }, by: c.coordinator)
        #expect(try account(c, "vol:jan").status == .frozen)
        let jan = try AccountID("vol:jan")
        c.ledger.expectRefusal(
            try c.ledger.sign(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 100)), by: c.jan),
            .accountNotOpen(jan, status: "frozen"))
        c.ledger.expectRefusal(
            try c.ledger.sign(try tx(.credit, ("org:zorgkring", -100), ("vol:jan", 100)), by: c.coordinator),
            .accountNotOpen(jan, status: "frozen"))
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("vol:jan") { $0.status = .frozen }),
            .invalidPayload("account vol:jan is already frozen"))
        try c.ledger.submit(try update("vol:jan") { $0.status = .open })
        try c.ledger.submit(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 100)), by: c.jan)
    }

    @Test func onlyAnAccountAtZeroCanBeClosedAndClosedIsFinal() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1.5")
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("vol:jan") { $0.status = .closed }),
            .accountNotEmpty(try AccountID("vol:jan"), balance: "15.00"))
        try c.ledger.submit(try tx(.transfer, ("vol:jan", -1500), ("vol:piet", 1500)), by: c.jan)
        try c.ledger.submit(try update("vol:jan") { $0.status = .closed })
        let jan = try AccountID("vol:jan")
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("vol:jan") { $0.status = .open }), .accountNotOpen(jan, status: "closed"))
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("vol:jan") { $0.name = "x" }), .accountNotOpen(jan, status: "closed"))
        c.ledger.expectRefusal(
            try c.ledger.sign(try tx(.transfer, ("vol:piet", -1), ("vol:jan", 1)), by: c.piet),
            .accountNotOpen(jan, status: "closed"))
    }

    @Test func aNewMinimumMustFitTheKindAndTheBalance() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1")  // the issuer is at -10.00
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("org:zorgkring") { $0.minBalance = -500 }),
            .invalidAmount("account org:zorgkring holds -10.00, below the new minimum balance -5.00"))
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("vol:jan") { $0.minBalance = -1 }),
            .invalidAmount("a member account cannot have a negative minimum balance"))
        try c.ledger.submit(try update("org:zorgkring") { $0.minBalance = -1000 })
        // The new credit limit holds from here on.
        c.ledger.expectRefusal(
            try c.ledger.sign(try tx(.credit, ("org:zorgkring", -1), ("vol:jan", 1)), by: c.coordinator),
            reason: "limit_exceeded",
            mentioning: ["org:zorgkring", "-10.01", "-10.00"])
    }

    @Test func newControllersTakeOverFromTheOldOnes() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1")
        try c.ledger.submit(try update("vol:jan") { $0.controllers = [c.piet.publicKey.keyID] }, by: c.coordinator)
        c.ledger.expectRefusal(
            try c.ledger.sign(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 100)), by: c.jan),
            reason: "unauthorized")
        try c.ledger.submit(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 100)), by: c.piet)
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("vol:jan") { $0.controllers = [c.auditor.publicKey.keyID] }),
            .invalidPayload("auditor key \(c.auditor.publicKey.keyID.hex) cannot control an account"))
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("vol:jan") { $0.controllers = [] }),
            .invalidPayload("an account needs 1 to 16 controller keys"))
    }

    @Test func renamesAndWhoMaySign() throws {
        var c = try Community()
        try c.ledger.submit(try update("shop:bakker") { $0.name = "Bakkerij de Vries" }, by: c.coordinator)
        #expect(try account(c, "shop:bakker").name == "Bakkerij de Vries")
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("shop:bakker") { $0.name = "" }),
            .invalidPayload("account name must not be empty"))
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("vol:jan") { $0.name = "Jan" }, by: c.jan), reason: "unauthorized",
            mentioning: ["change accounts"])
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("vol:nobody") { $0.name = "x" }), .unknownAccount(try AccountID("vol:nobody")))
        c.ledger.expectRefusal(
            try c.ledger.sign(try update("vol:jan") { $0.reason = "nothing" }),
            .invalidPayload("account.update changes nothing: give status, min_balance, controllers or name"))
    }

    @Test func theUpdateIsSignedExactlyAsEncoded() throws {
        var body = AccountUpdate(account: try AccountID("vol:jan"), status: .frozen, reason: "dispute")
        let payload = Payload(ledger: TestLedger.id, id: "u1", body: .accountUpdate(body))
        #expect(
            String(decoding: payload.encoded(), as: UTF8.self)
                == #"{"account":"vol:jan","id":"u1","kind":"account.update","ledger":"\#(TestLedger.id)","reason":"dispute","status":"frozen","v":1}"#
        )
        #expect(try Payload.decode(payload.encoded()) == payload)
        body.status = nil
        #expect(throws: LedgerError.self) {
            try Payload.decode(
                Array(
                    #"{"account":"vol:jan","id":"u1","kind":"account.update","ledger":"\#(TestLedger.id)","balance":5,"v":1}"#
                        .utf8))
        }
    }
}
