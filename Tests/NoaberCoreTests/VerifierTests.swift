import Foundation
import NoaberCore
import NoaberCrypto
import Testing

@Suite("Verifier")
struct VerifierTests {
    /// A small community with money moved: 14 entries, transactions at seq 11…14.
    static func community() throws -> (Community, [StoredEntry]) {
        var c = try Community()
        try c.credit("vol:jan", hours: "1.5")
        try c.ledger.submit(try tx(.transfer, ("vol:jan", -250), ("vol:piet", 250)), by: c.jan)
        try c.ledger.submit(try tx(.redeem, ("vol:piet", -200), ("shop:bakker", 200)), by: c.piet)
        try c.ledger.submit(.keyRevoke(KeyRevoke(keyID: c.piet.publicKey.keyID, reason: "left")))
        return (c, try Chain.commit(c.ledger.accepted))
    }

    /// The community's state as the store would hold it, after `change`.
    static func stored(
        _ c: Community,
        _ change: (inout [AccountID: LedgerState.Account], inout [KeyID: LedgerState.Key]) throws -> Void = { _, _ in }
    ) rethrows -> LedgerState {
        var accounts = c.ledger.state.accounts
        var keys = c.ledger.state.keys
        try change(&accounts, &keys)
        return LedgerState(ledger: c.ledger.state.ledger, keys: Array(keys.values), accounts: Array(accounts.values))
    }

    /// The row counts a store holding exactly `entries` would report.
    static func rows(_ entries: [StoredEntry]) -> JournalRows {
        JournalRows(entries: Int64(entries.count), postings: Int64(entries.reduce(0) { $0 + $1.postings.count }))
    }

    /// Replays `c`'s chain and compares it with `stored`.
    static func finish(_ c: Community, _ entries: [StoredEntry], stored: LedgerState, rows: JournalRows? = nil) throws {
        var verifier = Verifier()
        for entry in entries { try verifier.check(entry) }
        try verifier.finish(stored: stored, rows: rows ?? Self.rows(entries))
    }

    /// Runs the verifier over `entries`, returning the first failure.
    static func failure(_ entries: [StoredEntry]) -> VerificationFailure? {
        var verifier = Verifier()
        do {
            for entry in entries { try verifier.check(entry) }
            return nil
        } catch {
            return error
        }
    }

    static func expectFailure(
        _ entries: [StoredEntry], seq: Int64, mentioning fragment: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let failure = failure(entries) else {
            Issue.record("the tampered chain verified", sourceLocation: sourceLocation)
            return
        }
        #expect(failure.seq == seq, "\(failure)", sourceLocation: sourceLocation)
        #expect(failure.reason.contains(fragment), "\(failure)", sourceLocation: sourceLocation)
        #expect(failure.description == "entry \(seq): \(failure.reason)", sourceLocation: sourceLocation)
    }

    @Test func goodChainPasses() throws {
        let (c, entries) = try Self.community()
        var verifier = Verifier()
        for entry in entries { try verifier.check(entry) }
        try verifier.finish(stored: Self.stored(c), rows: Self.rows(entries))
        #expect(verifier.entries == 14)
        #expect(verifier.headHash == entries.last?.entry.hash)
        #expect(StateSnapshot(verifier.state) == StateSnapshot(c.ledger.state))
    }

    @Test func emptyChainPasses() throws {
        let verifier = Verifier()
        try verifier.finish(stored: LedgerState(), rows: JournalRows(entries: 0, postings: 0))
        #expect(verifier.entries == 0)
        #expect(verifier.headHash == .zero)
    }

    @Test func gap() throws {
        var (_, entries) = try Self.community()
        entries.remove(at: 5)
        Self.expectFailure(entries, seq: 6, mentioning: "entry 6 is missing (the next entry found is 7)")
    }

    @Test func reordering() throws {
        var (_, entries) = try Self.community()
        entries.swapAt(11, 12)
        Self.expectFailure(entries, seq: 12, mentioning: "entry 12 is missing (the next entry found is 13)")
    }

    @Test func repeatedEntry() throws {
        var (_, entries) = try Self.community()
        entries.insert(entries[3], at: 4)
        Self.expectFailure(entries, seq: 5, mentioning: "entry 4 appears out of order (expected 5)")
    }

