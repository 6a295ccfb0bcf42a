import Foundation
import NoaberCrypto
import NoaberTransparency
import Testing

/// Fixed test keys (never real ones) and a checkpoint to sign with them.
enum NoteFixtures {
    static let logKey = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x11, count: 32))
    static let witnessKey = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x22, count: 32))
    static let strangerKey = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x33, count: 32))
    static let ledgerID = "0123456789abcdef0123456789abcdef"
    static let origin = LogOrigin.origin(ledgerID: ledgerID)

    static func logVerifier() throws -> NoteVerifierKey {
        try LogOrigin.verifierKey(ledgerID: ledgerID, publicKey: logKey.publicKey)
    }

    static func checkpoint(size: UInt64 = 7, extensions: [String] = []) -> Checkpoint {
        Checkpoint(origin: origin, size: size, root: SHA256.hash("root"), extensions: extensions)
    }

    static func signedCheckpoint(size: UInt64 = 7) throws -> SignedCheckpoint {
        try SignedCheckpoint.sign(checkpoint(size: size), with: logKey)
    }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// Eight lowercase hex digits, big-endian, as key IDs appear in verifier keys.
    static func hex8(_ keyID: UInt32) -> String { Hex.encode(withUnsafeBytes(of: keyID.bigEndian) { Array($0) }) }
}

@Suite("Note: round trips")
struct NoteRoundTripTests {
    @Test func signSerializeParseVerify() throws {
        let text = "first line\n\nafter a blank line: ünïcode — fine\n"
        let note = try SignedNote.sign(text, name: "example.org/a", with: NoteFixtures.logKey)
        let key = try NoteVerifierKey(name: "example.org/a", publicKey: NoteFixtures.logKey.publicKey)
        #expect(note.signatures.count == 1)
        #expect(note.signatures[0].keyID == key.keyID)
        #expect(note.serialized.hasPrefix(text + "\n— example.org/a "))

        let parsed = try SignedNote(parsing: note.serialized)
        #expect(parsed == note)
        #expect(parsed.text == text)
        #expect(parsed.serialized == note.serialized)
        #expect(try SignedNote(parsing: Array(note.serialized.utf8)) == note)
        #expect(try parsed.verify(by: [key]) == key)
    }

