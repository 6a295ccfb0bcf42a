import NoaberCore
import NoaberCrypto
import Testing

@Suite("Ledger rules: accounts")
struct AccountRulesTests {
    @Test func accountExistsIsRefused() throws {
        var c = try Community()
        c.ledger.expectRefusal(
            try c.ledger.sign(try c.open("vol:jan", .member, c.piet)), .accountExists(try AccountID("vol:jan")))
    }

    @Test func controllersMustBeUsableKeys() throws {
        var c = try Community()
        let stranger = try Ed25519PrivateKey.generate()
        c.ledger.expectRefusal(
            try c.ledger.sign(try c.open("vol:x", .member, stranger)), .unknownKey(stranger.publicKey.keyID))
        c.ledger.expectRefusal(
            try c.ledger.sign(try c.open("vol:x", .member, c.auditor)),
            .invalidPayload("auditor key \(c.auditor.publicKey.keyID.hex) cannot control an account"))
        c.ledger.expectRefusal(
            try c.ledger.sign(try c.open("vol:x", .member, c.jan, c.jan)),
            .invalidPayload("a controller key is listed twice"))
        c.ledger.expectRefusal(
            try c.ledger.sign(try c.open("vol:x", .member)), .invalidPayload("an account needs 1 to 16 controller keys")
        )
        var many = AccountOpen(
            account: try AccountID("vol:x"), accountKind: .member, name: "x", minBalance: 0, controllers: [])
        many.controllers = try (0..<17).map {
            try #require(KeyID(hex: String(repeating: "0", count: 30) + String($0 + 16, radix: 16)))
        }
        c.ledger.expectRefusal(
            try c.ledger.sign(.accountOpen(many)), .invalidPayload("an account needs 1 to 16 controller keys"))

        try c.ledger.submit(.keyRevoke(KeyRevoke(keyID: c.piet.publicKey.keyID, reason: nil)))
        c.ledger.expectRefusal(
            try c.ledger.sign(try c.open("vol:x", .member, c.jan, c.piet)),
            .keyRevoked(c.piet.publicKey.keyID, seq: c.ledger.seq))
    }

    @Test func minimumBalanceFitsTheKind() throws {
        var c = try Community()
        c.ledger.expectRefusal(
            try c.ledger.sign(try c.open("org:x", .issuer, min: 1, c.coordinator)),
            .invalidAmount("an issuer's minimum balance is its credit limit and must be zero or negative"))
        c.ledger.expectRefusal(
            try c.ledger.sign(try c.open("vol:x", .member, min: -1, c.jan)),
            .invalidAmount("a member account cannot have a negative minimum balance"))
        c.ledger.expectRefusal(
            try c.ledger.sign(try c.open("shop:x", .merchant, min: -1, c.bakker)),
            .invalidAmount("a merchant account cannot have a negative minimum balance"))
        // The boundaries are accepted: an issuer at zero, a member with a positive floor.
        try c.ledger.submit(try c.open("org:x", .issuer, min: 0, c.coordinator))
        try c.ledger.submit(try c.open("vol:x", .member, min: 100, c.jan))
    }

    @Test func accountNameIsChecked() throws {
        var c = try Community()
        var open = AccountOpen(
            account: try AccountID("vol:x"), accountKind: .member, name: "", minBalance: 0,
            controllers: [c.jan.publicKey.keyID])
        c.ledger.expectRefusal(try c.ledger.sign(.accountOpen(open)), .invalidPayload("account name must not be empty"))
        open.name = "x\ny"
        c.ledger.expectRefusal(
            try c.ledger.sign(.accountOpen(open)), .invalidText(field: "account name", .controlCharacter(0x0A)))
    }
}
