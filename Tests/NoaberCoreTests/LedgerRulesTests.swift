import Foundation
import NoaberCore
import NoaberCrypto
import Testing

@Suite("Ledger rules: init, signatures, happy path")
struct LedgerRulesTests {
    @Test func happyPathKeepsBalancesExactAndSummingToZero() throws {
        var c = try Community()
        #expect(c.ledger.state.ledger?.id == TestLedger.id)
        #expect(c.ledger.state.ledger?.adminKey == c.ledger.admin.publicKey.keyID)
        #expect(c.ledger.state.keys.count == 6)
        #expect(c.ledger.state.accounts.count == 4)
        #expect(c.ledger.state.accounts[try AccountID("vol:jan")]?.openedSeq == 8)
        #expect(c.ledger.balanceSum == 0)

        try c.credit("vol:jan", hours: "1.5")
        #expect(try c.ledger.balance("vol:jan") == 1500)
        #expect(try c.ledger.balance("org:zorgkring") == -1500)
        #expect(c.ledger.balanceSum == 0)

        try c.ledger.submit(try tx(.transfer, ("vol:jan", -250), ("vol:piet", 250), memo: "thanks"), by: c.jan)
        #expect(c.ledger.balanceSum == 0)
        try c.ledger.submit(try tx(.redeem, ("vol:piet", -200), ("shop:bakker", 200)), by: c.piet)
        #expect(c.ledger.balanceSum == 0)
        // A merchant may pass coins on with a transfer.
        try c.ledger.submit(try tx(.transfer, ("shop:bakker", -50), ("vol:jan", 50)), by: c.bakker)
        #expect(c.ledger.balanceSum == 0)

        #expect(try c.ledger.balance("org:zorgkring") == -1500)
        #expect(try c.ledger.balance("vol:jan") == 1300)
        #expect(try c.ledger.balance("vol:piet") == 50)
        #expect(try c.ledger.balance("shop:bakker") == 150)
        #expect(c.ledger.seq == 14)
    }

    @Test func applyReturnsTheDecodedPayload() throws {
        var l = try TestLedger()
        let signed = try l.sign(l.initBody(), entryID: "init-1")
        let payload = try l.apply(signed)
        #expect(payload.id == "init-1")
        #expect(payload.kind == .ledgerInit)
        #expect(try Payload.decode(signed.payload) == payload)
    }

    @Test func nothingBeforeInit() throws {
        var l = try TestLedger()
        let key = try Ed25519PrivateKey.generate()
        let entry = try l.sign(.keyAdd(KeyAdd(key: KeySpec(publicKey: key.publicKey, label: "k", role: .member))))
        l.expectRefusal(entry, .notInitialised)
    }

    @Test func secondInitIsRefused() throws {
        var l = try TestLedger()
        try l.submit(l.initBody())
        l.expectRefusal(try l.sign(l.initBody()), .alreadyInitialised)
        let other = try Ed25519PrivateKey.generate()
        l.expectRefusal(try l.sign(l.initBody(admin: other), by: other), .alreadyInitialised)
    }

    @Test func initMustBeSignedByTheAdminItNames() throws {
        var l = try TestLedger()
        let other = try Ed25519PrivateKey.generate()
        l.expectRefusal(
            try l.sign(l.initBody(), by: other),
            .unauthorized("ledger.init must be signed by the admin key it names (\(l.admin.publicKey.keyID.hex))"))
        #expect(l.state.ledger == nil)
    }

    @Test func initFieldsAreChecked() throws {
        var l = try TestLedger()
        l.expectRefusal(try l.sign(l.initBody(role: .operator)), .invalidPayload("admin_key.role must be admin"))
        l.expectRefusal(try l.sign(l.initBody(hourRate: 0)), .invalidAmount("hour_rate must be more than zero"))
        l.expectRefusal(try l.sign(l.initBody(hourRate: -5)), .invalidAmount("hour_rate must be more than zero"))
        l.expectRefusal(
            try l.sign(l.initBody(), ledger: "NOT-A-LEDGER-ID"),
            .invalidPayload("ledger id \"NOT-A-LEDGER-ID\" must be 32 lowercase hex characters"))
        var badCurrency = LedgerInit(
            name: "Z", currency: Currency(code: "zmt", name: "Z", scale: 2), hourRate: 1,
            adminKey: KeySpec(publicKey: l.admin.publicKey, label: "admin", role: .admin),
            nonce: Hex.encode(TestLedger.nonce))
        l.expectRefusal(try l.sign(.ledgerInit(badCurrency)), reason: "invalid_payload", mentioning: ["currency code"])
        badCurrency.currency = Currency(code: "ZMT", name: "Z", scale: 9)
        l.expectRefusal(try l.sign(.ledgerInit(badCurrency)), reason: "invalid_payload", mentioning: ["scale 9"])
        l.expectRefusal(
            try l.sign(l.initBody(), entryID: "bad id"), reason: "invalid_payload", mentioning: ["entry id"])
    }

