import Foundation
import NoaberCrypto
import NoaberTransparency
import Testing

/// One test per rule of tlog-checkpoint and tlog-proof.
@Suite("Note: malformed checkpoints and proofs")
struct NoteCheckpointRejectionTests {
    static let root = NoteFixtures.base64(SHA256.hash("root").bytes)

    static func body(size: String = "7", root: String = root, extra: String = "") -> String {
        "noaber/0123456789abcdef0123456789abcdef\n\(size)\n\(root)\n" + extra
    }

    @Test func treeSizeWithLeadingZeros() throws {
        for size in ["01", "00", "007"] {
            #expect(throws: NoteError.invalidTreeSize(size)) { try Checkpoint(parsing: Self.body(size: size)) }
        }
        #expect(try Checkpoint(parsing: Self.body(size: "0")).size == 0)
        #expect(try Checkpoint(parsing: Self.body(size: "10")).size == 10)
    }

    @Test func treeSizeOverflow() throws {
        #expect(try Checkpoint(parsing: Self.body(size: "18446744073709551615")).size == .max)
        for size in ["18446744073709551616", "99999999999999999999", "184467440737095516150"] {
            #expect(throws: NoteError.invalidTreeSize(size)) { try Checkpoint(parsing: Self.body(size: size)) }
        }
    }

    @Test func treeSizeNotPlainDecimal() {
        for size in ["+7", "-7", " 7", "7 ", "0x7", "7.0", "1_000", "\u{FF17}", "٧"] {
            #expect(throws: NoteError.invalidTreeSize(size)) { try Checkpoint(parsing: Self.body(size: size)) }
        }
    }

