import Foundation
import NoaberCore
import NoaberCrypto
import NoaberTestSupport
import Testing

/// Entry format v2 (docs/FORMAT.md §16): commitments in place of personal texts, the texts checked
/// beside the entry, `erase`, and the verifier's rule 9.
@Suite("Entry format v2: personal data")
struct PersonalDataTests {
    /// A v2 ledger built through the real rules, keeping each entry's texts as the daemon would.
    struct V2Ledger {
        var ledger = try! TestLedger()
        var texts: [[PersonalText]] = []

        mutating func submit(_ body: Payload.Body, by key: Ed25519PrivateKey? = nil, id: String? = nil) throws {
            let (signed, personal) = try sign(body, by: key, id: id)
            try ledger.apply(signed)
            texts.append(personal)
        }

        /// Signs `body` as a v2 entry, its personal texts replaced by commitments.
        mutating func sign(
            _ body: Payload.Body, by key: Ed25519PrivateKey? = nil, id: String? = nil
        ) throws -> (SignedEntry, [PersonalText]) {
            let (payload, personal) = try Payload(
                ledger: TestLedger.id, id: id ?? ledger.nextID(), body: body
            ).committingPersonalData()
            try PersonalData.check(personal, for: payload)
            return (try SignedEntry.sign(payload, with: key ?? ledger.admin), personal)
        }

        /// The chain as stored, with the texts that are still beside it.
        func stored() throws -> [StoredEntry] {
            var entries = try Chain.commit(ledger.accepted)
            for index in entries.indices { entries[index].personal = texts[index] }
            return entries
        }
    }

    static func community() throws -> (V2Ledger, Ed25519PrivateKey) {
        var v2 = V2Ledger()
        let jan = try Ed25519PrivateKey.generate()
        try v2.submit(v2.ledger.initBody())
        try v2.submit(.keyAdd(KeyAdd(key: KeySpec(publicKey: jan.publicKey, label: "Jan's phone", role: .member))))
        let admin = v2.ledger.admin.publicKey.keyID
        try v2.submit(
            .accountOpen(
                AccountOpen(
                    account: try AccountID("org:zorg"), accountKind: .issuer, name: "Zorgkring", minBalance: -100_000,
                    controllers: [admin])))
        try v2.submit(
            .accountOpen(
                AccountOpen(
                    account: try AccountID("vol:0042"), accountKind: .member, name: "Jan Peeters", minBalance: 0,
                    controllers: [jan.publicKey.keyID])))
        try v2.submit(
            try tx(
                .credit, ("org:zorg", -2500), ("vol:0042", 2500), memo: "douchen mevrouw Jansen", hours: "2.5",
                hourRate: TestLedger.hourRate), id: "credit-1")
        return (v2, jan)
    }

    static func verify(_ entries: [StoredEntry], state: LedgerState) throws(VerificationFailure) {
        var verifier = Verifier()
        for entry in entries { try verifier.check(entry) }
        let postings = Int64(entries.reduce(0) { $0 + $1.postings.count })
        try verifier.finish(stored: state, rows: JournalRows(entries: Int64(entries.count), postings: postings))
    }

    @Test func theWorkedExampleOfFormatSection16() throws {
        let memo = PersonalData.commitment(
            path: "memo", salt: Hex.decode("000102030405060708090a0b0c0d0e0f")!, text: "douchen mevrouw Jansen")
        let name = PersonalData.commitment(
            path: "name", salt: Hex.decode("101112131415161718191a1b1c1d1e1f")!, text: "Jan Peeters")
        #expect(memo == "d23fc46ac1c3f195f00e3e67bb6937db2241b57c3dcc70f692c59965f79e957b")
        #expect(name == "797061e6de3d4ac8a7ddb6aab6bac68890fb6ac6b366281b20e981be2f7944ea")
        let document = try String(
            contentsOf: PackagePaths.root.appendingPathComponent("docs/FORMAT.md"), encoding: .utf8)
        #expect(document.contains(memo) && document.contains(name))
    }

    @Test func aV2PayloadHoldsCommitmentsNotTexts() throws {
        let (v2, _) = try Self.community()
        let credit = try Payload.decode(v2.ledger.accepted[4].payload)
        #expect(credit.v == 2)
        let text = String(decoding: v2.ledger.accepted[4].payload, as: UTF8.self)
        #expect(!text.contains("Jansen"))
        // A plain text where a commitment belongs is refused.
        var plain = credit
        plain.setPersonalField("memo", to: "douchen mevrouw Jansen")
        #expect(throws: LedgerError.self) { try Payload.decode(plain.encoded()) }
    }

