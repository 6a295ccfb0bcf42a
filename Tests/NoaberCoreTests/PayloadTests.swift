import NoaberCore
import NoaberCrypto
import Testing

@Suite("Payload decoding and encoding")
struct PayloadTests {
    static let ledger = TestLedger.id
    let key: Ed25519PrivateKey
    let keyHex: String
    let keyID: KeyID

    init() throws {
        key = try Ed25519PrivateKey.generate()
        keyHex = Hex.encode(key.publicKey.rawRepresentation)
        keyID = key.publicKey.keyID
    }

    func header(_ kind: String, v: Int = 1) -> String {
        #""v":\#(v),"ledger":"\#(Self.ledger)","id":"e-1","kind":"\#(kind)""#
    }

    /// One hand-written wire payload per kind, with the value it must decode to.
    // size: a table with one row per entry kind, each the exact JSON beside its value.
    func everyKind() throws -> [(json: String, body: Payload.Body)] {
        [
            (
                #"{\#(header("ledger.init")),"name":"Zorgkring","currency":{"code":"ZMT","name":"Zorgmunt","scale":2},"hour_rate":1000,"admin_key":{"public_key":"\#(keyHex)","label":"admin","role":"admin"},"nonce":"000102030405060708090a0b0c0d0e0f"}"#,
                .ledgerInit(
                    LedgerInit(
                        name: "Zorgkring", currency: Currency(code: "ZMT", name: "Zorgmunt", scale: 2), hourRate: 1000,
                        adminKey: KeySpec(publicKey: key.publicKey, label: "admin", role: .admin),
                        nonce: "000102030405060708090a0b0c0d0e0f"))
            ),
            (
                #"{\#(header("key.add")),"key":{"public_key":"\#(keyHex)","label":"jan","role":"member"}}"#,
                .keyAdd(KeyAdd(key: KeySpec(publicKey: key.publicKey, label: "jan", role: .member)))
            ),
            (
                #"{\#(header("key.revoke")),"key_id":"\#(keyID.hex)","reason":"lost phone"}"#,
                .keyRevoke(KeyRevoke(keyID: keyID, reason: "lost phone"))
            ),
            (
                #"{\#(header("key.revoke")),"key_id":"\#(keyID.hex)"}"#,
                .keyRevoke(KeyRevoke(keyID: keyID, reason: nil))
            ),
            (
                #"{\#(header("account.open")),"account":"vol:jan","account_kind":"member","name":"Jan","min_balance":0,"controllers":["\#(keyID.hex)"]}"#,
                .accountOpen(
                    AccountOpen(
                        account: try AccountID("vol:jan"), accountKind: .member, name: "Jan", minBalance: 0,
                        controllers: [keyID]))
            ),
            (
                #"{\#(header("account.update")),"account":"vol:jan","status":"frozen","min_balance":100,"controllers":["\#(keyID.hex)"],"name":"Jan P.","reason":"dispute"}"#,
                .accountUpdate(
                    AccountUpdate(
                        account: try AccountID("vol:jan"), status: .frozen, minBalance: 100, controllers: [keyID],
                        name: "Jan P.", reason: "dispute"))
            ),
            (
                #"{\#(header("category.set")),"category":"persoonlijke-verzorging","name":"Persoonlijke verzorging","hour_rate":2000}"#,
                .categorySet(
                    CategorySet(category: "persoonlijke-verzorging", name: "Persoonlijke verzorging", hourRate: 2000))
            ),
            (
                #"{\#(header("ledger.settings")),"claim_expiry_days":30,"demurrage":{"rate_ppm":5000,"period":"month","account":"org:z"}}"#,
                .ledgerSettings(
                    LedgerSettings(
                        claimExpiryDays: 30,
                        demurrage: Demurrage(ratePPM: 5000, period: .month, account: try AccountID("org:z"))))
            ),
            (
                #"{\#(header("claim")),"account":"vol:jan","issuer":"org:z","hours":"2","hour_rate":1000,"amount":2000,"category":"boodschappen","care_date":"2026-11-20","memo":"shopping"}"#,
                .claim(
                    Claim(
                        account: try AccountID("vol:jan"), issuer: try AccountID("org:z"), hours: "2", hourRate: 1000,
                        amount: 2000,
                        category: "boodschappen", careDate: "2026-11-20", memo: "shopping"))
            ),
            (
                #"{\#(header("claim.reject")),"claim":"c-1","reason":"twice"}"#,
                .claimReject(ClaimReject(claim: "c-1", reason: "twice"))
            ),
            (
                #"{\#(header("tx")),"purpose":"demurrage","postings":[{"account":"vol:jan","amount":-15},{"account":"org:z","amount":15}],"period":"2026-12-01"}"#,
                .transaction(
                    Transaction(
                        purpose: .demurrage,
                        postings: [
                            Posting(account: try AccountID("vol:jan"), amount: -15),
                            Posting(account: try AccountID("org:z"), amount: 15),
                        ],
                        period: "2026-12-01"))
            ),
            (
                #"{\#(header("tx")),"purpose":"credit","postings":[{"account":"org:z","amount":-1500},{"account":"vol:jan","amount":1500}],"memo":"care","hours":"1.5","hour_rate":1000}"#,
                .transaction(
                    Transaction(
                        purpose: .credit,
                        postings: [
                            Posting(account: try AccountID("org:z"), amount: -1500),
                            Posting(account: try AccountID("vol:jan"), amount: 1500),
                        ],
                        memo: "care", hours: "1.5", hourRate: 1000))
            ),
            (
                #"{\#(header("tx")),"purpose":"transfer","postings":[{"account":"vol:jan","amount":-1},{"account":"vol:piet","amount":1}]}"#,
                .transaction(
                    Transaction(
                        purpose: .transfer,
                        postings: [
                            Posting(account: try AccountID("vol:jan"), amount: -1),
                            Posting(account: try AccountID("vol:piet"), amount: 1),
                        ]))
            ),
        ]
    }

