import Foundation
import NoaberCore
import NoaberTestSupport
import Testing

/// A `credits` payload is read the short way (`Payload.decodedCredits`) only when it is exactly as
/// Noaber writes one; whatever it accepts, the generic decoder accepts as the same payload, and
/// every other payload, a faulty one included, is judged and named by the generic decoder.
@Suite("A credits payload read the short way reads as the generic decoder reads it")
struct CreditBatchDecodingTests {
    /// docs/FORMAT.md §17's worked example, as the fuzz corpus holds it.
    static let example =
        #"{"credits":[{"account":"vol:jan-peeters","amount":2500,"care_date":"2026-11-03","hour_rate":1000,"hours":"2.5","id":"example-c1","memo":"e27b75b20e205ec11dd4fd46ccdae01f9389fcdc48b1c561ff0fcc6dc24bb72a"},{"account":"vol:piet","amount":1000,"id":"example-c2"}],"id":"example-batch","issuer":"org:zorgkring","kind":"credits","ledger":"cbb3d7f2b5a96de2ef752306a3af07b9","v":2}"#

    /// Both ways' outcome: the payload, or the refusal's message.
    static func outcomes(
        _ text: String
    ) -> (short: Payload?, decoded: Result<Payload, LedgerError>, general: Result<Payload, LedgerError>) {
        let bytes = Array(text.utf8)
        let short = (try? StrictJSON.parse(bytes)).flatMap(Payload.decodedCredits)
        return (
            short, Result { () throws(LedgerError) in try Payload.decode(bytes) },
            Result { () throws(LedgerError) in try Payload.decodeGenerally(bytes) }
        )
    }

    @Test func theWorkedExampleTakesTheShortWay() throws {
        let (short, decoded, general) = Self.outcomes(Self.example)
        let payload = try #require(short)
        #expect(try general.get() == payload)
        #expect(try decoded.get() == payload)
        #expect(payload.encoded() == Array(Self.example.utf8))
    }