    @Test func textsBesideTheEntryMustMatchItsCommitmentsExactly() throws {
        let body = try tx(.transfer, ("vol:a", -1), ("vol:b", 1), memo: "bedankt")
        let (payload, texts) = try Payload(ledger: TestLedger.id, id: "x", body: body).committingPersonalData()
        try PersonalData.check(texts, for: payload)
        #expect(throws: LedgerError.personalDataMissing(path: "memo")) { try PersonalData.check([], for: payload) }
        var changed = texts
        changed[0].text = "bedankt!"
        #expect(throws: LedgerError.personalDataMismatch(path: "memo")) {
            try PersonalData.check(changed, for: payload)
        }
        let extra = texts + [try PersonalText.fresh(path: "reason", text: "x")]
        #expect(throws: LedgerError.personalDataUnexpected(path: "reason")) {
            try PersonalData.check(extra, for: payload)
        }
    }

    @Test func everyEntryHasItsLedgersVersionAndV1LedgersCannotErase() throws {
        var v2 = try Self.community().0
        let v1 = try v2.ledger.sign(try tx(.credit, ("org:zorg", -1000), ("vol:0042", 1000)))
        v2.ledger.expectRefusal(v1, .versionMismatch(ledger: 2, entry: 1))
        var community = try Community()
        let erase = try SignedEntry.sign(
            Payload(
                v: 2, ledger: TestLedger.id, id: "erase-1",
                body: .erase(Erase(reason: "art. 17", account: try AccountID("vol:jan")))),
            with: community.ledger.admin)
        community.ledger.expectRefusal(erase, reason: "version_mismatch", mentioning: ["erasure"])
        let v1Erase = Payload(
            v: 1, ledger: TestLedger.id, id: "erase-2",
            body: .erase(Erase(reason: "r", account: try AccountID("vol:jan"))))
        #expect(throws: LedgerError.self) { try Payload.decode(v1Erase.encoded()) }
    }

    @Test func anErasedAccountVerifiesAndATextChangedBesideTheChainIsNamed() throws {
        var (v2, jan) = try Self.community()
        try v2.submit(.erase(Erase(reason: "art. 17 request of 2026-12-01", account: try AccountID("vol:0042"))))
        // Only an admin erases.
        let byMember = try v2.sign(.erase(Erase(reason: "r", account: try AccountID("vol:0042"))), by: jan).0
        v2.ledger.expectRefusal(byMember, reason: "unauthorized")
        var entries = try v2.stored()
        // Not yet deleted: the erasure is not done.
        #expect(throws: VerificationFailure.self) { try Self.verify(entries, state: v2.ledger.state) }
        // The daemon deletes the name (seq 4) and the credit's memo (seq 5).
        entries[3].personal = []
        entries[4].personal = []
        try Self.verify(entries, state: v2.ledger.state)
        // A text missing without an erasure: the org's name.
        var lost = entries
        lost[2].personal = []
        #expect(
            throws: VerificationFailure(
                seq: 3, reason: "the personal text at \"name\" is missing, and no erase entry covers it")
        ) {
            try Self.verify(lost, state: v2.ledger.state)
        }
        // Changed behind the daemon's back, salt kept: named by its entry.
        var forged = entries
        forged[1].personal?[0].text = "Piet's phone"
        #expect(
            performing: { try Self.verify(forged, state: v2.ledger.state) },
            throws: { error in
                (error as? VerificationFailure)?.seq == 2
            })
    }

    @Test func anErasureByEntryNamesEarlierEntriesAndTheirFields() throws {
        var (v2, _) = try Self.community()
        let wrongField = try v2.sign(
            .erase(Erase(reason: "r", entries: [ErasedEntry(id: "credit-1", fields: ["name"])]))
        ).0
        v2.ledger.expectRefusal(wrongField, reason: "invalid_payload", mentioning: ["no personal field"])
        let unknown = try v2.sign(.erase(Erase(reason: "r", entries: [ErasedEntry(id: "nope")]))).0
        v2.ledger.expectRefusal(unknown, reason: "invalid_payload")
        try v2.submit(.erase(Erase(reason: "r", entries: [ErasedEntry(id: "credit-1", fields: ["memo"])])))
        var entries = try v2.stored()
        entries[4].personal = []
        try Self.verify(entries, state: v2.ledger.state)
    }
}
