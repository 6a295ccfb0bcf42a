import Foundation
import NoaberCore
import Testing

/// The lines of an export hold their fields and nothing else, each once, never `null`, integers
/// written plainly (docs/FORMAT.md §13), checked in one pass against a shape.
@Suite("JSON shapes")
struct JSONShapeTests {
    static let shape = JSONShape.object([
        "seq": .integer, "id": .string, "postings": .array(.object(["account": .string, "amount": .integer])),
    ])
    static let good =
        #"{"id":"e1","postings":[{"account":"vol:a","amount":-500},{"account":"vol:b","amount":500}],"seq":7}"#

    static func difference(_ text: String) -> String? {
        StrictJSON.difference(Array(text.utf8), shape: shape, subject: "a test line")
    }

    @Test func theWellFormedLinePasses() {
        #expect(Self.difference(Self.good) == nil)
        #expect(
            Self.difference(#"{ "seq" : 0, "postings" : [ ] }"#) == nil,
            "spacing is free; absent fields are the decoder's")
        #expect(Self.difference(#"{"\u0069d":"e1"}"#) == nil, "an escaped key is the same key")
    }

    @Test(arguments: [
        (#""seq":7"#, #""seq":7,"colour":"blue""#, "field \"colour\" is not part of a test line"),
        (#""seq":7"#, #""seq":7,"seq":8"#, "field \"seq\" appears twice"),
        (#""id":"e1""#, #""id":"e1","\u0069d":"e2""#, "field \"id\" appears twice"),
        (#""seq":7"#, #""seq":null"#, "field \"seq\" is null; omit it instead"),
        (#""seq":7"#, #""seq":"7""#, "field \"seq\" must be a plain integer like 1500"),
        (#""seq":7"#, #""seq":07"#, "field \"seq\" must be a plain integer like 1500"),
        (#""amount":500"#, #""amount":-0"#, "field \"postings[1].amount\" must be a plain integer like 1500"),
        (#""amount":500"#, #""amount":500,"idx":1"#, "field \"postings[1].idx\" is not part of a test line"),
        (#""id":"e1""#, #""id":1"#, "field \"id\" is not a string"),
        (#""postings":["#, #""postings":{"a":["#, "field \"postings\" is not an array"),
    ])
    func everyOtherFormIsNamed(_ replace: String, _ with: String, _ message: String) {
        let line = Self.good.replacingOccurrences(of: replace, with: with)
        #expect(line != Self.good)
        #expect(Self.difference(line) == message, "\(line)")
    }

    @Test func trailingBytesAndBrokenJSONAreRefused() {
        #expect(Self.difference(Self.good + "x") == "trailing bytes after the JSON object")
        #expect(Self.difference(#"{"id":"e1"#) != nil)
        #expect(Self.difference(#"{"id":"e\q"}"#) != nil)
    }

    /// Found by the fuzzer: the one-pass check skipped strings without looking at what they hold.
    @Test(arguments: [#""id":"e\ud800""#, #""id":"\udc00""#, "\"id\":\"e\u{01}\"", #""id":"\u00zz""#])
    func stringsAreCheckedInFull(_ with: String) {
        #expect(Self.difference(Self.good.replacingOccurrences(of: #""id":"e1""#, with: with)) != nil, "\(with)")
    }

    @Test func aLineThatIsNotUTF8IsRefused() {
        let bytes = Array(Self.good.utf8).map { $0 == UInt8(ascii: "1") ? 0xFF : $0 }
        #expect(StrictJSON.difference(bytes, shape: Self.shape, subject: "a test line") == "the line is not UTF-8")
    }
}
