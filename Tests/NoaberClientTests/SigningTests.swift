import NoaberClient
import NoaberCore
import NoaberCrypto
import Testing

/// The signer's check of docs/FORMAT.md §2's text rule: `noaber` names the field before it signs
/// or sends anything, with the error the daemon would give.
@Suite("Signing: texts checked before anything is sent")
struct SigningTests {
    let ledger = String(repeating: "ab", count: 16)

    func payload(v: Int, name: String) throws -> Payload {
        let key = try Ed25519PrivateKey.generate()
        let body = AccountOpen(
            account: try AccountID("vol:0042"), accountKind: .member, name: name, minBalance: 0,
            controllers: [key.publicKey.keyID])
        return Payload(v: v, ledger: ledger, id: "open-1", body: .accountOpen(body))
    }

    @Test(arguments: [1, 2])
    func aNameWithFormatCharactersOrNotInNFCIsRefusedBeforeSigning(version: Int) throws {
        let key = try Ed25519PrivateKey.generate()
        #expect(throws: LedgerError.invalidText(field: "name", .formatCharacter(0x200B))) {
            try Session.sign(try payload(v: version, name: "Jan\u{200B} Peeters\u{202E}"), with: key)
        }
        #expect(throws: LedgerError.invalidText(field: "name", .notNFC)) {
            try Session.sign(try payload(v: version, name: "Bre\u{301}e"), with: key)
        }
        let (signed, texts) = try Session.sign(try payload(v: version, name: "Brée"), with: key)
        #expect(signed.keyID == key.publicKey.keyID && texts.count == (version == 2 ? 1 : 0))
    }

    /// An import signs its batches with salts derived from the key, the entry and the text, so that
    /// a rerun signs the same bytes and replays: those salts may never change. Each is checked
    /// against the derivation as first written (one expression of concatenated arrays), and the
    /// first against its bytes.
    @Test func deterministicSaltsAreTheOnesEarlierRunsSigned() throws {
        let key = try Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x5A, count: 32))
        let memos = ["boodschappen", "", "Brée — 🧓 zorg"]
        let credits = try memos.enumerated().map { index, memo in
            BatchCredit(id: "line-\(index)", account: try AccountID("vol:0042"), amount: 1000, memo: memo)
        }
        let payload = Payload(
            v: 2, ledger: ledger, id: "impb-1",
            body: .credits(CreditBatch(issuer: try AccountID("org:zorg"), credits: credits)))
        let (_, texts) = try Session.sign(payload, with: key, deterministicSalts: true)
        #expect(texts.map(\.text) == memos)
        for text in texts {
            let material =
                Array("noaber:salt:v1\u{0}".utf8) + key.rawRepresentation
                + Array("\u{0}\(ledger)\u{0}impb-1\u{0}\(text.path)\u{0}\(text.text)".utf8)
            #expect(text.salt == Array(SHA256.hash(material).bytes.prefix(PersonalData.saltBytes)), "\(text.path)")
        }
        #expect(Hex.encode(texts[0].salt) == "12f90fb00d5420ac0086891ae1893411")
        let (_, again) = try Session.sign(payload, with: key, deterministicSalts: true)
        #expect(again == texts)
    }
}