    /// The ledger id is derived from the admin key and nonce that entry 1 signs, so nobody can
    /// start a ledger under an id that another admin key made.
    @Test func initMustCarryTheIdItsAdminKeyDerives() throws {
        var l = try TestLedger()
        // A valid id, but a random one: refused, naming the id that would be right.
        let random = "0123456789abcdef0123456789abcdef"
        l.expectRefusal(
            try l.sign(l.initBody(), ledger: random),
            .invalidPayload("ledger id \(random) is not the one admin_key and nonce make (\(TestLedger.id))"))
        // Another admin key claiming this ledger's id, signing its own entry 1 properly.
        let impostor = try Ed25519PrivateKey.generate()
        l.expectRefusal(
            try l.sign(l.initBody(admin: impostor), by: impostor, ledger: TestLedger.id),
            reason: "invalid_payload", mentioning: ["is not the one admin_key and nonce make"])
        // The same admin key with another nonce makes another ledger.
        guard case .ledgerInit(var other) = l.initBody() else {
            Issue.record("not an init")
            return
        }
        other.nonce = String(repeating: "ab", count: 16)
        l.expectRefusal(
            try l.sign(.ledgerInit(other), ledger: TestLedger.id), reason: "invalid_payload", mentioning: ["nonce make"]
        )
        for bad in [
            "", "00", String(repeating: "AB", count: 16), String(repeating: "0", count: 33),
            String(repeating: "g", count: 32),
        ] {
            other.nonce = bad
            l.expectRefusal(
                try l.sign(.ledgerInit(other), ledger: TestLedger.id),
                .invalidPayload("nonce must be 32 lowercase hex characters (16 bytes)"))
        }
        // And the honest one is accepted.
        try l.submit(l.initBody())
        #expect(l.state.ledger?.id == TestLedger.id)
    }

    @Test func wrongLedgerIsRefused() throws {
        var c = try Community()
        let other = "ffffffffffffffffffffffffffffffff"
        let entry = try c.ledger.sign(try tx(.transfer, ("vol:jan", -1), ("vol:piet", 1)), by: c.jan, ledger: other)
        c.ledger.expectRefusal(entry, .wrongLedger(expected: TestLedger.id, actual: other))
    }

    @Test func unknownKeyIsRefused() throws {
        var c = try Community()
        let stranger = try Ed25519PrivateKey.generate()
        let entry = try c.ledger.sign(try c.open("vol:x", .member, c.jan), by: stranger)
        c.ledger.expectRefusal(entry, .unknownKey(stranger.publicKey.keyID))
    }

    @Test func badSignatureIsRefused() throws {
        var c = try Community()
        let adminID = c.ledger.admin.publicKey.keyID
        // The right key over other bytes.
        var entry = try c.ledger.sign(try c.open("vol:x", .member, c.jan))
        entry.signature = try c.ledger.admin.signature(for: [1, 2, 3])
        c.ledger.expectRefusal(entry, .badSignature(adminID))
        // A signature made for another ledger id over the very same payload.
        let payload = entry.payload
        entry.signature = try c.ledger.admin.signature(
            for: SignedEntry.signingMessage(ledgerID: "ffffffffffffffffffffffffffffffff", payload: payload))
        c.ledger.expectRefusal(entry, .badSignature(adminID))
        // A signature over the bare payload, without the domain separator.
        entry.signature = try c.ledger.admin.signature(for: payload)
        c.ledger.expectRefusal(entry, .badSignature(adminID))
        // Payload bytes changed after signing.
        var changed = try c.ledger.sign(try c.open("vol:x", .member, c.jan))
        changed.payload = Array(
            String(decoding: changed.payload, as: UTF8.self).replacingOccurrences(of: "vol:x", with: "vol:y").utf8)
        c.ledger.expectRefusal(changed, .badSignature(adminID))
        // Truncated signature.
        var short = try c.ledger.sign(try c.open("vol:x", .member, c.jan))
        short.signature.removeLast()
        c.ledger.expectRefusal(short, .badSignature(adminID))
    }

    @Test func preVerifiedSignatureCountsOnlyForTheSigningKey() throws {
        var c = try Community()
        let adminID = c.ledger.admin.publicKey.keyID
        var forged = try c.ledger.sign(try c.open("vol:x", .member, c.jan))
        #expect(forged.isValid(for: try Payload.decode(forged.payload), with: c.ledger.admin.publicKey))
        forged.signature = try c.jan.signature(
            for: SignedEntry.signingMessage(ledgerID: TestLedger.id, payload: forged.payload))
        let payload = try Payload.decode(forged.payload)
        #expect(!forged.isValid(for: payload, with: c.ledger.admin.publicKey))
        #expect(forged.isValid(for: payload, with: c.jan.publicKey))
        // Claiming it verified with another key (here: the key that really made it) does not skip the check.
        let before = StateSnapshot(c.ledger.state)
        #expect(throws: LedgerError.badSignature(adminID)) {
            try c.ledger.state.apply(forged, decoded: payload, seq: c.ledger.seq + 1, verifiedWith: c.jan.publicKey)
        }
        #expect(StateSnapshot(c.ledger.state) == before)
        // A genuine signature, verified beforehand with the signer's own key, is accepted.
        let genuine = try c.ledger.sign(try c.open("vol:y", .member, c.jan))
        try c.ledger.state.apply(
            genuine, decoded: try Payload.decode(genuine.payload), seq: c.ledger.seq + 1,
            verifiedWith: c.ledger.admin.publicKey)
        #expect(c.ledger.state.accounts[try AccountID("vol:y")] != nil)
    }
}
