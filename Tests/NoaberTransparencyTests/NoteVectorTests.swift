import Foundation
import NoaberCrypto
import NoaberTransparency
import Testing

/// Known answers others published: golang.org/x/mod, sumdb/note/note_test.go (TestNewVerifier,
/// TestNewSigner, TestSign, TestOpen, TestVerifierList), and the examples in the C2SP specs
/// signed-note.md and tlog-checkpoint.md. The values are restated here; each names its source.
@Suite("Note: published vectors")
struct NoteVectorTests {
    // golang.org/x/mod sumdb/note/note_test.go, TestNewVerifier and TestOpen.
    static let peterKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    // golang.org/x/mod sumdb/note/note_test.go, TestNewSigner and TestSign: base64(0x01 ‖ 32-byte seed).
    static let peterSigner = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    // golang.org/x/mod sumdb/note/note_test.go, TestVerifierList and TestOpen.
    static let enochKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
    // golang.org/x/mod sumdb/note/note_test.go, TestSign and TestOpen.
    static let text =
        "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let peterSig =
        "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    static let enochSig =
        "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

    static func peter() throws -> NoteVerifierKey { try NoteVerifierKey(parsing: peterKey) }
    static func enoch() throws -> NoteVerifierKey { try NoteVerifierKey(parsing: enochKey) }

    /// Go's TestOpen tampering: four characters inserted at byte 60 of a signature line.
    static func insertingABCD(into line: String) -> String {
        let bytes = Array(line.utf8)
        return String(decoding: bytes[..<60] + Array("ABCD".utf8) + bytes[60...], as: UTF8.self)
    }

    @Test func verifierKeysParseWithTheirKeyIDs() throws {
        let peter = try Self.peter()
        #expect(peter.name == "PeterNeumann")
        #expect(peter.keyID == 0xc74f_20a3)
        #expect(peter.text == Self.peterKey)
        #expect(NoteVerifierKey.keyID(name: "PeterNeumann", publicKey: peter.publicKey) == 0xc74f_20a3)
        #expect(try NoteVerifierKey(name: "PeterNeumann", publicKey: peter.publicKey) == peter)

        let enoch = try Self.enoch()
        #expect(enoch.name == "EnochRoot")
        #expect(enoch.keyID == 0xaf0c_fe78)
        #expect(enoch.text == Self.enochKey)
    }

    /// TestNewVerifier: every proper substring and every single-byte increment is refused.
    @Test func everyManglingOfAVerifierKeyIsRefused() {
        var bytes = Array(Self.peterKey.utf8)
        for start in 0...bytes.count {
            for end in (start + 1)..<(bytes.count + 1) where !(start == 0 && end == bytes.count) {
                let mangled = String(decoding: bytes[start..<end], as: UTF8.self)
                #expect(throws: NoteError.self, "\(mangled)") { try NoteVerifierKey(parsing: mangled) }
            }
        }
        for index in bytes.indices {
            bytes[index] &+= 1
            let mangled = String(decoding: bytes, as: UTF8.self)
            #expect(throws: NoteError.self, "\(mangled)") { try NoteVerifierKey(parsing: mangled) }
            bytes[index] &-= 1
        }
    }

    /// TestNewVerifier's two hand-made bad keys, each with a key ID adjusted to match.
    @Test func goBadVerifierKeys() {
        // A 37-byte key. Go decodes its base64 leniently; it has stray bits, so we refuse it a step earlier.
        #expect(throws: NoteError.invalidBase64(field: "the verifier key's public key")) {
            try NoteVerifierKey(parsing: "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
        }
        // Signature type 0x65 instead of 0x01.
        #expect(throws: NoteError.unsupportedSignatureType(0x65)) {
            try NoteVerifierKey(parsing: "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        }
    }

    /// TestSign: Ed25519 is deterministic, so signing with Go's published seed gives Go's exact note.
    @Test func signingReproducesGosSignature() throws {
        // Its base64 holds a "+" too.
        let encoded = try #require(Self.peterSigner.split(separator: "+", maxSplits: 4).last)
        let secret = try #require(Data(base64Encoded: String(encoded)))
        #expect(secret.first == 0x01)
        let key = try Ed25519PrivateKey(rawRepresentation: Array(secret.dropFirst()))
        #expect(key.publicKey == (try Self.peter()).publicKey)

        let note = try SignedNote.sign(Self.text, name: "PeterNeumann", with: key)
        #expect(note.serialized == Self.text + "\n" + Self.peterSig)
        #expect(
            note.signatures == [
                NoteSignature(name: "PeterNeumann", keyID: 0xc74f_20a3, signature: note.signatures[0].signature)
            ])
    }

