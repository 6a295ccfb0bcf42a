import NoaberCore
import NoaberHashing
import Testing

/// The test vector in docs/FORMAT.md §4a, computed there with openssl and sha256sum alone; the
/// Swift code must give the same bytes.
@Suite("docs/FORMAT.md test vector")
struct FormatVectorTests {
    static let seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"  // RFC 8032 test 1
    static let ledger = "00112233445566778899aabbccddeeff"
    static let payload =
        #"{"id":"example-1","kind":"tx","ledger":"00112233445566778899aabbccddeeff","memo":"bedankt","postings":[{"account":"vol:jan-peeters","amount":-500},{"account":"vol:piet","amount":500}],"purpose":"transfer","v":1}"#

    @Test func signatureKeyIDAndHashMatchTheDocument() throws {
        let key = try Ed25519PrivateKey(rawRepresentation: Hex.decode(Self.seed)!)
        #expect(Hex.encode(key.publicKey.rawRepresentation) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        #expect(key.publicKey.keyID.hex == "21fe31dfa154a261626bf854046fd227")

        let bytes = Array(Self.payload.utf8)
        #expect(bytes.count == 211)
        let payload = try Payload.decode(bytes)
        #expect(payload.encoded() == bytes, "the CLI writes exactly this layout")

        let signed = try SignedEntry.sign(payload, with: key)
        #expect(signed.payload == bytes)
        #expect(
            Hex.encode(signed.signature)
                == "200b549d588116a91c553c6bdb7d477a79f2804e67db5d4099a51db0fb7b17a46c047e5a2f7feb4ef5be42d5bac456f5e3fdb052d945544b40f4684ae21edc0a"
        )
        let hash = EntryHash.compute(
            seq: 1, prevHash: .zero, committedAt: try #require(Timestamp(rfc3339: "2026-01-01T00:00:00.000Z")), signed: signed)
        #expect(hash.hex == "63a5975843d285221bba396eb3f61c8142184ecad441336710ca8bd15c313981")
    }
}
