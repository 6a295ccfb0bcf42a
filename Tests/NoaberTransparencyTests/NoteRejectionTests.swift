import Foundation
import NoaberCrypto
import NoaberTransparency
import Testing

/// One test per rule of signed-note: each malformation is refused, and for its own reason.
@Suite("Note: malformed notes and failed verification")
struct NoteRejectionTests {
    static func note() throws -> SignedNote {
        try SignedNote.sign("line one\nline two\n", name: NoteFixtures.origin, with: NoteFixtures.logKey)
    }

    /// The serialized note with its one signature line replaced by `line` (which ends in a newline).
    static func withSignatureLine(_ line: String) throws -> String {
        try note().text + "\n" + line
    }

    @Test func missingBlankLine() throws {
        let serialized = try Self.note().serialized.replacingOccurrences(of: "\n\n", with: "\n")
        #expect(throws: NoteError.missingSignatureBlock) { try SignedNote(parsing: serialized) }
    }

    @Test func noSignatureLines() throws {
        #expect(throws: NoteError.noSignatures) { try SignedNote(parsing: Self.note().text + "\n") }
    }

    @Test func noFinalNewline() throws {
        #expect(throws: NoteError.missingFinalNewline) {
            try SignedNote(parsing: String(Self.note().serialized.dropLast()))
        }
        #expect(throws: NoteError.missingFinalNewline) { try SignedNote(parsing: "") }
    }

    @Test func controlCharacters() throws {
        let serialized = try Self.note().serialized
        for (control, code) in [("\t", UInt8(0x09)), ("\r", 0x0D), ("\u{0}", 0x00), ("\u{1B}", 0x1B)] {
            let bad = serialized.replacingOccurrences(of: "line one", with: "line\(control)one")
            #expect(throws: NoteError.controlCharacter(code)) { try SignedNote(parsing: bad) }
        }
        #expect(throws: NoteError.controlCharacter(0x0D)) {
            try SignedNote(parsing: serialized.replacingOccurrences(of: "\n", with: "\r\n"))
        }
    }

    @Test func invalidUTF8Bytes() throws {
        var bytes = Array(try Self.note().serialized.utf8)
        bytes[2] = 0xC3  // a lead byte followed by ASCII
        #expect(throws: NoteError.invalidUTF8) { try SignedNote(parsing: bytes) }
    }

    @Test func signatureBase64MustBeCanonical() throws {
        let line = try Self.note().signatures[0].line
        let encoded = String(line.split(separator: " ")[2].dropLast())
        #expect(encoded.hasSuffix("="), "68 bytes encode with one padding character")
        let field = "the signature by \(NoteFixtures.origin)"
        let prefix = "— \(NoteFixtures.origin) "
        let variants = [
            String(encoded.dropLast()),  // padding missing
            encoded + "=",  // padding extra
            "!" + encoded.dropFirst(),  // not in the alphabet
            // URL alphabet
            encoded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") + "",
            String(encoded.prefix(40)) + "\u{A0}" + encoded.dropFirst(40),  // a space inside
        ].filter { $0 != encoded }
        for variant in variants {
            #expect(throws: NoteError.invalidBase64(field: field), "\(variant)") {
                try SignedNote(parsing: Self.withSignatureLine(prefix + variant + "\n"))
            }
        }
        // Stray bits: the last character before "=" carries two bits that must be zero. Go's decoder
        // ignores them, which would let one signature have four spellings.
        var scalars = Array(encoded.unicodeScalars)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".unicodeScalars)
        let last = try #require(alphabet.firstIndex(of: scalars[scalars.count - 2]))
        scalars[scalars.count - 2] = alphabet[last ^ 1]
        let stray = String(String.UnicodeScalarView(scalars))
        #expect(Data(base64Encoded: stray) != nil, "Foundation decodes it leniently")
        #expect(throws: NoteError.invalidBase64(field: field)) {
            try SignedNote(parsing: Self.withSignatureLine(prefix + stray + "\n"))
        }
    }

    @Test func signatureTooShort() throws {
        let line = "— \(NoteFixtures.origin) \(NoteFixtures.base64([1, 2, 3, 4]))\n"
        #expect(throws: NoteError.signatureTooShort(name: NoteFixtures.origin)) {
            try SignedNote(parsing: Self.withSignatureLine(line))
        }
    }

    @Test func malformedSignatureLines() throws {
        let encoded = NoteFixtures.base64([UInt8](repeating: 1, count: 68))
        for line in ["- name \(encoded)", "—name \(encoded)", "— name\(encoded)", "—", "plain text"] {
            #expect(throws: NoteError.malformedSignatureLine(line)) {
                try SignedNote(parsing: Self.withSignatureLine(line + "\n"))
            }
        }
    }

    @Test func invalidKeyNamesOnSignatureLines() throws {
        let encoded = NoteFixtures.base64([UInt8](repeating: 1, count: 68))
        for name in ["", "a+b", "no\u{A0}break", "ideographic\u{3000}space"] {
            #expect(throws: NoteError.invalidKeyName(name)) {
                try SignedNote(parsing: Self.withSignatureLine("— \(name) \(encoded)\n"))
            }
        }
    }

    @Test func signingRefusesWhatCouldNotBeParsed() throws {
        let key = NoteFixtures.logKey
        #expect(throws: NoteError.missingFinalNewline) { try SignedNote.sign("no newline", name: "a", with: key) }
        #expect(throws: NoteError.missingFinalNewline) { try SignedNote.sign("", name: "a", with: key) }
        #expect(throws: NoteError.controlCharacter(0x09)) { try SignedNote.sign("a\tb\n", name: "a", with: key) }
        for name in ["", "a b", "a+b", "tab\there", "line\nbreak"] {
            #expect(throws: NoteError.invalidKeyName(name)) { try SignedNote.sign("text\n", name: name, with: key) }
        }
    }

    @Test func wrongKeyIDIsSomebodyElsesKey() throws {
        var note = try Self.note()
        note.signatures[0].keyID ^= 1
        let parsed = try SignedNote(parsing: note.serialized)
        #expect(throws: NoteError.noTrustedSignature) { try parsed.verify(by: [NoteFixtures.logVerifier()]) }
    }

    @Test func wrongNameIsSomebodyElsesKey() throws {
        var note = try Self.note()
        note.signatures[0].name = "noaber/ffffffffffffffffffffffffffffffff"
        #expect(throws: NoteError.noTrustedSignature) { try note.verify(by: [NoteFixtures.logVerifier()]) }
    }

    @Test func onlyUnknownKeys() throws {
        let note = try SignedNote.sign("text\n", name: "stranger.example", with: NoteFixtures.strangerKey)
        #expect(throws: NoteError.noTrustedSignature) { try note.verify(by: [NoteFixtures.logVerifier()]) }
        #expect(throws: NoteError.noTrustedSignature) { try note.verify(by: []) }
    }

    @Test func tamperedText() throws {
        let serialized = try Self.note().serialized.replacingOccurrences(of: "line two", with: "line 2")
        let log = try NoteFixtures.logVerifier()
        #expect(throws: NoteError.invalidSignature(name: log.name, keyID: log.keyID)) {
            try SignedNote(parsing: serialized).verify(by: [log])
        }
    }

    @Test func tamperedSignature() throws {
        let log = try NoteFixtures.logVerifier()
        let tampers: [(inout [UInt8]) -> Void] = [{ $0[10] ^= 0x01 }, { $0.removeLast() }, { $0.append(0) }]
        for tamper in tampers {
            var note = try Self.note()
            tamper(&note.signatures[0].signature)
            let parsed = try SignedNote(parsing: note.serialized)
            #expect(throws: NoteError.invalidSignature(name: log.name, keyID: log.keyID)) {
                try parsed.verify(by: [log])
            }
        }
    }

    /// A trusted key's bad signature rejects the note even when another trusted key's signature verifies.
    @Test func oneBadTrustedSignatureRejectsTheNote() throws {
        let witness = try NoteVerifierKey(name: "witness.example", publicKey: NoteFixtures.witnessKey.publicKey)
        var note = try Self.note()
        note.signatures.append(
            NoteSignature(name: witness.name, keyID: witness.keyID, signature: [UInt8](repeating: 0, count: 64)))
        #expect(try note.verify(by: [NoteFixtures.logVerifier()]) == NoteFixtures.logVerifier())
        #expect(throws: NoteError.invalidSignature(name: witness.name, keyID: witness.keyID)) {
            try note.verify(by: [NoteFixtures.logVerifier(), witness])
        }
    }

    @Test func verifyChecksAHandMadeText() throws {
        var note = try Self.note()
        note.text = "line one\nline two"
        #expect(throws: NoteError.missingFinalNewline) { try note.verify(by: [NoteFixtures.logVerifier()]) }
    }

    @Test func malformedVerifierKeys() throws {
        let good = try NoteFixtures.logVerifier().text
        let parts = good.split(separator: "+", maxSplits: 2).map(String.init)
        #expect(throws: NoteError.malformedVerifierKey("expected <name>+<key ID>+<key>")) {
            try NoteVerifierKey(parsing: parts[0] + "+" + parts[1])
        }
        let badID = NoteError.malformedVerifierKey("the key ID must be 8 lowercase hex digits")
        for id in [parts[1].uppercased(), String(parts[1].dropFirst()), "0" + parts[1], "zzzzzzzz"] where id != parts[1]
        {
            #expect(throws: badID, "\(id)") { try NoteVerifierKey(parsing: parts[0] + "+" + id + "+" + parts[2]) }
        }
        #expect(throws: NoteError.invalidKeyName("a b")) {
            try NoteVerifierKey(parsing: "a b+" + parts[1] + "+" + parts[2])
        }
        #expect(throws: NoteError.malformedVerifierKey("the public key is empty")) {
            try NoteVerifierKey(parsing: parts[0] + "+" + parts[1] + "+")
        }
    }

    @Test func verifierKeyIDMustMatch() throws {
        let key = try NoteFixtures.logVerifier()
        let stated = key.keyID ^ 0x8000_0000
        let text = key.name + "+" + NoteFixtures.hex8(stated) + "+" + key.text.split(separator: "+", maxSplits: 2)[2]
        #expect(throws: NoteError.keyIDMismatch(stated: stated, computed: key.keyID)) {
            try NoteVerifierKey(parsing: text)
        }
    }

    @Test func verifierPublicKeyMustBe32Bytes() throws {
        let raw = NoteFixtures.logKey.publicKey.rawRepresentation
        for bytes in [Array(raw.dropLast()), raw + [0]] {
            let text = "k+00000000+" + NoteFixtures.base64([0x01] + bytes)
            #expect(throws: NoteError.invalidPublicKey("an Ed25519 public key is 32 bytes, this one is \(bytes.count)"))
            {
                try NoteVerifierKey(parsing: text)
            }
        }
    }

    @Test func smallOrderVerifierKeysAreRefused() throws {
        let identity = try Ed25519PublicKey(rawRepresentation: [1] + [UInt8](repeating: 0, count: 31))
        #expect(throws: NoteError.invalidPublicKey("it has small order, so signatures by anyone verify with it")) {
            try NoteVerifierKey(name: "weak.example", publicKey: identity)
        }
        let text =
            "weak.example+" + NoteFixtures.hex8(NoteVerifierKey.keyID(name: "weak.example", publicKey: identity))
            + "+" + NoteFixtures.base64([0x01] + identity.rawRepresentation)
        #expect(throws: NoteError.invalidPublicKey("it has small order, so signatures by anyone verify with it")) {
            try NoteVerifierKey(parsing: text)
        }
    }

    @Test func errorsDescribeThemselves() {
        #expect(
            NoteError.invalidSignature(name: "a", keyID: 0x0102_0304).description
                == "the signature by trusted key a+01020304 does not verify")
        #expect(NoteError.controlCharacter(0x0D).description.contains("0x0d"))
        #expect(NoteError.noTrustedSignature.description == "no signature on the note comes from a trusted key")
    }
}