    @Test func reorderingWithRenumberedSeqAndRelinkedHashesBreaksTheRules() throws {
        // A forger who swaps two entries and recomputes every seq and hash still fails on the rules:
        // the volunteer spends coins before they were credited.
        let (c, _) = try Self.community()
        var signed = c.ledger.accepted
        signed.swapAt(10, 11)
        let entries = try Chain.commit(signed)
        Self.expectFailure(entries, seq: 11, mentioning: "would go to -2.50")
    }

    @Test func changedPayloadByte() throws {
        var (_, entries) = try Self.community()
        let text = String(decoding: entries[11].entry.signed.payload, as: UTF8.self)
        entries[11].entry.signed.payload = Array(text.replacingOccurrences(of: "-250", with: "-260").utf8)
        Self.expectFailure(entries, seq: 12, mentioning: "stored hash")
        // With the hashes recomputed, the signature still gives it away.
        Chain.relink(&entries, from: 11)
        Self.expectFailure(entries, seq: 12, mentioning: "signature does not verify")
    }

    @Test func changedSignatureWithRelinkedHashes() throws {
        var (_, entries) = try Self.community()
        entries[2].entry.signed.signature[0] ^= 0x80
        Chain.relink(&entries, from: 2)
        Self.expectFailure(entries, seq: 3, mentioning: "signature does not verify")
    }

    @Test func changedPrevHash() throws {
        var (_, entries) = try Self.community()
        entries[6].entry.prevHash = SHA256.hash("other")
        Self.expectFailure(
            entries, seq: 7, mentioning: "prev_hash \(SHA256.hash("other").hex) does not match the hash of entry 6")
    }

    @Test func changedHash() throws {
        var (_, entries) = try Self.community()
        entries[13].entry.hash = SHA256.hash("other")
        Self.expectFailure(entries, seq: 14, mentioning: "stored hash \(SHA256.hash("other").hex) does not match")
        // Changing a middle hash is caught at that entry, before its successor's link.
        (_, entries) = try Self.community()
        entries[8].entry.hash = SHA256.hash("other")
        Self.expectFailure(entries, seq: 9, mentioning: "stored hash")
    }

    @Test func changedCommitTime() throws {
        var (_, entries) = try Self.community()
        entries[9].entry.committedAt = Timestamp(
            millisecondsSinceEpoch: entries[9].entry.committedAt.millisecondsSinceEpoch + 1)
        Self.expectFailure(entries, seq: 10, mentioning: "stored hash")
    }

    @Test func timeGoingBackwards() throws {
        let (c, _) = try Self.community()
        var times = (1...14).map {
            Timestamp(millisecondsSinceEpoch: Chain.start.millisecondsSinceEpoch + Int64($0) * 1000)
        }
        times[9] = Timestamp(millisecondsSinceEpoch: times[8].millisecondsSinceEpoch - 1)
        let entries = try Chain.commit(c.ledger.accepted, times: times)
        Self.expectFailure(
            entries, seq: 10, mentioning: "commit time \(times[9]) is earlier than the previous entry's \(times[8])")
        // Equal times are allowed: group commits share one.
        times[9] = times[8]
        #expect(Self.failure(try Chain.commit(c.ledger.accepted, times: times)) == nil)
    }

    @Test func storedPostingsDifferFromThePayload() throws {
        var (_, entries) = try Self.community()
        entries[10].postings[0].amount -= 1
        Self.expectFailure(entries, seq: 11, mentioning: "stored postings differ")
        (_, entries) = try Self.community()
        entries[10].postings.removeLast()
        Self.expectFailure(entries, seq: 11, mentioning: "stored postings differ")
        (_, entries) = try Self.community()
        entries[3].postings = entries[10].postings
        Self.expectFailure(entries, seq: 4, mentioning: "stored postings differ")
    }

    @Test func storedIDOrKindDifferFromThePayload() throws {
        var (_, entries) = try Self.community()
        entries[4].entry.entryID = "forged"
        Self.expectFailure(entries, seq: 5, mentioning: "stored id/kind (forged, key.add)")
        (_, entries) = try Self.community()
        entries[4].entry.kind = .keyRevoke
        Self.expectFailure(entries, seq: 5, mentioning: "stored id/kind")
    }

