import Foundation
import NoaberCore
import Testing

/// A payload must mean the same to every JSON reader (docs/FORMAT.md §2).
@Suite("Payload JSON strictness")
struct StrictJSONTests {
    static let ledger = "00112233445566778899aabbccddeeff"
    static let good =
        #"{"id":"e1","kind":"tx","ledger":"00112233445566778899aabbccddeeff","postings":[{"account":"vol:a","amount":-500},{"account":"vol:b","amount":500}],"purpose":"transfer","v":1}"#

    @Test func theWellFormedPayloadDecodes() throws {
        let payload = try Payload.decode(Array(Self.good.utf8))
        #expect(payload.id == "e1")
        // Whitespace and key order are the signer's choice.
        let spaced =
            #"{ "v": 1, "purpose": "transfer", "postings": [ {"amount": -500, "account": "vol:a"}, {"account": "vol:b", "amount": 500} ], "ledger": "00112233445566778899aabbccddeeff", "kind": "tx", "id": "e1" }"#
        #expect(try Payload.decode(Array(spaced.utf8)) == payload)
        // Escapes that decode to the same text are the same value.
        #expect(
            try Payload.decode(Array(Self.good.replacingOccurrences(of: #""e1""#, with: #""\u0065\u0031""#).utf8))
                == payload)
    }

    @Test(arguments: [
        (#""amount":-500"#, #""amount":-500,"amount":-900"#, "appears twice"),
        (#""id":"e1""#, #""id":"e1","\u0069d":"e2""#, "appears twice"),
        (#""amount":-500"#, #""amount":-500,"note":1"#, "postings[0].note"),
        (#""amount":500"#, #""amount":5e2"#, "plain integer"),
        (#""amount":500"#, #""amount":500.0"#, "plain integer"),
        (#""amount":-500"#, #""amount":-0500"#, ""),
        (#""v":1"#, #""v":1,"memo":null"#, "is null"),
        (#""v":1"#, #""v":1,"memo":"\ud800""#, ""),
    ])
    func ambiguousPayloadsAreRefused(_ original: String, _ replacement: String, _ complaint: String) throws {
        let text = Self.good.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.good)
        do {
            _ = try Payload.decode(Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            guard case .invalidPayload(let message) = error else {
                Issue.record("\(error) is not invalid_payload")
                return
            }
            #expect(complaint.isEmpty || message.contains(complaint), "\(message)")
        }
    }

    @Test func negativeZeroIsNotAPlainInteger() throws {
        let text = Self.good.replacingOccurrences(of: #""v":1"#, with: #""v":1,"memo":"x""#)
            .replacingOccurrences(of: #""amount":-500"#, with: #""amount":-0"#)
        #expect(throws: LedgerError.self) { try Payload.decode(Array(text.utf8)) }
    }

    @Test func deepNestingIsRefusedWithoutCrashing() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: LedgerError.self) { try Payload.decode(Array(deep.utf8)) }
    }

    /// Found by the fuzzer (Tests/Fixtures/fuzz/strict-json): StrictJSON itself read these, which
    /// are not JSON or which readers disagree on, as values (a number, a string without the lone
    /// surrogate or with a raw control character).
    @Test(arguments: [
        "\u{0F}", "tru", "1.", "-", "+1", "0x10", "01", #"["a\#u{01}"]"#, #"["\ud800x"]"#, #"["\ud800\u0041"]"#,
        #"["\udc00"]"#, #"["\u+041"]"#,
    ])
    func strictJSONRefusesWhatIsNotIJSON(_ text: String) {
        #expect(StrictJSON.difference(Array(text.utf8), from: Array(text.utf8), subject: "x") != nil, "\(text)")
    }

    @Test func bytesThatAreNotUTF8AreRefused() {
        let bytes: [UInt8] = [0x5B, 0x22, 0xFF, 0x22, 0x5D]
        #expect(StrictJSON.difference(bytes, from: bytes, subject: "x") != nil)
        let pair = Array(#"["\ud83d\ude00", 1.5e3, -0.25]"#.utf8)
        #expect(StrictJSON.difference(pair, from: pair, subject: "x") == nil, "a surrogate pair and JSON's numbers")
    }
}
