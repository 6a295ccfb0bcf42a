import Foundation
import NoaberCore
import Testing

/// `Payload.decode` takes a `tx` payload equal to its hand-written bytes as canonical without
/// comparing trees; those bytes must be `JSONEncoder`'s, and the payload decoded either way the same.
@Suite("A tx payload's hand-written bytes equal JSONEncoder's")
struct TransactionJSONTests {
    static func payload(_ text: String, _ index: Int) throws -> Payload {
        let optional = { (i: Int) in (index + i) % 3 == 0 ? nil : text }
        let numbers: [Int64] = [1, -1, 1500, Int64.max, Int64.min, 0, 42]
        let postings = try (0..<(2 + index % 3)).map { i in
            Posting(account: try AccountID("vol:v\(i)"), amount: numbers[(index + i) % numbers.count])
        }
        let tx = Transaction(
            purpose: Purpose.allCases[index % Purpose.allCases.count], postings: postings, memo: optional(0),
            hours: optional(1), hourRate: index % 2 == 0 ? nil : numbers[index % numbers.count], category: optional(2),
            careDate: optional(3), claim: optional(4), reverses: optional(5), reason: optional(6), period: optional(7))
        return Payload(v: 1 + index % 2, ledger: "l" + text, id: "t" + text, body: .transaction(tx))
    }

    @Test func everyTextAndEveryAbsentField() throws {
        for (index, text) in CreditBatchJSONTests.texts.enumerated() {
            let payload = try Self.payload(text, index)
            guard case .transaction(let tx) = payload.body else { continue }
            #expect(payload.encodedTransaction(tx) == payload.encodedByFoundation(), "\(text.debugDescription)")
        }
    }

    /// A payload the CLI signs is read back to the same value, by the byte comparison.
    @Test func canonicalBytesDecodeToTheSamePayload() throws {
        var read = 0
        for index in 0..<24 {
            let payload = try Self.payload("memo \(index)", index)
            guard let decoded = try? Payload.decode(payload.encodedByFoundation()) else { continue }
            #expect(decoded == payload)
            read += 1
        }
        #expect(read > 0)
    }

    /// The canonical bytes are read by hand; the same payload spelt otherwise (keys in another
    /// order, spaces) is read the `Codable` way to the same value, and what that way refuses (a
    /// field no transaction has, a bad account, an integer written otherwise) is still refused.
    @Test func otherSpellingsAreReadOrRefusedAsBefore() throws {
        let payload = try Self.payload("memo", 2)
        let canonical = String(decoding: payload.encodedByFoundation(), as: UTF8.self)
        #expect(try Payload.decode(Array(canonical.utf8)) == payload)
        let spaced = canonical.replacingOccurrences(of: ",", with: " , ")
        #expect(try Payload.decode(Array(spaced.utf8)) == payload)
        let refused = [
            canonical.replacingOccurrences(of: #""v":1}"#, with: #""v":1,"x":"y"}"#),
            canonical.replacingOccurrences(of: #""vol:v0""#, with: #""vol:V 0""#),
            canonical.replacingOccurrences(of: #""v":1}"#, with: #""v":1.0}"#),
            canonical.replacingOccurrences(of: #""v":1}"#, with: #""v":3}"#),
            canonical.replacingOccurrences(of: #""purpose":"#, with: #""purpose":"gift","p":"#),
        ]
        for text in refused {
            #expect(text != canonical)
            #expect(throws: LedgerError.self, "\(text)") { try Payload.decode(Array(text.utf8)) }
        }
    }
}