    /// TestOpen: a signature by a key we do not trust is ignored, not an error.
    @Test func goNoteVerifiesWithEitherKey() throws {
        let serialized = Self.text + "\n" + Self.peterSig + Self.enochSig
        let note = try SignedNote(parsing: serialized)
        #expect(note.text == Self.text)
        #expect(note.signatures.map(\.name) == ["PeterNeumann", "EnochRoot"])
        #expect(note.signatures.map(\.keyID) == [0xc74f_20a3, 0xaf0c_fe78])
        #expect(note.signatures.allSatisfy { $0.signature.count == 64 })
        #expect(note.serialized == serialized)

        let peter = try Self.peter()
        let enoch = try Self.enoch()
        #expect(try note.verify(by: [peter]) == peter)
        #expect(try note.verify(by: [enoch]) == enoch)
        #expect(try note.verify(by: [enoch, peter]) == peter, "the first signature that verifies, in note order")
        #expect(throws: NoteError.noTrustedSignature) { try note.verify(by: []) }
    }

    /// TestOpen: more than 100 signatures is refused before any is checked.
    @Test func goTooManySignatures() throws {
        let tooMany = Self.text + "\n" + String(repeating: Self.peterSig, count: 101)
        #expect(throws: NoteError.tooManySignatures(limit: 100)) { try SignedNote(parsing: tooMany) }
        let enough = Self.text + "\n" + String(repeating: Self.peterSig, count: 100)
        #expect(try SignedNote(parsing: enough).verify(by: [Self.peter()]) == Self.peter())
    }

    /// TestOpen: a trusted key's broken signature rejects the note; an untrusted key's is ignored.
    @Test func goTamperedSignatures() throws {
        let peter = try Self.peter()
        let broken = try SignedNote(parsing: Self.text + "\n" + Self.insertingABCD(into: Self.peterSig))
        #expect(throws: NoteError.invalidSignature(name: "PeterNeumann", keyID: 0xc74f_20a3)) {
            try broken.verify(by: [peter])
        }

