import NoaberCore
import Testing

/// A `credits` payload's bytes are written by hand; they must be `JSONEncoder`'s to the byte, or a
/// file imported before would sign to other bytes and conflict instead of replaying.
@Suite("A credits payload's hand-written bytes equal JSONEncoder's")
struct CreditBatchJSONTests {
    /// Every ASCII character alone, the escapes JSON names, and text beyond ASCII.
    static let texts: [String] =
        (0..<0x80).map { String(UnicodeScalar(UInt8($0))) } + [
            "", "a\"b\\c/d", "é", "e\u{301}", "😀", "\u{2028}\u{2029}", "\u{FEFF}", "\u{7F}\u{80}\u{9F}",
            "Jan de Vries — 🧓 zorg", "\\u0000", "\u{10FFFF}",
        ]

    static func payload(_ text: String, _ index: Int) throws -> Payload {
        let optional = { (i: Int) in (index + i) % 3 == 0 ? nil : text }
        let credits = (0..<4).map { i in
            BatchCredit(
                id: "c-\(index)-\(i)" + text, account: (try? AccountID("vol:v\(i)")) ?? (try! AccountID("vol:x")),
                amount: [1, 1500, Int64.max, 42][i], hours: optional(i), hourRate: i % 2 == 0 ? nil : 1000 * Int64(i),
                category: optional(i + 1), careDate: optional(i + 2), memo: optional(i) ?? (i == 3 ? "" : nil))
        }
        return Payload(
            v: 2, ledger: "l" + text, id: "b" + text,
            body: .credits(CreditBatch(issuer: try AccountID("org:o001"), credits: credits)))
    }

    @Test func everyTextAndEveryAbsentField() throws {
        for (index, text) in Self.texts.enumerated() {
            let payload = try Self.payload(text, index)
            #expect(payload.encoded() == payload.encodedByFoundation(), "\(text.debugDescription)")
        }
    }

    @Test func aThousandCredits() throws {
        let credits = try (0..<1000).map {
            BatchCredit(
                id: "imp-\($0)", account: try AccountID("vol:v\($0 % 200)"), amount: Int64($0 + 1), hours: "0.25",
                hourRate: 1000, careDate: "2026-11-01", memo: String(repeating: "a", count: 64))
        }
        let payload = Payload(
            v: 2, ledger: "ledger", id: "impb-1",
            body: .credits(CreditBatch(issuer: try AccountID("org:o"), credits: credits)))
        #expect(payload.encoded() == payload.encodedByFoundation())
    }
}