    @Test func storedBalanceDiffers() throws {
        let (c, entries) = try Self.community()
        let stored = try Self.stored(c) { accounts, _ in accounts[try AccountID("vol:piet")]!.balance += 1 }
        #expect(
            throws: VerificationFailure(
                seq: nil, reason: "account vol:piet: stored balance 0.51 differs from the replayed balance 0.50")
        ) {
            try Self.finish(c, entries, stored: stored)
        }
    }

    @Test func storedAccountNeverOpened() throws {
        let (c, entries) = try Self.community()
        let stored = try Self.stored(c) { accounts, _ in
            var ghost = accounts[try AccountID("vol:piet")]!
            ghost.id = try AccountID("vol:ghost")
            accounts[ghost.id] = ghost
        }
        #expect(
            throws: VerificationFailure(
                seq: nil, reason: "account vol:ghost is stored but was never opened in the chain")
        ) {
            try Self.finish(c, entries, stored: stored)
        }
    }

    @Test func accountMissingFromTheStoredAccounts() throws {
        let (c, entries) = try Self.community()
        let stored = try Self.stored(c) { accounts, _ in accounts[try AccountID("vol:piet")] = nil }
        #expect(throws: VerificationFailure(seq: 9, reason: "account vol:piet is missing from the stored accounts")) {
            try Self.finish(c, entries, stored: stored)
        }
    }

    /// The daemon judges new entries from the stored state, so forged rights there must fail too.
    @Test func forgedRightsInTheStoredStateFail() throws {
        let (c, entries) = try Self.community()
        let jan = c.jan.publicKey.keyID
        let piet = c.piet.publicKey.keyID
        let janAccount = try AccountID("vol:jan")
        let pietAccount = try AccountID("vol:piet")
        let cases: [(String, LedgerState)] = [
            (
                "key \(jan.hex): the stored role (admin, not member) differs from the chain",
                Self.stored(c) { _, keys in keys[jan]!.role = .admin }
            ),
            (
                "key \(piet.hex): the stored revocation differs from the chain",
                Self.stored(c) { _, keys in keys[piet]!.revokedSeq = nil }
            ),
            (
                "account vol:piet: the stored controllers differs from the chain",
                Self.stored(c) { accounts, _ in accounts[pietAccount]!.controllers.append(jan) }
            ),
            (
                "account vol:jan: the stored minimum balance differs from the chain",
                Self.stored(c) { accounts, _ in accounts[janAccount]!.minBalance = -100_000 }
            ),
            ("key \(jan.hex) is missing from the stored keys", Self.stored(c) { _, keys in keys[jan] = nil }),
        ]
        for (reason, stored) in cases {
            do {
                try Self.finish(c, entries, stored: stored)
                Issue.record("forged state verified: \(reason)")
            } catch let failure as VerificationFailure {
                #expect(failure.reason == reason)
            }
        }
        let honest = try Self.stored(c)
        let settings = LedgerState(
            ledger: honest.ledger.map {
                var l = $0
                l.hourRate += 1
                return l
            }, keys: Array(honest.keys.values),
            accounts: Array(honest.accounts.values))
        #expect(throws: VerificationFailure(seq: 1, reason: "the stored ledger settings differ from entry 1")) {
            try Self.finish(c, entries, stored: settings)
        }
    }

    /// A signed payment copied in as a second entry, chained correctly: a double payment.
    @Test func replayedEntryIDFails() throws {
        let (c, _) = try Self.community()
        let transfer = c.ledger.accepted[11]
        let entries = try Chain.commit(c.ledger.accepted + [transfer])
        Self.expectFailure(entries, seq: 15, mentioning: "was already used by entry 12")
    }

    /// Rows outside the chain 1…head (a seq of 0, postings of no entry) must not hide.
    @Test func rowsOutsideTheChainFail() throws {
        let (c, entries) = try Self.community()
        var extra = Self.rows(entries)
        extra.entries += 1
        #expect(
            throws: VerificationFailure(
                seq: nil, reason: "the journal holds 15 entry rows, but the chain from 1 to 14 has 14")
        ) {
            try Self.finish(c, entries, stored: Self.stored(c), rows: extra)
        }
        extra = Self.rows(entries)
        extra.postings += 2
        #expect(throws: VerificationFailure.self) { try Self.finish(c, entries, stored: Self.stored(c), rows: extra) }
    }
}
