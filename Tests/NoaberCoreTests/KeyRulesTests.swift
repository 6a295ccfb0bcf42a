import NoaberCore
import NoaberCrypto
import Testing

@Suite("Ledger rules: keys")
struct KeyRulesTests {
    @Test func revokedKeySignsNothingAfter() throws {
        var c = try Community()
        try c.credit("vol:jan", hours: "1")
        try c.ledger.submit(.keyRevoke(KeyRevoke(keyID: c.jan.publicKey.keyID, reason: "lost phone")))
        let revokedAt = c.ledger.seq
        #expect(c.ledger.state.keys[c.jan.publicKey.keyID]?.revokedSeq == revokedAt)
        let entry = try c.ledger.sign(try tx(.transfer, ("vol:jan", -1), ("vol:piet", 1)), by: c.jan)
        c.ledger.expectRefusal(entry, .keyRevoked(c.jan.publicKey.keyID, seq: revokedAt))
        // Revoking it again is refused as well, naming the key.
        let again = try c.ledger.sign(.keyRevoke(KeyRevoke(keyID: c.jan.publicKey.keyID, reason: nil)))
        c.ledger.expectRefusal(again, .invalidPayload("key \(c.jan.publicKey.keyID.hex) is already revoked"))
        let unknown = try #require(KeyID(hex: "00000000000000000000000000000000"))
        c.ledger.expectRefusal(
            try c.ledger.sign(.keyRevoke(KeyRevoke(keyID: unknown, reason: nil))), .unknownKey(unknown))
    }

    @Test func onlyAdminsManageKeys() throws {
        var c = try Community()
        let newKey = try Ed25519PrivateKey.generate()
        let add = KeyAdd(key: KeySpec(publicKey: newKey.publicKey, label: "new", role: .member))
        c.ledger.expectRefusal(
            try c.ledger.sign(.keyAdd(add), by: c.jan), reason: "unauthorized",
            mentioning: [c.jan.publicKey.keyID.hex, "role member", "only admin keys may add keys"])
        c.ledger.expectRefusal(
            try c.ledger.sign(.keyRevoke(KeyRevoke(keyID: c.jan.publicKey.keyID, reason: nil)), by: c.coordinator),
            reason: "unauthorized", mentioning: ["role operator", "only admin keys may revoke keys"])
        c.ledger.expectRefusal(
            try c.ledger.sign(try c.open("vol:x", .member, c.jan), by: c.auditor), reason: "unauthorized",
            mentioning: ["role auditor", "only admin or operator keys may open accounts"])
    }

    @Test func lastAdminCannotBeRevoked() throws {
        var c = try Community()
        let adminID = c.ledger.admin.publicKey.keyID
        c.ledger.expectRefusal(
            try c.ledger.sign(.keyRevoke(KeyRevoke(keyID: adminID, reason: nil))),
            .unauthorized("key \(adminID.hex) is the last active admin key; add another admin first"))
        // With a second admin the first may go, and then the second is the last one.
        let second = try Ed25519PrivateKey.generate()
        try c.ledger.submit(.keyAdd(KeyAdd(key: KeySpec(publicKey: second.publicKey, label: "admin 2", role: .admin))))
        try c.ledger.submit(.keyRevoke(KeyRevoke(keyID: adminID, reason: "rotated")), by: second)
        #expect(c.ledger.state.activeAdminCount == 1)
        c.ledger.expectRefusal(
            try c.ledger.sign(.keyRevoke(KeyRevoke(keyID: second.publicKey.keyID, reason: nil)), by: second),
            .unauthorized("key \(second.publicKey.keyID.hex) is the last active admin key; add another admin first"))
    }

    @Test func keyExistsIsRefused() throws {
        var c = try Community()
        for (key, role) in [(c.jan, KeyRole.member), (c.ledger.admin, .admin)] {
            let add = KeyAdd(key: KeySpec(publicKey: key.publicKey, label: "again", role: role))
            c.ledger.expectRefusal(try c.ledger.sign(.keyAdd(add)), .keyExists(key.publicKey.keyID))
        }
    }

    @Test func keyAddFieldsAreChecked() throws {
        var c = try Community()
        let key = try Ed25519PrivateKey.generate()
        var spec = KeySpec(publicKey: key.publicKey, label: "a\u{1B}[2J", role: .member)
        c.ledger.expectRefusal(
            try c.ledger.sign(.keyAdd(KeyAdd(key: spec))), .invalidText(field: "key label", .controlCharacter(0x1B)))
        spec.label = "ok"
        for bad in [
            spec.publicKey.uppercased(), String(spec.publicKey.dropLast(2)), String(repeating: "zz", count: 32),
        ] {
            var malformed = spec
            malformed.publicKey = bad
            c.ledger.expectRefusal(
                try c.ledger.sign(.keyAdd(KeyAdd(key: malformed))),
                .invalidPayload("public_key must be 64 lowercase hex characters (a raw Ed25519 key)"))
        }
    }
}
