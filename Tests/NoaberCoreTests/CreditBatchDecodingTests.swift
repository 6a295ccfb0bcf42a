import Foundation
import NoaberCore
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
    @Test(arguments: [
        (#""amount":2500"#, #""amount":2500.0"#), (#""amount":2500"#, #""amount":2.5e3"#),
        (#""amount":1000"#, #""amount":-0"#), (#""amount":1000"#, #""amount":"1000""#),
        (#""hour_rate":1000"#, #""hour_rate":null"#), (#""hours":"2.5""#, #""hours":2.5"#),
        (#""v":2"#, #""v":1"#), (#""v":2"#, #""v":2.0"#), (#""kind":"credits""#, #""kind":"tx""#),
        (#","id":"example-c2""#, ""), (#""id":"example-c2""#, #""id":"example-c2","extra":1"#),
        (#""issuer":"org:zorgkring""#, #""issuer":"org:zorgkring","memo":"x""#),
        (#""account":"vol:piet""#, #""account":"Piet Jansen""#), (#""issuer":"org:zorgkring""#, #""issuer":"""#),
        (#""credits":[{"#, #""credits":[7,{"#), (#""care_date":"2026-11-03""#, #""care_date":null"#),
        (#""memo":"e27b"#, #""memo":"zz7b"#),
    ])
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
}
