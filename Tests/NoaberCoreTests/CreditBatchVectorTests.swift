import NoaberCore
import NoaberCrypto
import Testing

/// The worked example of docs/FORMAT.md §17: a batch of two credits, one with a memo beside the
/// chain, signed with RFC 8032's test 1 key. The document shows these bytes; the code must make them.
@Suite("docs/FORMAT.md §17 worked example")
struct CreditBatchVectorTests {
    static let salt = "000102030405060708090a0b0c0d0e0f"

    static func batch() throws -> Payload {
        let memo = PersonalText(path: "credits[0].memo", salt: try #require(Hex.decode(salt)), text: "boodschappen")
        return Payload(
            v: 2, ledger: FormatVectorTests.ledger, id: "example-batch",
            body: .credits(
                CreditBatch(
                    issuer: try AccountID("org:zorgkring"),
                    credits: [
                        BatchCredit(
                            id: "example-c1", account: try AccountID("vol:jan-peeters"), amount: 2500, hours: "2.5",
                            hourRate: 1000, careDate: "2026-11-03", memo: memo.commitment),
                        BatchCredit(id: "example-c2", account: try AccountID("vol:piet"), amount: 1000),
                    ])))
    }

    static let payload =
        #"{"credits":[{"account":"vol:jan-peeters","amount":2500,"care_date":"2026-11-03","hour_rate":1000,"hours":"2.5","id":"example-c1","memo":"e27b75b20e205ec11dd4fd46ccdae01f9389fcdc48b1c561ff0fcc6dc24bb72a"},{"account":"vol:piet","amount":1000,"id":"example-c2"}],"id":"example-batch","issuer":"org:zorgkring","kind":"credits","ledger":"cbb3d7f2b5a96de2ef752306a3af07b9","v":2}"#

    @Test func theBatchSignsAndHashesAsDocumented() throws {
        let key = try Ed25519PrivateKey(rawRepresentation: Hex.decode(FormatVectorTests.seed)!)
        let payload = try Self.batch()
        let bytes = payload.encoded()
        #expect(bytes == Array(Self.payload.utf8) && bytes.count == 373, "the CLI writes exactly this layout")
        #expect(try Payload.decode(bytes) == payload)
        #expect(payload.personalFields.map(\.path) == ["credits[0].memo"])
        let signed = try SignedEntry.sign(payload, with: key)
        #expect(
            Hex.encode(signed.signature)
                == "4c6ac9b0a68ea4cacd943d6fa1044a9dcdc1c27bfd4c8dcb81e3276e7b6da935b8af71704af4684c4feb5445e344eaf9d421cc9ba6e5f8f935a536b0cf9ca20b"
        )
        let hash = EntryHash.compute(
            seq: 1, prevHash: .zero, committedAt: try #require(Timestamp(rfc3339: "2026-01-01T00:00:00.000Z")),
            signed: signed)
        #expect(hash.hex == "82bae58a468e14bd84c3b803c1bf09314a7db8dae9309694213dfaa45ed12cdc")
        // Its posting rows (§6): two per credit, the issuer's first.
        #expect(
            payload.postingRows.map { "\($0.account) \($0.amount)" } == [
                "org:zorgkring -2500", "vol:jan-peeters 2500", "org:zorgkring -1000", "vol:piet 1000",
            ])
    }
}