    @Test func verifierKeyTextRoundTrips() throws {
        let key = try NoteFixtures.logVerifier()
        #expect(key.name == "noaber/0123456789abcdef0123456789abcdef")
        #expect(key.text.hasPrefix(key.name + "+"))
        let parts = key.text.split(separator: "+", maxSplits: 2)
        #expect(parts[1] == NoteFixtures.hex8(key.keyID))
        #expect(
            Data(base64Encoded: String(parts[2])).map([UInt8].init) == [0x01]
                + NoteFixtures.logKey.publicKey.rawRepresentation)
        #expect(try NoteVerifierKey(parsing: key.text) == key)
        #expect(key.description == key.text)
    }

    @Test func keyIDIsTheDocumentedHash() throws {
        let key = try NoteFixtures.logVerifier()
        let digest = SHA256.hash(Array(key.name.utf8) + [0x0A, 0x01] + NoteFixtures.logKey.publicKey.rawRepresentation)
        #expect(key.keyID == digest.bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) })
    }

    @Test func unknownSignaturesAreIgnoredBesideAKnownOne() throws {
        let log = try NoteFixtures.logVerifier()
        var note = try SignedNote.sign("hello\n", name: "other.example/log", with: NoteFixtures.strangerKey)
        // Same name as the trusted key, but another key (so another ID): somebody else's key.
        try note.addSignature(name: log.name, with: NoteFixtures.strangerKey)
        // Same ID as the trusted key, but another name, and a signature that would never verify.
        note.signatures.append(
            NoteSignature(name: "impostor.example", keyID: log.keyID, signature: [UInt8](repeating: 7, count: 64)))
        // A signature type we do not know, of another length.
        note.signatures.append(
            NoteSignature(name: "pq.example", keyID: 0x0102_0304, signature: [UInt8](repeating: 9, count: 2420)))
        #expect(throws: NoteError.noTrustedSignature) { try note.verify(by: [log]) }

        try note.addSignature(name: log.name, with: NoteFixtures.logKey)
        let parsed = try SignedNote(parsing: note.serialized)
        #expect(parsed.signatures.count == 5)
        #expect(try parsed.verify(by: [log]) == log)
    }

    @Test func addingASignatureAgainReplacesIt() throws {
        let log = try NoteFixtures.logVerifier()
        let witness = try NoteVerifierKey(name: "witness.example", publicKey: NoteFixtures.witnessKey.publicKey)
        var note = try NoteFixtures.signedCheckpoint().note
        try note.addSignature(name: witness.name, with: NoteFixtures.witnessKey)
        try note.addSignature(name: witness.name, with: NoteFixtures.witnessKey)
        #expect(note.signatures.map(\.name) == [log.name, witness.name])
        #expect(try note.verify(by: [witness, log]) == log)
        #expect(try note.verify(by: [witness]) == witness)
    }

    @Test func checkpointBodyLayout() throws {
        let checkpoint = NoteFixtures.checkpoint(size: 42, extensions: ["ext one", "two"])
        let root = NoteFixtures.base64(SHA256.hash("root").bytes)
        #expect(checkpoint.text == "noaber/0123456789abcdef0123456789abcdef\n42\n\(root)\next one\ntwo\n")
        #expect(try Checkpoint(parsing: checkpoint.text) == checkpoint)
        for size: UInt64 in [0, 1, .max] {
            let edge = NoteFixtures.checkpoint(size: size)
            #expect(try Checkpoint(parsing: edge.text).size == size)
        }
    }

    @Test func signedCheckpointRoundTrip() throws {
        let log = try NoteFixtures.logVerifier()
        let signed = try SignedCheckpoint.sign(NoteFixtures.checkpoint(extensions: ["x"]), with: NoteFixtures.logKey)
        #expect(signed.note.text == signed.checkpoint.text)
        #expect(signed.note.signatures.map(\.name) == [NoteFixtures.origin])
        let parsed = try SignedCheckpoint(parsing: signed.serialized)
        #expect(parsed == signed)
        #expect(parsed.serialized == signed.serialized)
        #expect(try SignedCheckpoint(parsing: Array(signed.serialized.utf8)) == signed)
        #expect(try parsed.verify(by: [log]) == log)
        #expect(try parsed.verify(origin: NoteFixtures.origin, by: [log]) == log)
    }

    /// The spec lets any non-empty origin through (Go's sum database's is "go.sum database tree"), but
    /// Noaber signs with the origin as key name, which may not hold spaces.
    @Test func originsWithSpacesParseButAreNotSigned() throws {
        let checkpoint = Checkpoint(origin: "go.sum database tree", size: 3, root: SHA256.hash("r"))
        #expect(try Checkpoint(parsing: checkpoint.text) == checkpoint)
        #expect(throws: NoteError.invalidKeyName("go.sum database tree")) {
            try SignedCheckpoint.sign(checkpoint, with: NoteFixtures.logKey)
        }
    }

    @Test func proofRoundTrips() throws {
        let checkpoint = try NoteFixtures.signedCheckpoint()
        let hashes = [SHA256.hash("a"), SHA256.hash("b"), SHA256.hash("c")]
        let bare = TlogProof(extra: nil, index: 0, hashes: [], checkpoint: checkpoint)
        #expect(bare.serialized == "c2sp.org/tlog-proof@v1\nindex 0\n\n" + checkpoint.serialized)
        let full = TlogProof(extra: Array("opaque".utf8), index: 6, hashes: hashes, checkpoint: checkpoint)
        #expect(
            full.serialized == "c2sp.org/tlog-proof@v1\nextra b3BhcXVl\nindex 6\n"
                + hashes.map { NoteFixtures.base64($0.bytes) + "\n" }.joined() + "\n" + checkpoint.serialized)
        let emptyExtra = TlogProof(extra: [], index: 1, hashes: hashes, checkpoint: checkpoint)
        for proof in [bare, full, emptyExtra] {
            let parsed = try TlogProof(parsing: proof.serialized)
            #expect(parsed == proof)
            #expect(parsed.serialized == proof.serialized)
            #expect(try TlogProof(parsing: Array(proof.serialized.utf8)) == proof)
            #expect(
                try parsed.checkpoint.verify(origin: NoteFixtures.origin, by: [NoteFixtures.logVerifier()])
                    == NoteFixtures.logVerifier())
        }
    }

    /// The layout of the example in c2sp.org/tlog-proof, with its extra, index and hashes verbatim. Its
    /// signatures are elided ("[...]"), so our own keys sign the same checkpoint body.
    @Test func specProofLayoutParses() throws {
        let header = """
            c2sp.org/tlog-proof@v1
            extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
            index 73894
            gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
            B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
            EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
            RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
            AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=


            """
        let body = "example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n"
        var note = try SignedNote.sign(body, name: "example.com/fancylog", with: NoteFixtures.logKey)
        for (number, seed) in [UInt8(0x41), 0x42, 0x43].enumerated() {
            try note.addSignature(
                name: "witness\(number + 1).example",
                with: Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: seed, count: 32)))
        }
        let serialized = header + note.serialized

        let proof = try TlogProof(parsing: serialized)
        #expect(proof.extra.map { String(decoding: $0.prefix(30), as: UTF8.self) } == "age-v1.2.1-darwin-arm64.tar.gz")
        #expect(proof.extra?.count == 39)
        #expect(proof.index == 73894)
        #expect(proof.hashes.count == 5)
        #expect(
            proof.hashes.first.map { NoteFixtures.base64($0.bytes) } == "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=")
        #expect(proof.checkpoint.checkpoint.origin == "example.com/fancylog")
        #expect(proof.checkpoint.checkpoint.size == 109_482)
        #expect(
            proof.checkpoint.checkpoint.root.hex == "b05a1d57fbd2a793bc9fd6bc4295ba3d163deed7ce496e5bb1cd9797f1108b4f")
        #expect(
            proof.checkpoint.note.signatures.map(\.name)
                == ["example.com/fancylog", "witness1.example", "witness2.example", "witness3.example"])
        #expect(proof.serialized == serialized)

        let log = try NoteVerifierKey(name: "example.com/fancylog", publicKey: NoteFixtures.logKey.publicKey)
        #expect(try proof.checkpoint.verify(origin: "example.com/fancylog", by: [log]) == log)
    }

    @Test func logOriginNamesTheLedger() {
        #expect(
            LogOrigin.origin(ledgerID: "cbb3d7f2b5a96de2ef752306a3af07b9") == "noaber/cbb3d7f2b5a96de2ef752306a3af07b9")
    }
}
