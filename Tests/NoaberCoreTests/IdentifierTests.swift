import Foundation
import NoaberCore
import Testing

@Suite("Identifiers and text")
struct IdentifierTests {
    @Test(arguments: [
        "org:zorgkring", "vol:jan-peeters", "shop:bakker", "a", "1", "a1", "1a", "a:b:c", "vol:jan.peeters_2",
        "x-._", String(repeating: "a", count: 64), String(repeating: "ab:", count: 21) + "a",
    ])
    func validAccountIDs(text: String) throws {
        #expect(try AccountID(text).rawValue == text)
        #expect(try AccountID(text).description == text)
    }

    @Test(arguments: [
        "", "Org:x", "vol:Jan", ":a", "a:", "a::b", ":", "-a", "a:-b", "_a", ".a", "vol:jan peeters", "vol:jän",
        "a/b", "a\nb", "a+b", String(repeating: "a", count: 65),
    ])
    func invalidAccountIDs(text: String) {
        #expect {
            try AccountID(text)
        } throws: { error in
            guard let error = error as? LedgerError, case .invalidPayload(let why) = error else { return false }
            return why.contains("account id \"\(text)\"")
        }
    }

    @Test func accountIDCodingValidates() throws {
        let decoded = try JSONDecoder().decode([AccountID].self, from: Data(#"["vol:jan"]"#.utf8))
        #expect(decoded == [try AccountID("vol:jan")])
        #expect(String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self) == #"["vol:jan"]"#)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([AccountID].self, from: Data(#"["Vol:Jan"]"#.utf8))
        }
        #expect(try AccountID("a:b") < AccountID("a:c"))
    }

    @Test(arguments: ["e1", "A-Z.a_z:0-9", "credit:2026-11:row-17", String(repeating: "X", count: 64)])
    func validEntryIDs(id: String) throws {
        try Identifier.validateEntryID(id)
    }

    @Test(arguments: ["", "a b", "a/b", "é", "a\n", "a\u{0}", "a+b", String(repeating: "X", count: 65)])
    func invalidEntryIDs(id: String) {
        #expect(throws: LedgerError.invalidPayload("entry id \"\(id)\" must be 1 to 64 of A-Z a-z 0-9 . _ : -")) {
            try Identifier.validateEntryID(id)
        }
    }

    @Test func ledgerIDs() throws {
        try Identifier.validateLedgerID("0123456789abcdef0123456789abcdef")
        for id in [
            "", "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0",
            "0123456789ABCDEF0123456789abcdef",
            "0123456789abcdeg0123456789abcdef", "0123456789abcdef-123456789abcdef",
        ] {
            #expect(throws: LedgerError.invalidPayload("ledger id \"\(id)\" must be 32 lowercase hex characters")) {
                try Identifier.validateLedgerID(id)
            }
        }
    }

    @Test func textLengthAndEmptiness() throws {
        try Text.validate("Jan Peeters", field: "name", maxLength: 11)
        try Text.validate("", field: "memo", maxLength: 5, allowEmpty: true)
        // Length counts characters, not bytes: five accented letters fit in five.
        try Text.validate("ééééé", field: "name", maxLength: 5)
        try Text.validate("Zorg 💙 ñ\u{A0}x", field: "name", maxLength: 100)
        #expect(throws: LedgerError.invalidPayload("name must not be empty")) {
            try Text.validate("", field: "name", maxLength: 5)
        }
        #expect(throws: LedgerError.invalidPayload("name is longer than 10 characters")) {
            try Text.validate("Jan Peeters", field: "name", maxLength: 10)
        }
    }

    @Test(
        arguments: [
            ("\n", 0x0A), ("\r", 0x0D), ("\t", 0x09), ("\u{0}", 0x00), ("\u{1B}[2J", 0x1B), ("\u{7F}", 0x7F),
            ("\u{85}", 0x85), ("\u{9F}", 0x9F),
        ] as [(String, UInt32)])
    func textRefusesControlCharacters(control: String, code: UInt32) {
        #expect(throws: LedgerError.invalidText(field: "memo", .controlCharacter(code))) {
            try Text.validate("a\(control)b", field: "memo", maxLength: 100, allowEmpty: true)
        }
    }

    @Test func currencyValidation() throws {
        for code in ["ZMT", "AB", "A1", "ABCDEFGHIJKL"] {
            try Currency(code: code, name: "Zorgmunt", scale: 2).validate()
        }
        for code in ["A", "zmt", "ABCDEFGHIJKLM", "ZM T", "ZMŤ", ""] {
            #expect(
                throws: LedgerError.invalidPayload(
                    "currency code \"\(code)\" must be 2 to 12 uppercase letters or digits")
            ) {
                try Currency(code: code, name: "Zorgmunt", scale: 2).validate()
            }
        }
        try Currency(code: "ZMT", name: "x", scale: 0).validate()
        try Currency(code: "ZMT", name: "x", scale: 8).validate()
        for scale in [-1, 9] {
            #expect(throws: LedgerError.invalidPayload("currency scale \(scale) must be between 0 and 8")) {
                try Currency(code: "ZMT", name: "x", scale: scale).validate()
            }
        }
        #expect(throws: LedgerError.invalidPayload("currency name must not be empty")) {
            try Currency(code: "ZMT", name: "", scale: 2).validate()
        }
        #expect(Currency(code: "ZMT", name: "x", scale: 2).format(-1250) == "-12.50")
    }
}