    func decodeError(_ json: String) -> String? {
        do {
            _ = try Payload.decode(Array(json.utf8))
            return nil
        } catch {
            guard case .invalidPayload(let why) = error else { return "wrong case \(error)" }
            return why
        }
    }

    @Test func decodesEveryKind() throws {
        var kinds = Set<EntryKind>()
        for (json, body) in try everyKind() {
            let payload = try Payload.decode(Array(json.utf8))
            #expect(payload == Payload(ledger: Self.ledger, id: "e-1", body: body), "\(json)")
            kinds.insert(payload.kind)
        }
        // `erase` and `credits` exist only in format v2 (PersonalDataTests, CreditBatchRulesTests).
        #expect(kinds == Set(EntryKind.allCases).subtracting([.erase, .credits]))
    }

    @Test func encodedRoundTripsAndIsCompactSorted() throws {
        for (_, body) in try everyKind() {
            let payload = Payload(ledger: Self.ledger, id: "e-1", body: body)
            #expect(try Payload.decode(payload.encoded()) == payload)
        }
        let revoke = Payload(ledger: Self.ledger, id: "e-1", body: .keyRevoke(KeyRevoke(keyID: keyID, reason: nil)))
        #expect(
            String(decoding: revoke.encoded(), as: UTF8.self)
                == #"{"id":"e-1","key_id":"\#(keyID.hex)","kind":"key.revoke","ledger":"\#(Self.ledger)","v":1}"#)
    }

    @Test func unknownFieldIsRefused() throws {
        let json = #"{\#(header("key.revoke")),"key_id":"\#(keyID.hex)","extra":1}"#
        #expect(decodeError(json) == #"field "extra": unknown field for this kind of entry"#)
        // A field of another kind is unknown too.
        let mixed = #"{\#(header("key.revoke")),"key_id":"\#(keyID.hex)","purpose":"credit"}"#
        #expect(decodeError(mixed) == #"field "purpose": unknown field for this kind of entry"#)
    }

    @Test(arguments: [0, 3, -1])
    func wrongVersionIsRefused(version: Int) {
        let json = #"{\#(header("key.revoke", v: version)),"key_id":"\#(keyID.hex)"}"#
        #expect(decodeError(json) == #"field "v": version \#(version) is not supported (expected 1 or 2)"#)
    }

    @Test(arguments: ["", "{", "not json", #"{"v" 1}"#, "\u{FF}\u{FE}"])
    func malformedJSONIsRefused(text: String) {
        #expect(decodeError(text) == "the payload is not a valid JSON object")
    }

    @Test(arguments: ["[]", "1", "null", #""text""#])
    func nonObjectIsRefused(text: String) {
        #expect(decodeError(text) != nil)
    }

    @Test func missingFieldNamesTheField() throws {
        #expect(decodeError(#"{"v":1,"ledger":"x","kind":"tx"}"#) == #"missing field "id""#)
        #expect(decodeError(#"{"ledger":"x","id":"e","kind":"tx"}"#) == #"missing field "v""#)
        #expect(decodeError(#"{\#(header("tx")),"purpose":"credit"}"#) == #"missing field "postings""#)
        #expect(
            decodeError(
                #"{\#(header("tx")),"purpose":"credit","postings":[{"account":"a:b","amount":1},{"account":"a:c"}]}"#)
                == #"missing field "postings[1].amount""#)
        #expect(
            decodeError(
                #"{\#(header("ledger.init")),"name":"Z","currency":{"code":"ZMT","name":"Z"},"hour_rate":1,"admin_key":{"public_key":"\#(keyHex)","label":"a","role":"admin"}}"#
            )
                == #"missing field "currency.scale""#)
    }

    @Test func wrongTypesNameTheField() throws {
        #expect(
            decodeError(#"{\#(header("tx")),"purpose":"credit","postings":[{"account":"a:b","amount":"12"}]}"#)
                == #"field "postings[0].amount" must be an integer"#)
        #expect(
            decodeError(
                #"{\#(header("account.open")),"account":"vol:jan","account_kind":"member","name":null,"min_balance":0,"controllers":[]}"#
            )
                == #"field "name" must be a string, not null"#)
        let badAccount = decodeError(
            #"{\#(header("tx")),"purpose":"credit","postings":[{"account":"Vol:Jan","amount":1}]}"#)
        #expect(
            badAccount?.hasPrefix(#"field "postings[0].account": account id "Vol:Jan""#) == true, "\(badAccount ?? "")")
        let badKind = decodeError(#"{\#(header("account.close"))}"#)
        #expect(badKind?.hasPrefix(#"field "kind""#) == true, "\(badKind ?? "")")
        let badKeyID = decodeError(#"{\#(header("key.revoke")),"key_id":"xyz"}"#)
        #expect(badKeyID?.hasPrefix(#"field "key_id""#) == true, "\(badKeyID ?? "")")
    }

    @Test func sizeLimit() throws {
        let json = #"{\#(header("key.revoke")),"key_id":"\#(keyID.hex)"}"#
        // Exactly at the limit (padded with JSON whitespace) is still parsed.
        let atLimit = Array(json.utf8) + [UInt8](repeating: 0x20, count: Payload.maxBytes - json.utf8.count)
        #expect(atLimit.count == Payload.maxBytes)
        #expect(try Payload.decode(atLimit).kind == .keyRevoke)
        #expect(throws: LedgerError.invalidPayload("payload is larger than 65536 bytes")) {
            try Payload.decode(atLimit + [0x20])
        }
    }
}
