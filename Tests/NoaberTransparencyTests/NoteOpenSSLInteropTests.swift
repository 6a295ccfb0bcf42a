import Foundation
import NoaberCrypto
import NoaberTestSupport
import NoaberTransparency
import Testing

/// Checkpoint signatures checked with the `openssl` command-line tool and coreutils alone, the way
/// docs/FORMAT.md tells auditors to: a note's signature is plain Ed25519 over the note text.
@Suite("Note: openssl interop", .enabled(if: OpenSSL.available, OpenSSL.skipMessage))
struct NoteOpenSSLInteropTests {
    @Test func opensslVerifiesACheckpointSignature() throws {
        let signed = try NoteFixtures.signedCheckpoint(size: 12)
        try withTemporaryDirectory("noaber-notes") { directory in
            try NoteFixtures.logKey.publicKey.pemRepresentation.write(
                to: directory.appendingPathComponent("log.pub"), atomically: true, encoding: .utf8)
            try Data(signed.note.text.utf8).write(to: directory.appendingPathComponent("checkpoint.text"))
            try Data(signed.note.signatures[0].signature).write(to: directory.appendingPathComponent("checkpoint.sig"))
            let verify =
                "openssl pkeyutl -verify -pubin -inkey log.pub -rawin -in checkpoint.text -sigfile checkpoint.sig"
            let result = try OpenSSL.shell(verify, in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Signature Verified Successfully"))

            // The same command must fail for another text, or the check above proves nothing.
            try Data(NoteFixtures.checkpoint(size: 13).text.utf8).write(
                to: directory.appendingPathComponent("checkpoint.text"))
            #expect(try OpenSSL.shell(verify, in: directory).status != 0)
        }
    }

    /// The whole check from the checkpoint file as published, for FORMAT.md: cut the text and the
    /// signature out with sed, grep, cut and base64, recompute the key ID with sha256sum, verify with openssl.
    @Test func auditorsRecipeFromTheCheckpointFile() throws {
        let signed = try NoteFixtures.signedCheckpoint(size: 12)
        var note = signed.note
        try note.addSignature(name: "witness.example", with: NoteFixtures.witnessKey)  // a cosignature to skip over
        let script = #"""
            set -eu
            sed '/^$/,$d' checkpoint > checkpoint.text
            grep "^— noaber/$LEDGER " checkpoint | cut -d' ' -f3 | base64 -d > checkpoint.idsig
            head -c 4 checkpoint.idsig | od -An -tx1 | tr -d ' \n'; echo
            { printf 'noaber/%s\n\001' "$LEDGER"; openssl pkey -pubin -in log.pub -outform DER | tail -c 32; } | sha256sum | cut -c1-8
            tail -c 64 checkpoint.idsig > checkpoint.sig
            openssl pkeyutl -verify -pubin -inkey log.pub -rawin -in checkpoint.text -sigfile checkpoint.sig
            """#
        try withTemporaryDirectory("noaber-notes") { directory in
            try NoteFixtures.logKey.publicKey.pemRepresentation.write(
                to: directory.appendingPathComponent("log.pub"), atomically: true, encoding: .utf8)
            try Data(note.serialized.utf8).write(to: directory.appendingPathComponent("checkpoint"))
            let result = try OpenSSL.shell(script, in: directory, environment: ["LEDGER": NoteFixtures.ledgerID])
            #expect(result.status == 0, "\(result.stderr)")
            let keyID = NoteFixtures.hex8(try NoteFixtures.logVerifier().keyID)
            #expect(result.stdout == "\(keyID)\n\(keyID)\nSignature Verified Successfully\n")
            let text = try Data(contentsOf: directory.appendingPathComponent("checkpoint.text"))
            #expect([UInt8](text) == Array(signed.checkpoint.text.utf8))

            // Change the tree size in the file: the recipe must now fail.
            let forged = note.serialized.replacingOccurrences(of: "\n12\n", with: "\n13\n")
            try Data(forged.utf8).write(to: directory.appendingPathComponent("checkpoint"))
            #expect(
                try OpenSSL.shell(script, in: directory, environment: ["LEDGER": NoteFixtures.ledgerID]).status != 0)
        }
    }

    /// Go's published note (golang.org/x/mod sumdb/note/note_test.go) verifies with openssl too, so the
    /// signatures really are plain RFC 8032 Ed25519 over the text, as we make them.
    @Test func opensslVerifiesGosNote() throws {
        let note = try SignedNote(parsing: NoteVectorTests.text + "\n" + NoteVectorTests.peterSig)
        let key = try NoteVectorTests.peter()
        try withTemporaryDirectory("noaber-notes") { directory in
            try key.publicKey.pemRepresentation.write(
                to: directory.appendingPathComponent("peter.pub"), atomically: true, encoding: .utf8)
            try Data(note.text.utf8).write(to: directory.appendingPathComponent("note.text"))
            try Data(note.signatures[0].signature).write(to: directory.appendingPathComponent("note.sig"))
            let result = try OpenSSL.shell(
                "openssl pkeyutl -verify -pubin -inkey peter.pub -rawin -in note.text -sigfile note.sig", in: directory)
            #expect(result.status == 0, "\(result.stderr)")
        }
    }
}
