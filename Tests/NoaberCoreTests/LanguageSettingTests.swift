import Foundation
import NoaberCore
import Testing

/// `ledger.settings`'s language and contact line (issue #12): optional, checked, carried in the
/// state, and absent from entries that do not give them, which encode as before.
@Suite("Ledger rules: the statements' language and contact line")
struct LanguageSettingTests {
    @Test func languageAndContactAreKeptUntilTheNextSettingsEntry() throws {
        var c = try Community()
        #expect(c.ledger.state.settings.language == nil && c.ledger.state.settings.contact == nil)
        try c.ledger.submit(.ledgerSettings(LedgerSettings(language: "nl", contact: "tel. 053 123 4567")))
        #expect(c.ledger.state.settings.language == "nl" && c.ledger.state.settings.contact == "tel. 053 123 4567")
        // Each settings entry states all of them: one without a contact line has none.
        try c.ledger.submit(.ledgerSettings(LedgerSettings(claimExpiryDays: 30, language: "en")))
        #expect(c.ledger.state.settings.language == "en" && c.ledger.state.settings.contact == nil)
        #expect(c.ledger.state.settings.claimExpiryDays == 30)
    }

    @Test func anUnknownLanguageOrABadContactIsRefusedAndChangesNothing() throws {
        var c = try Community()
        c.ledger.expectRefusal(
            try c.ledger.sign(.ledgerSettings(LedgerSettings(language: "de"))),
            .invalidPayload("language must be nl or en, not \"de\""))
        c.ledger.expectRefusal(
            try c.ledger.sign(.ledgerSettings(LedgerSettings(contact: ""))),
            .invalidPayload("contact must not be empty"))
        c.ledger.expectRefusal(
            try c.ledger.sign(.ledgerSettings(LedgerSettings(contact: String(repeating: "x", count: 201)))),
            .invalidPayload("contact is longer than 200 characters"))
        c.ledger.expectRefusal(
            try c.ledger.sign(.ledgerSettings(LedgerSettings(contact: "tel.\u{202E} 053"))),
            .invalidText(field: "contact", .formatCharacter(0x202E)))
        c.ledger.expectRefusal(
            try c.ledger.sign(.ledgerSettings(LedgerSettings(language: "nl")), by: c.coordinator),
            reason: "unauthorized")
    }

    @Test func anEntryWithoutThemEncodesAsBefore() throws {
        let old = Payload(
            v: 1, ledger: "00112233445566778899aabbccddeeff", id: "settings-1",
            body: .ledgerSettings(LedgerSettings(claimExpiryDays: 30)))
        let text = String(decoding: old.encoded(), as: UTF8.self)
        #expect(!text.contains("language") && !text.contains("contact"), "\(text)")
        #expect(try Payload.decode(old.encoded()) == old)
        let new = Payload(
            v: 1, ledger: "00112233445566778899aabbccddeeff", id: "settings-2",
            body: .ledgerSettings(LedgerSettings(language: "nl", contact: "info@zorgkring.nl")))
        #expect(String(decoding: new.encoded(), as: UTF8.self).contains(#""contact":"info@zorgkring.nl""#))
        #expect(try Payload.decode(new.encoded()) == new)
        #expect(new.textFields.map(\.path) == ["contact"])
    }
}