    /// Each change makes the payload one the short way does not read (or, a memo that is no
    /// commitment, refused after it as by the generic way); the generic decoder's verdict,
    /// acceptance or refusal with its message, is `decode`'s.
    static let changes: [(String, String)] = [
        (#""amount":2500"#, #""amount":2500.0"#), (#""amount":2500"#, #""amount":2.5e3"#),
        (#""amount":1000"#, #""amount":-0"#), (#""amount":1000"#, #""amount":"1000""#),
        (#""hour_rate":1000"#, #""hour_rate":null"#), (#""hours":"2.5""#, #""hours":2.5"#),
        (#""v":2"#, #""v":1"#), (#""v":2"#, #""v":2.0"#), (#""kind":"credits""#, #""kind":"tx""#),
        (#","id":"example-c2""#, ""), (#""id":"example-c2""#, #""id":"example-c2","extra":1"#),
        (#""issuer":"org:zorgkring""#, #""issuer":"org:zorgkring","memo":"x""#),
        (#""account":"vol:piet""#, #""account":"Piet Jansen""#), (#""issuer":"org:zorgkring""#, #""issuer":"""#),
        (#""credits":[{"#, #""credits":[7,{"#), (#""care_date":"2026-11-03""#, #""care_date":null"#),
        (#""memo":"e27b"#, #""memo":"zz7b"#),
    ]

    @Test(arguments: changes)
    func anythingElseGoesTheGenericWay(change: (String, String)) {
        #expect(Self.example.contains(change.0))
        let (short, decoded, general) = Self.outcomes(Self.example.replacingOccurrences(of: change.0, with: change.1))
        #expect(short == nil || change.0.hasPrefix(#""memo""#), "\(change)")
        switch (decoded, general) {
        case (.success(let a), .success(let b)): #expect(a == b, "\(change)")
        case (.failure(let a), .failure(let b)): #expect(a == b, "\(change)")
        default: Issue.record("\(change): decode \(decoded), the generic decoder \(general)")
        }
    }

    /// The one-pass reader (`Payload.scannedCredits`) takes the example and every change above the
    /// way the short way does: the example as the generic decoder reads it, none of the changes.
    @Test func theOnePassReaderReadsTheExampleAndNoneOfTheChanges() throws {
        let bytes = Array(Self.example.utf8)
        #expect(try Payload.scannedCredits(bytes) == Payload.decodeGenerally(bytes))
        for change in Self.changes {
            #expect(
                Payload.scannedCredits(Array(Self.example.replacingOccurrences(of: change.0, with: change.1).utf8))
                    == nil, "\(change)")
        }
    }

    /// Spellings the one pass leaves to the tree way, though they mean the example: the bytes
    /// must be the canonical ones.
    @Test(arguments: [
        (#""v":2}"#, #""v":2 }"#), (#"{"credits""#, #"{ "credits""#), (#""kind":"credits""#, #""kind":"cr\u0065dits""#),
        (#""id":"example-batch","issuer":"org:zorgkring""#, #""issuer":"org:zorgkring","id":"example-batch""#),
        (#""v":2}"#, #""v":2,"v":2}"#), (#""amount":1000,"id":"example-c2""#, #""id":"example-c2","amount":1000"#),
        (#""id":"example-c2""#, #""id":"example-c2","id":"example-c2""#),
    ])
    func anotherSpellingGoesTheTreeWay(change: (String, String)) {
        #expect(Self.example.contains(change.0))
        let bytes = Array(Self.example.replacingOccurrences(of: change.0, with: change.1).utf8)
        #expect(Payload.scannedCredits(bytes) == nil, "\(change)")
        switch (
            Result { () throws(LedgerError) in try Payload.decode(bytes) },
            Result { () throws(LedgerError) in try Payload.decodeGenerally(bytes) }
        ) {
        case (.success(let a), .success(let b)): #expect(a == b, "\(change)")
        case (.failure(let a), .failure(let b)): #expect(a == b, "\(change)")
        case (let a, let b): Issue.record("\(change): decode \(a), the generic decoder \(b)")
        }
    }

    /// Batches as the CLI writes them, their texts holding what JSON escapes, read in one pass as
    /// the generic decoder reads them.
    @Test func batchesAsWrittenAreReadInOnePassAsTheGenericDecoderReadsThem() throws {
        let texts = ["", "a\"b\\c/d", "é", "e\u{301}", "😀", "tab\there", "\u{1F}", "Jan de Vries — 🧓 zorg"]
        var rng = SplitMix64(seed: 0xC4ED_175)
        for round in 0..<100 {
            let credits = (0..<Int.random(in: 1...20, using: &rng)).map { index in
                BatchCredit(
                    id: "c-\(round)-\(index)\(texts.randomElement(using: &rng)!)", account: try! AccountID("vol:0042"),
                    amount: Int64.random(in: Int64.min...Int64.max, using: &rng),
                    hours: Bool.random(using: &rng) ? texts.randomElement(using: &rng)! : nil,
                    hourRate: Bool.random(using: &rng) ? Int64.random(in: -5...5000, using: &rng) : nil,
                    category: Bool.random(using: &rng) ? texts.randomElement(using: &rng)! : nil,
                    careDate: Bool.random(using: &rng) ? "2026-11-03" : nil,
                    memo: Bool.random(using: &rng) ? String(repeating: "ab", count: 32) : nil)
            }
            let payload = Payload(
                v: 2, ledger: "l" + texts.randomElement(using: &rng)!, id: "b-\(round)",
                body: .credits(CreditBatch(issuer: try AccountID("org:zorg"), credits: credits)))
            let bytes = payload.encoded()
            let scanned = try #require(Payload.scannedCredits(bytes), "round \(round)")
            #expect(scanned == payload && scanned.encoded() == bytes)
            #expect(try Payload.decodeGenerally(bytes).encoded() == bytes)
        }
    }
}
