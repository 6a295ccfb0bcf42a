import Foundation
import NoaberCore
import NoaberCrypto
import NoaberTestSupport
import NoaberTransparency
import Testing

/// The three-entry ledger of docs/FORMAT.md §14, built from fixed keys, ids and times: every
/// value the document writes out is checked here, and the document is checked to contain it.
@Suite("docs/FORMAT.md worked example")
struct WorkedExampleTests {
    static let admin = try! Ed25519PrivateKey(
        rawRepresentation: Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!)
    /// RFC 8032 test 2's key stands in for the daemon's log key.
    static let log = try! Ed25519PrivateKey(
        rawRepresentation: Hex.decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")!)
    static let nonce = Hex.decode("000102030405060708090a0b0c0d0e0f")!
    static let ledgerID = LedgerIdentity.derive(adminKey: admin.publicKey, nonce: nonce)

    struct Example {
        var entries: [CommittedEntry] = []
        var leaves: [SHA256Digest] = []
        var root = SHA256Digest.zero
        var checkpoint: SignedCheckpoint?
        var logKey = ""
    }

    static func build() throws -> Example {
        let bodies: [(String, Payload.Body)] = [
            (
                "example-init",
                .ledgerInit(
                    LedgerInit(
                        name: "Zorgkring Noord", currency: Currency(code: "ZMT", name: "zorgmunt", scale: 2),
                        hourRate: 1000,
                        adminKey: KeySpec(publicKey: admin.publicKey, label: "admin", role: .admin),
                        nonce: Hex.encode(nonce),
                        logKey: KeySpec(publicKey: log.publicKey, label: "noaberd log key", role: .log)))
            ),
            (
                "example-org",
                .accountOpen(
                    AccountOpen(
                        account: try AccountID("org:zorgkring"), accountKind: .issuer, name: "Zorgkring Noord",
                        minBalance: -100_000,
                        controllers: [admin.publicKey.keyID]))
            ),
            (
                "example-jan",
                .accountOpen(
                    AccountOpen(
                        account: try AccountID("vol:jan-peeters"), accountKind: .member, name: "Jan Peeters",
                        minBalance: 0,
                        controllers: [admin.publicKey.keyID]))
            ),
        ]
        var example = Example()
        var state = LedgerState()
        var prev = SHA256Digest.zero
        var tree = CompactRange()
        for (index, (id, body)) in bodies.enumerated() {
            let payload = Payload(ledger: ledgerID, id: id, body: body)
            let signed = try SignedEntry.sign(payload, with: admin)
            let seq = Int64(index + 1)
            try state.apply(signed, seq: seq)
            let time = try #require(Timestamp(rfc3339: "2026-01-01T00:00:0\(index).000Z"))
            let entry = CommittedEntry(
                seq: seq, entryID: id, kind: payload.kind, signed: signed, committedAt: time, prevHash: prev,
                hash: EntryHash.compute(seq: seq, prevHash: prev, committedAt: time, signed: signed))
            example.entries.append(entry)
            example.leaves.append(entry.leafHash)
            tree.append(entry.leafHash)
            prev = entry.hash
        }
        example.root = tree.root
        example.checkpoint = try SignedCheckpoint.sign(
            Checkpoint(origin: LogOrigin.origin(ledgerID: ledgerID), size: 3, root: tree.root), with: log)
        example.logKey = try NoteVerifierKey(name: LogOrigin.origin(ledgerID: ledgerID), publicKey: log.publicKey).text
        return example
    }

    static let expected: [(signature: String, hash: String, leaf: String)] = [
        (
            "76e700efe544859e6713daf6f2cfe5df04931eb71d74d9d668add061891cc2d06c414883979d94b4cb9e727984a3d9dc1c889685a1e64064b46ad33ae017ff00",
            "f06ffd824274118397e3d0cce02dc06420157aedb5dc79f8521a070388fb9e12",
            "9545e1c2c10cf59380c0f17e60071b9f6f4bde82f4f4cf039bc714698b583e0c"
        ),
        (
            "80c99367f2c5a970d2c7056ec099fdbd1dc272dd9dcb275e821899013e997cc2da9d14510088bcc6de0841715b865731831075e8867c31654dc6fa10bdec8302",
            "a33fbcdd43b939a1e35dffa6a3aee29db8aaf4a7d7f88baf0e2f5c2f23ca8002",
            "5f0aaef18a761dd5ac52f4157da579b38a1427948257e680448cf6f8473d8e73"
        ),
        (
            "195f1332bf81a213366c1b7b8e20f125d7a3a76733131c54a89cba48d84b98a4fa260b7540366c6cc312178aca21eaecc95297411eeb8fb14304ab8d84ba8b0a",
            "d7d332046c5b68e68b5e3356727e738e31fe0c78fa4bc4a533b5b80d568a989b",
            "e02f883475e466fcdf711a1b5d3eb4ccb7311e2940850c4be4d85ebfd2b858e7"
        ),
    ]
    static let checkpoint = """
        noaber/cbb3d7f2b5a96de2ef752306a3af07b9
        3
        Ut6SF+gkmOfS4l6ECOu6QywuDPJQ3PgDYPIpa/3GdsA=

        — noaber/cbb3d7f2b5a96de2ef752306a3af07b9 2XP233xWiSMCAoLRd9WjJ2woPyOGReRJa/0wca9dNvuPU3FFNVjT/2FD1WmOSwzmLOMQWrNaqtLxIyUv42vSE0YiQgc=

        """
    static let verifierKey =
        "noaber/cbb3d7f2b5a96de2ef752306a3af07b9+d973f6df+AT1AF8PoQ4lakrcKp00bfrycmCzPLsSWjMDNVfEq9GYM"

    @Test func noaberComputesTheDocumentedValues() throws {
        let example = try Self.build()
        #expect(Self.ledgerID == "cbb3d7f2b5a96de2ef752306a3af07b9")
        #expect(example.entries.map(\.signed.payload.count) == [487, 240, 232])
        for (entry, expected) in zip(example.entries, Self.expected) {
            #expect(Hex.encode(entry.signed.signature) == expected.signature)
            #expect(entry.hash.hex == expected.hash)
            #expect(entry.leafHash.hex == expected.leaf)
        }
        #expect(
            Merkle.nodeHash(example.leaves[0], example.leaves[1]).base64
                == "uShpQD1AREquTbB7+97+sTeGt9Q3xLiso4gyvQXGMZQ=")
        #expect(example.root.hex == "52de9217e82498e7d2e25e8408ebba432c2e0cf250dcf80360f2296bfdc676c0")
        #expect(example.checkpoint?.serialized == Self.checkpoint)
        #expect(example.logKey == Self.verifierKey)
    }