    @Test func rootNot32Bytes() {
        for count in [1, 31, 33, 64] {
            let root = NoteFixtures.base64([UInt8](repeating: 0xAB, count: count))
            #expect(throws: NoteError.invalidRootHash(byteCount: count)) {
                try Checkpoint(parsing: Self.body(root: root))
            }
        }
    }

    @Test func rootNotCanonicalBase64() {
        for root in [String(Self.root.dropLast()), Self.root + "AAAA", "*" + Self.root.dropFirst()] {
            #expect(throws: NoteError.invalidBase64(field: "the root hash")) {
                try Checkpoint(parsing: Self.body(root: root))
            }
        }
    }

    /// Hex is not the encoding: 64 hex digits happen to be base64 of 48 bytes.
    @Test func rootInHex() {
        #expect(throws: NoteError.invalidRootHash(byteCount: 48)) {
            try Checkpoint(parsing: Self.body(root: SHA256.hash("root").hex))
        }
    }

    @Test func emptyExtensionLine() throws {
        #expect(throws: NoteError.emptyCheckpointLine(4)) { try Checkpoint(parsing: Self.body(extra: "\nnext\n")) }
        #expect(throws: NoteError.emptyCheckpointLine(5)) { try Checkpoint(parsing: Self.body(extra: "one\n\n")) }
        #expect(try Checkpoint(parsing: Self.body(extra: "one\ntwo\n")).extensions == ["one", "two"])
    }

    /// Inside a signed note an empty extension line still parses as a note (the last blank line is the
    /// separator), so it is the checkpoint that must refuse it.
    @Test func emptyExtensionLineInASignedCheckpoint() throws {
        let note = try SignedNote.sign(
            Self.body(extra: "\next\n"), name: NoteFixtures.origin, with: NoteFixtures.logKey)
        #expect(try SignedNote(parsing: note.serialized).text == Self.body(extra: "\next\n"))
        #expect(throws: NoteError.emptyCheckpointLine(4)) { try SignedCheckpoint(parsing: note.serialized) }
    }

    @Test func emptyOriginOrSize() {
        #expect(throws: NoteError.emptyCheckpointLine(1)) { try Checkpoint(parsing: "\n7\n\(Self.root)\n") }
        #expect(throws: NoteError.emptyCheckpointLine(2)) { try Checkpoint(parsing: "origin\n\n\(Self.root)\n") }
    }

    @Test func tooFewLines() {
        #expect(throws: NoteError.checkpointTooShort(lines: 2)) { try Checkpoint(parsing: "origin\n7\n") }
        #expect(throws: NoteError.checkpointTooShort(lines: 1)) { try Checkpoint(parsing: "\n") }
    }

    @Test func bodyWithoutFinalNewline() {
        #expect(throws: NoteError.missingFinalNewline) { try Checkpoint(parsing: String(Self.body().dropLast())) }
        #expect(throws: NoteError.missingFinalNewline) { try Checkpoint(parsing: "") }
    }

    @Test func bodyWithControlCharacters() {
        #expect(throws: NoteError.controlCharacter(0x0D)) { try Checkpoint(parsing: Self.body(extra: "ext\r\n")) }
    }

    @Test func signingRefusesFieldsThatWouldNotSurvive() {
        let key = NoteFixtures.logKey
        #expect(throws: NoteError.embeddedNewline(field: "origin")) {
            try SignedCheckpoint.sign(Checkpoint(origin: "a\n1", size: 1, root: .zero), with: key)
        }
        #expect(throws: NoteError.embeddedNewline(field: "extension line 2")) {
            try SignedCheckpoint.sign(NoteFixtures.checkpoint(extensions: ["ok", "two\nlines"]), with: key)
        }
        #expect(throws: NoteError.emptyCheckpointLine(4)) {
            try SignedCheckpoint.sign(NoteFixtures.checkpoint(extensions: [""]), with: key)
        }
        #expect(throws: NoteError.emptyCheckpointLine(1)) {
            try SignedCheckpoint.sign(Checkpoint(origin: "", size: 1, root: .zero), with: key)
        }
        #expect(throws: NoteError.controlCharacter(0x09)) {
            try SignedCheckpoint.sign(NoteFixtures.checkpoint(extensions: ["tab\there"]), with: key)
        }
    }

    /// A changed field is not covered by the signature, so verification must not vouch for it.
    @Test func changedFieldsAreNotSigned() throws {
        var signed = try NoteFixtures.signedCheckpoint()
        signed.checkpoint.size += 1
        #expect(throws: NoteError.checkpointMismatch) { try signed.verify(by: [NoteFixtures.logVerifier()]) }
    }

    @Test func tamperedCheckpointText() throws {
        let log = try NoteFixtures.logVerifier()
        let serialized = try NoteFixtures.signedCheckpoint(size: 7).serialized
            .replacingOccurrences(of: "\n7\n", with: "\n8\n")
        let parsed = try SignedCheckpoint(parsing: serialized)
        #expect(parsed.checkpoint.size == 8)
        #expect(throws: NoteError.invalidSignature(name: log.name, keyID: log.keyID)) { try parsed.verify(by: [log]) }
    }

    /// A log's key may sign a checkpoint naming another log; a reader who knows which log it wants says so.
    @Test func wrongOrigin() throws {
        let otherOrigin = LogOrigin.origin(ledgerID: "ffffffffffffffffffffffffffffffff")
        let checkpoint = Checkpoint(origin: otherOrigin, size: 1, root: .zero)
        let note = try SignedNote.sign(checkpoint.text, name: NoteFixtures.origin, with: NoteFixtures.logKey)
        let signed = try SignedCheckpoint(note: note)
        #expect(try signed.verify(by: [NoteFixtures.logVerifier()]) == NoteFixtures.logVerifier())
        #expect(throws: NoteError.wrongOrigin(expected: NoteFixtures.origin, actual: otherOrigin)) {
            try signed.verify(origin: NoteFixtures.origin, by: [NoteFixtures.logVerifier()])
        }
    }

    // MARK: tlog-proof

    static let hash = NoteFixtures.base64(SHA256.hash("sibling").bytes)

    static func proof(_ header: String, size: UInt64 = 7) throws -> String {
        header + "\n" + (try NoteFixtures.signedCheckpoint(size: size).serialized)
    }

    @Test func wellFormedProofParses() throws {
        let proof = try TlogProof(parsing: Self.proof("c2sp.org/tlog-proof@v1\nindex 6\n\(Self.hash)\n"))
        #expect(proof.index == 6)
        #expect(proof.hashes == [SHA256.hash("sibling")])
    }

    @Test func wrongProofHeader() throws {
        for header in ["c2sp.org/tlog-proof@v2", "c2sp.org/tlog-proof@v1 ", "C2SP.org/tlog-proof@v1", ""] {
            #expect(throws: NoteError.missingProofHeader) { try TlogProof(parsing: Self.proof("\(header)\nindex 6\n")) }
        }
        #expect(throws: NoteError.missingProofHeader) { try TlogProof(parsing: "c2sp.org/tlog-proof@v1") }
    }

    @Test func badIndexLine() throws {
        for line in [
            "index 06", "index 00", "index -1", "index +1", "index", "index ", "index  6", "index 6 ", "Index 6",
            "index 0x6", "index 18446744073709551616", "extra-index 6", Self.hash,
        ] {
            #expect(throws: NoteError.invalidProofIndex(line)) {
                try TlogProof(parsing: Self.proof("c2sp.org/tlog-proof@v1\n\(line)\n"))
            }
        }
        #expect(throws: NoteError.invalidProofIndex("")) { try TlogProof(parsing: "c2sp.org/tlog-proof@v1\n") }
    }

    @Test func badExtraLine() throws {
        for extra in ["not base64!", "YWJj", "YWJ", "YWJj\u{20}"] where extra != "YWJj" {
            #expect(throws: NoteError.invalidBase64(field: "the extra data")) {
                try TlogProof(parsing: Self.proof("c2sp.org/tlog-proof@v1\nextra \(extra)\nindex 6\n"))
            }
        }
        #expect(
            try TlogProof(parsing: Self.proof("c2sp.org/tlog-proof@v1\nextra YWJj\nindex 6\n")).extra
                == Array("abc".utf8))
        // The extra line comes before the index line, never after.
        #expect(throws: NoteError.invalidBase64(field: "inclusion proof hash 1")) {
            try TlogProof(parsing: Self.proof("c2sp.org/tlog-proof@v1\nindex 6\nextra YWJj\n"))
        }
    }

    @Test func badProofHashes() throws {
        let short = NoteFixtures.base64([UInt8](repeating: 1, count: 31))
        #expect(throws: NoteError.invalidProofHash(line: 2)) {
            try TlogProof(parsing: Self.proof("c2sp.org/tlog-proof@v1\nindex 6\n\(Self.hash)\n\(short)\n"))
        }
        #expect(throws: NoteError.invalidBase64(field: "inclusion proof hash 1")) {
            try TlogProof(parsing: Self.proof("c2sp.org/tlog-proof@v1\nindex 6\n\(Self.hash.dropLast())\n"))
        }
    }

    @Test func tooManyProofHashes() throws {
        let sixtyFour = String(repeating: Self.hash + "\n", count: 64)
        #expect(try TlogProof(parsing: Self.proof("c2sp.org/tlog-proof@v1\nindex 6\n" + sixtyFour)).hashes.count == 64)
        #expect(throws: NoteError.tooManyProofHashes(limit: 64)) {
            try TlogProof(parsing: Self.proof("c2sp.org/tlog-proof@v1\nindex 6\n" + sixtyFour + Self.hash + "\n"))
        }
    }

    @Test func noEmptyLineBeforeTheCheckpoint() throws {
        #expect(throws: NoteError.missingProofCheckpoint) {
            try TlogProof(parsing: "c2sp.org/tlog-proof@v1\nindex 6\n\(Self.hash)\n")
        }
        // Without the empty line the checkpoint's origin is read as a hash.
        let joined = "c2sp.org/tlog-proof@v1\nindex 6\n" + (try NoteFixtures.signedCheckpoint().serialized)
        #expect(throws: NoteError.invalidBase64(field: "inclusion proof hash 1")) { try TlogProof(parsing: joined) }
    }

    @Test func indexBeyondTheTree() throws {
        #expect(throws: NoteError.indexOutOfRange(index: 7, size: 7)) {
            try TlogProof(parsing: Self.proof("c2sp.org/tlog-proof@v1\nindex 7\n"))
        }
        #expect(throws: NoteError.indexOutOfRange(index: 0, size: 0)) {
            try TlogProof(parsing: Self.proof("c2sp.org/tlog-proof@v1\nindex 0\n", size: 0))
        }
    }

    @Test func malformedCheckpointInAProof() throws {
        let body = NoteFixtures.checkpoint().text
        #expect(throws: NoteError.missingSignatureBlock) {
            try TlogProof(parsing: "c2sp.org/tlog-proof@v1\nindex 6\n\n" + body)
        }
        #expect(throws: NoteError.missingFinalNewline) {
            try TlogProof(parsing: String(Self.proof("c2sp.org/tlog-proof@v1\nindex 6\n").dropLast()))
        }
    }

    @Test func proofBytesMustBeUTF8() throws {
        let bytes = Array(try Self.proof("c2sp.org/tlog-proof@v1\nindex 6\n").utf8) + [0xFF, 0x0A]
        #expect(throws: NoteError.invalidUTF8) { try TlogProof(parsing: bytes) }
    }
}
