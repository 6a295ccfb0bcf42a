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

    /// The one-pass reader takes every canonical payload, to the value the tree way reads; and
    /// for every other spelling, twin, unknown or null member, wrong type or broken JSON it
    /// either declines (nil) or reads what the tree way reads: never accepts what it refuses.
    @Test func theOnePassReaderDecidesAsTheTreeWay() throws {
        var taken = 0
        for (index, text) in CreditBatchJSONTests.texts.enumerated() {
            let payload = try Self.payload(text, index)
            let bytes = payload.encodedByFoundation()
            let scanned = Payload.scannedTransaction(bytes)
            #expect(scanned == (try? Payload.decodeGenerally(bytes)), "\(text.debugDescription)")
            if scanned != nil { taken += 1 }
        }
        #expect(taken > 0)
        let canonical = String(decoding: try Self.payload("memo", 2).encodedByFoundation(), as: UTF8.self)
        let edits: [(String, String)] = [
            (",", " , "),
            (#""v":1}"#, #""v":1,"x":"y"}"#),
            (#""v":1}"#, #""v":1,"v":1}"#),
            (#""v":1}"#, #""v":1,"memo":null}"#),
            (#""v":1}"#, #""v":1.0}"#),
            (#""v":1}"#, #""v":3}"#),
            (#""v":1}"#, #""v":"1"}"#),
            (#""v":1}"#, #""v":1} "#),
            (#""v":1}"#, #""v":1}x"#),
            (#""v":1}"#, #""v":1"#),
            (#""vol:v0""#, #""vol:V 0""#),
            (#""vol:v0""#, #""vol:v\u0030""#),
            (#""amount":"#, #""amount":1,"amount":"#),
            (#""amount":"#, #""extra":1,"amount":"#),
            (#""purpose":"#, #""purpose":"gift","p":"#),
            (#""kind":"tx""#, #""kind":"credits""#),
            (#""memo":"memo""#, #""memo":"m\ud800""#),
            (#""memo":"memo""#, "\"memo\":\"m\u{01}\""),
            (#""memo":"memo""#, #""memo":"m\/""#),
        ]
        let variants = [canonical] + edits.map { canonical.replacingOccurrences(of: $0.0, with: $0.1) }
        for text in variants {
            let bytes = Array(text.utf8)
            let general = try? Payload.decodeGenerally(bytes)
            if let scanned = Payload.scannedTransaction(bytes) { #expect(scanned == general, "\(text)") }
            #expect((try? Payload.decode(bytes)) == general, "\(text)")
        }
        #expect(Payload.scannedTransaction(Array(variants[0].utf8)) != nil)
        #expect(Payload.scannedTransaction(Array(variants[1].utf8)) == nil)
        #expect(Payload.scannedTransaction([0x7B, 0xFF, 0x7D]) == nil)
    }
}
