import NoaberCore
import NoaberCrypto
import Testing

/// The text rule of docs/FORMAT.md §2: no format characters (bidi controls, zero-width and the
/// rest of Unicode Cf, line separators) and NFC, in every text field; a chain rule in version 2,
/// and in version 1 refused by the daemon but only a warning to `verify`.
@Suite("Text rule: format characters and NFC")
struct TextRuleTests {
    static let disguised = "Jan\u{200B} Peeters\u{202E}"
    static let decomposed = "Bre\u{301}e"

    @Test func formatCharactersAndDecomposedTextsAreRefusedWithTheFieldNamed() {
        #expect(throws: LedgerError.invalidText(field: "name", .formatCharacter(0x200B))) {
            try Text.validate(Self.disguised, field: "name", maxLength: 200)
        }
        #expect(throws: LedgerError.invalidText(field: "name", .formatCharacter(0x202E))) {
            try Text.validate("Jan Peeters\u{202E}", field: "name", maxLength: 200)
        }
        #expect(throws: LedgerError.invalidText(field: "memo", .notNFC)) {
            try Text.validate(Self.decomposed, field: "memo", maxLength: 500)
        }
        for (text, code) in [
            ("\u{AD}", 0xAD), ("a\u{200D}b", 0x200D), ("\u{FEFF}x", 0xFEFF), ("x\u{2066}", 0x2066),
            ("line\u{2028}break", 0x2028), ("\u{E0041}", 0xE0041), ("\u{061C}", 0x061C),
        ] as [(String, UInt32)] {
            #expect(Text.characterProblem(in: text) == .formatCharacter(code), "\(code)")
        }
        let error = LedgerError.invalidText(field: "name", .formatCharacter(0x200B))
        #expect(error.code == 1027 && error.reason == "invalid_text")
        #expect(error.message.contains("name contains U+200B ZERO WIDTH SPACE"), "\(error.message)")
        #expect(LedgerError.invalidText(field: "memo", .notNFC).message.contains("NFC"))
    }

    @Test(arguments: [
        "Jan Peeters", "Brée", "Zoë Müller-Øster", "Ångström", "Ελένη", "Дмитрий", "محمد", "יעל", "王小明", "한국어",
        "Zorg 💙 ñ\u{A0}x", "ﬁne", "",
    ])
    func composedTextsOfEveryScriptAreAccepted(text: String) throws {
        try Text.validate(text, field: "name", maxLength: 200, allowEmpty: true)
    }

    /// The list FORMAT.md gives is Unicode 15.1's Cf and the two separators: every listed code
    /// point is one of those here, and every Cf character this platform knows from 15.1 or before
    /// is listed (a later Unicode may add some; the list, not the platform, decides).
    @Test func theListedFormatCharactersAreUnicodeCf() {
        var listed = 0
        for range in Text.formatCharacters {
            for value in range {
                let scalar = Unicode.Scalar(value)!
                #expect(
                    scalar.properties.generalCategory == .format || value == 0x2028 || value == 0x2029,
                    "U+\(String(value, radix: 16))")
                listed += 1
            }
        }
        var missing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), scalar.properties.generalCategory == .format,
                let age = scalar.properties.age, age.major < 15 || (age.major == 15 && age.minor <= 1)
            else { continue }
            if !Text.isFormatCharacter(scalar) { missing.append(value) }
        }
        #expect(missing.isEmpty, "\(missing.map { String($0, radix: 16) })")
        #expect(listed == 172)
    }

    /// Every text field a payload has is judged, in version 1 as in version 2, and a refusal
    /// changes nothing.
    @Test func everyTextFieldOfEveryKindIsJudged() throws {
        var c = try Community()
        let category = CategorySet(category: "huishouden", name: Self.disguised, hourRate: 1000)
        c.ledger.expectRefusal(
            try c.ledger.sign(.categorySet(category)), .invalidText(field: "name", .formatCharacter(0x200B)))
        let open = AccountOpen(
            account: try AccountID("vol:x"), accountKind: .member, name: Self.disguised, minBalance: 0,
            controllers: [c.jan.publicKey.keyID])
        c.ledger.expectRefusal(
            try c.ledger.sign(.accountOpen(open)), .invalidText(field: "name", .formatCharacter(0x200B)))
        let key = try Ed25519PrivateKey.generate()
        let add = KeyAdd(key: KeySpec(publicKey: key.publicKey, label: Self.decomposed, role: .member))
        c.ledger.expectRefusal(try c.ledger.sign(.keyAdd(add)), .invalidText(field: "key.label", .notNFC))
        let revoke = KeyRevoke(keyID: c.piet.publicKey.keyID, reason: "weg\u{200F}")
        c.ledger.expectRefusal(
            try c.ledger.sign(.keyRevoke(revoke)), .invalidText(field: "reason", .formatCharacter(0x200F)))
        try c.credit("vol:jan", hours: "1")
        let memo = try tx(.transfer, ("vol:jan", -1), ("vol:piet", 1), memo: Self.decomposed)
        c.ledger.expectRefusal(try c.ledger.sign(memo, by: c.jan), .invalidText(field: "memo", .notNFC))

        var fresh = try TestLedger()
        guard case .ledgerInit(var body) = fresh.initBody() else { return }
        body.currency.name = "zorg\u{2060}munt"
        fresh.expectRefusal(
            try fresh.sign(.ledgerInit(body)), .invalidText(field: "currency.name", .formatCharacter(0x2060)))
    }

    /// A version 1 ledger written before the rule keeps verifying: its texts are warnings, named by
    /// entry and field. The daemon's state (the default) refuses the same entry as a new one.
    @Test func aVersion1LedgerWrittenBeforeTheRuleVerifiesWithWarnings() throws {
        var c = try Community()
        let open = AccountOpen(
            account: try AccountID("vol:x"), accountKind: .member, name: Self.disguised, minBalance: 0,
            controllers: [c.jan.publicKey.keyID])
        let signed = try c.ledger.sign(.accountOpen(open))
        var daemon = c.ledger
        daemon.expectRefusal(signed, .invalidText(field: "name", .formatCharacter(0x200B)))
        // The earlier release had no character rule.
        c.ledger.state.legacyTexts = .warn
        try c.ledger.apply(signed)
        try c.ledger.submit(
            try tx(.credit, ("org:zorgkring", -1000), ("vol:x", 1000), memo: Self.decomposed), by: c.coordinator)
        c.ledger.state.legacyTexts = .refuse

        let entries = try Chain.commit(c.ledger.accepted)
        var verifier = Verifier()
        for entry in entries { try verifier.check(entry) }
        try verifier.finish(
            stored: LedgerState(
                ledger: c.ledger.state.ledger, keys: Array(c.ledger.state.keys.values),
                accounts: Array(c.ledger.state.accounts.values)),
            rows: JournalRows(entries: Int64(entries.count), postings: 2))
        #expect(
            verifier.textWarnings == [
                TextWarning(seq: 11, field: "name", problem: .formatCharacter(0x200B)),
                TextWarning(seq: 12, field: "memo", problem: .notNFC),
            ])
        #expect(verifier.textWarnings[0].message.contains("entry 11: \"name\" contains U+200B"))
    }

    /// In version 2 the rule is a chain rule: for texts in the payload (a category's name) and for
    /// personal texts beside it, whether the daemon is judging them or `verify` replays them.
    @Test func inVersion2TheRuleIsAChainRule() throws {
        var (v2, _) = try PersonalDataTests.community()
        let body = Payload.Body.accountOpen(
            AccountOpen(
                account: try AccountID("vol:0043"), accountKind: .member, name: Self.disguised, minBalance: 0,
                controllers: [v2.ledger.admin.publicKey.keyID]))
        #expect(throws: LedgerError.invalidText(field: "name", .formatCharacter(0x200B))) {
            try v2.sign(body)
        }
        // Admitted around the daemon's check (as a daemon without the rule would have): verify fails.
        let (payload, texts) = try Payload(ledger: TestLedger.id, id: "x-1", body: body).committingPersonalData()
        try v2.ledger.apply(try SignedEntry.sign(payload, with: v2.ledger.admin))
        v2.texts.append(texts)
        let failure = #expect(throws: VerificationFailure.self) {
            try PersonalDataTests.verify(try v2.stored(), state: v2.ledger.state)
        }
        #expect(failure?.seq == 6 && failure?.reason.contains("U+200B") == true, "\(String(describing: failure))")

        // Not even a replay that forgives version 1's texts admits one in a version 2 payload.
        var category = try PersonalDataTests.community().0
        let named = try category.sign(.categorySet(CategorySet(category: "tuin", name: "Tuin\u{200B}", hourRate: 900)))
        category.ledger.state.legacyTexts = .warn
        category.ledger.expectRefusal(named.0, .invalidText(field: "name", .formatCharacter(0x200B)))
    }

    /// The client's check before it signs names the field as the daemon would.
    @Test func aSignerChecksThePayloadsTextsBeforeSigning() throws {
        let memo = try tx(.transfer, ("vol:a", -1), ("vol:b", 1), memo: "ok\u{202E}")
        #expect(throws: LedgerError.invalidText(field: "memo", .formatCharacter(0x202E))) {
            try Payload(ledger: TestLedger.id, id: "x", body: memo).checkTextCharacters()
        }
        let control = try tx(.transfer, ("vol:a", -1), ("vol:b", 1), memo: "a\u{1B}b")
        #expect(throws: LedgerError.invalidText(field: "memo", .controlCharacter(0x1B))) {
            try Payload(ledger: TestLedger.id, id: "x", body: control).checkTextCharacters()
        }
        try Payload(ledger: TestLedger.id, id: "x", body: try tx(.transfer, ("vol:a", -1), ("vol:b", 1), memo: "Brée"))
            .checkTextCharacters()
    }
}
