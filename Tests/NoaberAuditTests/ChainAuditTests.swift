import NoaberAudit
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransparency
import Testing

/// The audit behind `noaber verify` (online and `--file`): pages checked with signatures on every
/// core must give exactly the sequential verifier's result, and checkpoints must match the replay.
@Suite struct ChainAuditTests {
    static let log = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x4C, count: 32))

    func stored(_ fixture: ExportFixture) throws -> [StoredEntry] { try fixture.entries.map { try $0.storedEntry() } }

    /// Eight entries whose second announces `log` as the log key, so checkpoints of size 2 to 8 can count.
    static func withLogKey(revokedAfter: Int? = nil) throws -> ExportFixture {
        var ledger = try ExportFixture(at: "2026-11-20T09:00:00.000Z")
        try ledger.append(
            .keyAdd(KeyAdd(key: KeySpec(publicKey: log.publicKey, label: "log", role: .log))),
            at: "2026-11-20T09:00:30.000Z")
        try ledger.open(
            "org:zorgkring", .issuer, name: "Zorgkring Noord", min: -1_000_000, at: "2026-11-20T09:01:00.000Z")
        try ledger.open("vol:jan-peeters", .member, name: "Jan Peeters", at: "2026-11-20T09:02:00.000Z")
        try ledger.open("vol:piet", .member, name: "Piet de Boer", at: "2026-11-20T09:03:00.000Z")
        if revokedAfter != nil {
            try ledger.append(
                .keyRevoke(KeyRevoke(keyID: log.publicKey.keyID, reason: "leaked")), at: "2026-11-20T09:04:00.000Z")
        } else {
            try ledger.tx(
                .credit, [("org:zorgkring", -1000), ("vol:piet", 1000)], hours: "1", at: "2026-11-20T09:04:00.000Z")
        }
        try ledger.tx(
            .credit, [("org:zorgkring", -2500), ("vol:jan-peeters", 2500)], hours: "2.5", at: "2026-11-21T10:00:00.000Z"
        )
        try ledger.tx(
            .transfer, [("vol:jan-peeters", -500), ("vol:piet", 500)], memo: "bedankt", at: "2026-11-22T11:30:00.250Z")
        return ledger
    }

    func audit(
        _ entries: [StoredEntry], pageSize: Int, sizes: Set<UInt64> = []
    ) throws(VerificationFailure) -> ChainAudit {
        var audit = ChainAudit(checkpointSizes: sizes)
        var start = 0
        while start < entries.count {
            try audit.check(page: Array(entries[start..<min(start + pageSize, entries.count)]))
            start += pageSize
        }
        return audit
    }

    @Test(arguments: [1, 2, 3, 100])
    func pagesGiveTheSequentialVerifiersResult(pageSize: Int) throws {
        let entries = try stored(try ExportFixture.walkthrough())
        var sequential = Verifier()
        for entry in entries { try sequential.check(entry) }
        let paged = try audit(entries, pageSize: pageSize)
        #expect(paged.verifier.entries == sequential.entries)
        #expect(paged.verifier.headHash == sequential.headHash)
        #expect(paged.verifier.tree.root == Merkle.root(leafHashes: entries.map(\.entry.leafHash)))
        #expect(paged.verifier.state.accounts == sequential.state.accounts)
    }

    @Test func aBadSignatureInAPageIsStillFoundAtItsEntry() throws {
        var entries = try stored(try ExportFixture.walkthrough())
        entries[6].entry.signed.signature[10] ^= 1
        // Keep the chain intact, so that only the signature is wrong.
        for index in 6..<entries.count {
            let e = entries[index].entry
            if index > 6 { entries[index].entry.prevHash = entries[index - 1].entry.hash }
            entries[index].entry.hash = EntryHash.compute(
                seq: e.seq, prevHash: entries[index].entry.prevHash, committedAt: e.committedAt,
                signed: entries[index].entry.signed)
        }
        #expect(throws: VerificationFailure.self) { _ = try audit(entries, pageSize: 100) }
        do { _ = try audit(entries, pageSize: 100) } catch {
            #expect(error.seq == 7 && error.reason.contains("signature"), "\(error)")
        }
    }

    @Test func checkpointsMustMatchTheReplayedTree() throws {
        let fixture = try Self.withLogKey()
        let entries = try stored(fixture)
        let ledgerID = try #require(fixture.state.ledger?.id)
        let origin = LogOrigin.origin(ledgerID: ledgerID)
        let pinned = [try NoteVerifierKey(name: origin, publicKey: Self.log.publicKey)]
        let audit = try audit(entries, pageSize: 3, sizes: [4, 8])
        let root4 = Merkle.root(leafHashes: entries.prefix(4).map(\.entry.leafHash))

        let good = try SignedCheckpoint.sign(Checkpoint(origin: origin, size: 4, root: root4), with: Self.log)
        #expect(try audit.check(checkpoint: good, pinned: pinned) == pinned[0])
        #expect(try audit.check(checkpoint: good) == pinned[0], "the chain's own log key")
        // Size 1 is before the chain announced the log key.
        let early = try SignedCheckpoint.sign(
            Checkpoint(origin: origin, size: 1, root: Merkle.root(leafHashes: [entries[0].entry.leafHash])),
            with: Self.log)
        let audit1 = try self.audit(entries, pageSize: 8, sizes: [1])
        #expect(throws: VerificationFailure.self) { try audit1.check(checkpoint: early, pinned: pinned) }

        func reason(_ checkpoint: Checkpoint, signedBy key: Ed25519PrivateKey = Self.log) throws -> String {
            let signed = try SignedCheckpoint.sign(checkpoint, with: key)
            do {
                try audit.check(checkpoint: signed, pinned: pinned)
                return "accepted"
            } catch { return error.reason }
        }
        #expect(try reason(Checkpoint(origin: origin, size: 4, root: .zero)).contains("the ledger was rewritten"))
        #expect(
            try reason(Checkpoint(origin: origin, size: 9, root: root4)).contains(
                "commits to 9 entries, but the chain holds only 8"))
        #expect(
            try reason(Checkpoint(origin: "noaber/" + String(repeating: "0", count: 32), size: 4, root: root4))
                .contains("not this ledger"))
        #expect(
            try reason(Checkpoint(origin: origin, size: 4, root: root4), signedBy: .generate()).contains("checkpoint:"))
    }

    /// Whoever holds ledger X's log key can sign any note under X's name. A checkpoint of this
    /// ledger signed that way must not pass for an auditor who trusts X's key: the key's name must
    /// be this ledger's origin.
    @Test func anotherLedgersLogKeyCannotVouchForThisOne() throws {
        let fixture = try Self.withLogKey()
        let entries = try stored(fixture)
        let ledgerID = try #require(fixture.state.ledger?.id)
        let audit = try audit(entries, pageSize: 100)
        let otherLedger = LogOrigin.origin(ledgerID: String(repeating: "ab", count: 16))
        let checkpoint = Checkpoint(
            origin: LogOrigin.origin(ledgerID: ledgerID), size: 8, root: audit.verifier.tree.root)
        // Signed with X's key under X's name, over this ledger's true tree.
        let text = checkpoint.text
        let signature = try SignedNote.sign(text, name: otherLedger, with: Self.log)
        let forged = try SignedCheckpoint(parsing: signature.serialized)
        let trustedX = [try NoteVerifierKey(name: otherLedger, publicKey: Self.log.publicKey)]
        #expect(throws: VerificationFailure.self) { try audit.check(checkpoint: forged, pinned: trustedX) }
        do { try audit.check(checkpoint: forged, pinned: trustedX) } catch {
            #expect(error.reason.contains("no --log-key given is a log key the chain names"), "\(error)")
        }
        // The rule underneath, for any caller: the key's name must be the checkpoint's origin.
        #expect(throws: NoteError.noKeyForLog(origin: checkpoint.origin, keyNames: [otherLedger])) {
            try LogOrigin.verify(forged, ledgerID: ledgerID, by: trustedX)
        }
    }

    /// A log key the chain revoked vouches for nothing from then on, even when the auditor pinned it:
    /// whoever leaked it could otherwise sign a cut-short ledger's tree.
    @Test func aPinnedKeyTheChainRevokedDoesNotCount() throws {
        let fixture = try Self.withLogKey(revokedAfter: 5)
        let entries = try stored(fixture)
        let ledgerID = try #require(fixture.state.ledger?.id)
        let origin = LogOrigin.origin(ledgerID: ledgerID)
        let pinned = [try NoteVerifierKey(name: origin, publicKey: Self.log.publicKey)]
        let audit = try audit(entries, pageSize: 3, sizes: [5, 6])
        let before = try SignedCheckpoint.sign(
            Checkpoint(origin: origin, size: 5, root: try #require(audit.verifier.root(atSize: 5))), with: Self.log)
        #expect(try audit.check(checkpoint: before, pinned: pinned) == pinned[0], "signed while it was active")
        let after = try SignedCheckpoint.sign(
            Checkpoint(origin: origin, size: 6, root: try #require(audit.verifier.root(atSize: 6))), with: Self.log)
        do {
            try audit.check(checkpoint: after, pinned: pinned)
            Issue.record("a checkpoint by the revoked key passed")
        } catch { #expect(error.reason.contains("no log key active at size 6"), "\(error)") }
    }
}