        let mixed =
            Self.text + "\n" + Self.peterSig + Self.peterSig + Self.enochSig + Self.enochSig
            + Self.insertingABCD(into: Self.enochSig)
        #expect(try SignedNote(parsing: mixed).verify(by: [peter]) == peter)
    }

    /// TestOpen's malformed messages, each refused for its own reason.
    @Test func goMalformedNotes() throws {
        let cases: [(String, NoteError)] = [
            (Self.text, .missingSignatureBlock),
            (Self.text + "\n", .noSignatures),
            (Self.text + "\n" + Self.peterSig.dropLast(), .missingFinalNewline),
            ("\u{01}" + Self.text + "\n" + Self.peterSig, .controlCharacter(0x01)),
            (
                Self.text + "\n"
                    + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
                .missingFinalNewline
            ),
            (
                Self.text + "\n"
                    + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
                .invalidBase64(field: "the signature by Bad")
            ),
            (Self.text + "\n" + Self.peterSig + "Unexpected line.\n", .malformedSignatureLine("Unexpected line.")),
        ]
        for (note, error) in cases {
            #expect(throws: error, "\(note)") { try SignedNote(parsing: note) }
        }
        // "\xff" + text: not UTF-8, which only bytes can carry.
        #expect(throws: NoteError.invalidUTF8) {
            try SignedNote(parsing: [0xFF] + Array((Self.text + "\n" + Self.peterSig).utf8))
        }
    }

    /// TestOpen: a signature whose name or key ID differs from the trusted key's is some other key's.
    @Test func goMisnamedOrMishashedSignaturesAreUnknown() throws {
        let misnamed = Self.peterSig.replacingOccurrences(of: "PeterNeumann", with: "CarmenSandiego")
        let wrongHash = Self.peterSig.replacingOccurrences(of: "x08g", with: "xxxx")
        for line in [misnamed, wrongHash] {
            let note = try SignedNote(parsing: Self.text + "\n" + line)
            #expect(throws: NoteError.noTrustedSignature) { try note.verify(by: [Self.peter()]) }
        }
    }

    /// c2sp.org/signed-note's example: its text holds a blank line, and the last one is the separator.
    @Test func signedNoteSpecExample() throws {
        let text = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n"
        let line =
            "— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n"
        let note = try SignedNote(parsing: text + "\n" + line)
        #expect(note.text == text)
        #expect(note.signatures.count == 1)
        #expect(note.signatures[0].name == "quasimodo.example/salvatore")
        #expect(note.signatures[0].keyID == 0x367b_a04b)
        #expect(note.signatures[0].signature.count == 64)
        #expect(note.serialized == text + "\n" + line)
    }

    /// c2sp.org/tlog-checkpoint's example (its public key is not published, so only the layout is checked).
    @Test func checkpointSpecExample() throws {
        let serialized = """
            example.com/behind-the-sofa
            20852163
            CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

            — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=

            """
        let signed = try SignedCheckpoint(parsing: serialized)
        #expect(signed.checkpoint.origin == "example.com/behind-the-sofa")
        #expect(signed.checkpoint.size == 20_852_163)
        #expect(signed.checkpoint.root.hex == "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62")
        #expect(signed.checkpoint.extensions.isEmpty)
        #expect(signed.note.signatures.map(\.keyID) == [0x033d_e0ae])
        #expect(signed.serialized == serialized)
        #expect(throws: NoteError.noTrustedSignature) { try signed.verify(by: [Self.peter()]) }
    }

    /// Noaber's own known answer, for docs/FORMAT.md: the RFC 8032 test 1 key signs the checkpoint of
    /// size 1 of the ledger in FormatVectorTests, with an arbitrary root (SHA-256 of no bytes). The key
    /// ID and signature were computed with openssl, sha256sum and base64 alone, not with Noaber code.
    @Test func noaberCheckpointKnownAnswer() throws {
        let key = try Ed25519PrivateKey(
            rawRepresentation: #require(
                Hex.decode(
                    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")))
        let ledgerID = "cbb3d7f2b5a96de2ef752306a3af07b9"
        let verifier = try LogOrigin.verifierKey(ledgerID: ledgerID, publicKey: key.publicKey)
        #expect(
            verifier.text
                == "noaber/cbb3d7f2b5a96de2ef752306a3af07b9+065cb8e0+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea")

        let checkpoint = Checkpoint(origin: LogOrigin.origin(ledgerID: ledgerID), size: 1, root: SHA256.hash([]))
        let signed = try SignedCheckpoint.sign(checkpoint, with: key)
        #expect(
            signed.serialized == """
                noaber/cbb3d7f2b5a96de2ef752306a3af07b9
                1
                47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=

                — noaber/cbb3d7f2b5a96de2ef752306a3af07b9 Bly44Kx+VJZVhpP8ohe1z63y7lzvAvtMhDykZ6cifpba6ivgfcW16zU7NJQQUhfHMBnM2rH09r/6m4zueAbghs6RXQA=

                """)
        #expect(try signed.verify(origin: "noaber/" + ledgerID, by: [verifier]) == verifier)
    }
}
