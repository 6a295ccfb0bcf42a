import Foundation
import NoaberClient
import NoaberCore
import Testing

/// A batch is closed before its payload passes `CreditBatch.maxBytes`; the bytes of each credit are
/// counted, not encoded, and the count must never fall short of what the encoder writes.
@Suite("An import batch counts its credits' bytes")
struct ImportBatchSizeTests {
    static func encoded(_ element: BatchCredit) throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(element).count
    }

    @Test(arguments: ["", "bezoek 12", "a\"b\\c/d\n\t\u{1}", "Jan de Vries — 🧓 zorg", "é\u{301}"])
    func theCountIsTheEncodersOrMore(text: String) throws {
        let full = BatchCredit(
            id: "imp-0123456789abcdef", account: try AccountID("vol:v0001"), amount: 1500, hours: "1.5",
            hourRate: 1000, category: "huishouden", careDate: "2026-11-03", memo: text)
        let bare = BatchCredit(id: "imp-1", account: try AccountID("vol:v2"), amount: Int64.max)
        for element in [full, bare] {
            let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }
            let size = ImportBatch.encodedSize(element)
            #expect(plain ? size == (try Self.encoded(element)) : size >= (try Self.encoded(element)))
        }
        // With the memo's commitment in its place, as the batch is signed.
        var committed = full
        committed.memo = String(repeating: "e", count: 64)
        #expect(ImportBatch.encodedSize(full, committed: true) == (try Self.encoded(committed)))
    }
}
