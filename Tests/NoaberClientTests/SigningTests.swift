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
}