    @Test func documentedProofsVerify() throws {
        let example = try Self.build()
        let nodes = { (level: Int, index: UInt64) -> SHA256Digest in
            level == 0 ? example.leaves[Int(index)] : Merkle.nodeHash(example.leaves[0], example.leaves[1])
        }
        let proof3 = try InclusionProof.make(index: 2, treeSize: 3, node: nodes)
        #expect(proof3.map(\.base64) == ["uShpQD1AREquTbB7+97+sTeGt9Q3xLiso4gyvQXGMZQ="])
        try InclusionProof.verify(leafHash: example.leaves[2], index: 2, treeSize: 3, proof: proof3, root: example.root)
        let proof1 = try InclusionProof.make(index: 0, treeSize: 3, node: nodes)
        #expect(
            proof1.map(\.base64) == [
                "Xwqu8Yp2HdWsUvQVfaV5s4oUJ5SCV+aARIz2+Ec9jnM=", "4C+INHXkZvzfcRobXT60zLcxHilAhQxL5Nhev9K4WOc=",
            ])
        let consistency = try ConsistencyProof.make(oldSize: 2, newSize: 3, node: nodes)
        #expect(consistency == [example.leaves[2]])
        try ConsistencyProof.verify(
            oldSize: 2, newSize: 3, oldRoot: Merkle.nodeHash(example.leaves[0], example.leaves[1]),
            newRoot: example.root,
            proof: consistency)
        let signed = try SignedCheckpoint(parsing: Self.checkpoint)
        try signed.verify(by: [NoteVerifierKey(parsing: Self.verifierKey)])
    }

    /// The document must still show what the code computes.
    @Test func formatDocumentShowsTheseValues() throws {
        let document = try String(
            contentsOf: PackagePaths.root.appendingPathComponent("docs/FORMAT.md"), encoding: .utf8)
        for expected in Self.expected {
            #expect(document.contains(expected.signature))
            #expect(document.contains(expected.hash))
            #expect(document.contains(expected.leaf))
        }
        #expect(document.contains(Self.checkpoint.trimmingCharacters(in: .newlines)))
        #expect(document.contains(Self.verifierKey))
        for text in [
            "uShpQD1AREquTbB7+97+sTeGt9Q3xLiso4gyvQXGMZQ=", "Xwqu8Yp2HdWsUvQVfaV5s4oUJ5SCV+aARIz2+Ec9jnM=",
            "4C+INHXkZvzfcRobXT60zLcxHilAhQxL5Nhev9K4WOc=",
            "52de9217e82498e7d2e25e8408ebba432c2e0cf250dcf80360f2296bfdc676c0",
        ] { #expect(document.contains(text)) }
    }

    /// Prints every value, for writing the document: `NOABER_PRINT_EXAMPLE=1 swift test --filter WorkedExample`.
    @Test func printForTheDocument() throws {
        guard ProcessInfo.processInfo.environment["NOABER_PRINT_EXAMPLE"] != nil else { return }
        let example = try Self.build()
        print("ledger id", Self.ledgerID, "log key", example.logKey)
        for (entry, leaf) in zip(example.entries, example.leaves) {
            print("--- entry \(entry.seq)")
            print("payload", String(decoding: entry.signed.payload, as: UTF8.self))
            print("payload bytes", entry.signed.payload.count)
            print("signature", Hex.encode(entry.signed.signature))
            print("hash", entry.hash.hex)
            print("leaf", leaf.hex)
        }
        print("node(1,0)", Merkle.nodeHash(example.leaves[0], example.leaves[1]).hex)
        print("root", example.root.hex, example.root.base64)
        print("checkpoint\n" + example.checkpoint!.serialized)
    }
}
