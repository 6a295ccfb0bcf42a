import NoaberCore
import NoaberCrypto
import Testing

/// The test vector in docs/FORMAT.md §4a, computed there with openssl and sha256sum alone; the
/// Swift code must give the same bytes.
@Suite("docs/FORMAT.md test vector")
struct FormatVectorTests {
    static let seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"  // RFC 8032 test 1
    static let ledger = "cbb3d7f2b5a96de2ef752306a3af07b9"
    static let payload =
        #"{"id":"example-1","kind":"tx","ledger":"cbb3d7f2b5a96de2ef752306a3af07b9","memo":"bedankt","postings":[{"account":"vol:jan-peeters","amount":-500},{"account":"vol:piet","amount":500}],"purpose":"transfer","v":1}"#

    @Test func ledgerIDIsDerivedAsDocumented() throws {
        let key = try Ed25519PrivateKey(rawRepresentation: Hex.decode(Self.seed)!)
        let nonce = try #require(Hex.decode("000102030405060708090a0b0c0d0e0f"))
        #expect(LedgerIdentity.derive(adminKey: key.publicKey, nonce: nonce) == Self.ledger)
    }

    @Test func signatureKeyIDAndHashMatchTheDocument() throws {
        let key = try Ed25519PrivateKey(rawRepresentation: Hex.decode(Self.seed)!)
        #expect(
            Hex.encode(key.publicKey.rawRepresentation)
                == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        #expect(key.publicKey.keyID.hex == "21fe31dfa154a261626bf854046fd227")

        let bytes = Array(Self.payload.utf8)
        #expect(bytes.count == 211)
        let payload = try Payload.decode(bytes)
        #expect(payload.encoded() == bytes, "the CLI writes exactly this layout")

        let signed = try SignedEntry.sign(payload, with: key)
        #expect(signed.payload == bytes)
        #expect(
            Hex.encode(signed.signature)
                == "6fe5378afb74656b45ff67ec4f7d77bcd00fe746c7296b800808553c54350daef4a53ea6b5ac0e9176e1800d0f049ece26cd798fddc4d67925d89ed253c6110b"
        )
        let hash = EntryHash.compute(
            seq: 1, prevHash: .zero, committedAt: try #require(Timestamp(rfc3339: "2026-01-01T00:00:00.000Z")),
            signed: signed)
        #expect(hash.hex == "8fbd329ae2da4eb4ca6d57cfaf558001823a5e6578a6507a0af1f52160a00706")
    }
}
