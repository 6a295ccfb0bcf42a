import NoaberCore
import Testing

@Suite("Money parse and format")
struct MoneyTests {
    @Test(
        arguments: [
            ("0", 0, 0), ("7", 0, 7), ("12.50", 2, 1250), ("12.5", 2, 1250), ("12", 2, 1200), ("0.01", 2, 1),
            ("0.1", 1, 1), ("12.345", 3, 12345), ("1.2345", 4, 12345), ("0.00001", 5, 1), ("3.000000", 6, 3_000_000),
            ("0.0000001", 7, 1), ("1.23456789", 8, 123_456_789), ("0.00000001", 8, 1),
        ] as [(String, Int, Int64)])
    func parsesAtEveryScale(text: String, scale: Int, expected: Int64) throws {
        #expect(try Money.parse(text, scale: scale) == expected)
    }

    @Test func negativeOnlyWhenAllowed() throws {
        #expect(try Money.parse("-3.00", scale: 2, allowNegative: true) == -300)
        #expect(try Money.parse("-0.01", scale: 2, allowNegative: true) == -1)
        #expect(throws: LedgerError.invalidAmount("\"-3.00\" is negative; give a positive amount")) {
            try Money.parse("-3.00", scale: 2)
        }
    }

    @Test(arguments: [("0.001", 2, 3), ("12.50", 1, 2), ("1.0", 0, 1), ("0.000000001", 8, 9)] as [(String, Int, Int)])
    func tooManyDecimalsIsAnErrorNotARounding(text: String, scale: Int, decimals: Int) {
        let counted = decimals == 1 ? "1 decimal" : "\(decimals) decimals"
        #expect(throws: LedgerError.invalidAmount("\"\(text)\" has \(counted); this currency has \(scale)")) {
            try Money.parse(text, scale: scale)
        }
    }

    @Test func int64Limits() throws {
        #expect(try Money.parse("9223372036854775807", scale: 0) == .max)
        #expect(try Money.parse("92233720368547758.07", scale: 2) == .max)
        #expect(try Money.parse("92233720368.54775807", scale: 8) == .max)
        #expect(try Money.parse("-92233720368547758.07", scale: 2, allowNegative: true) == -.max)
        for text in ["9223372036854775808", "92233720368547758.08", "99999999999999999999", "92233720368.54775808"] {
            let scale = text.contains(".") ? text.split(separator: ".")[1].count : 0
            #expect(throws: LedgerError.invalidAmount("\"\(text)\" is too large"), "\(text)") {
                try Money.parse(text, scale: scale)
            }
        }
        // Int64.min has no positive counterpart, so it is not representable as text to parse.
        #expect(throws: LedgerError.invalidAmount("\"-92233720368547758.08\" is too large")) {
            try Money.parse("-92233720368547758.08", scale: 2, allowNegative: true)
        }
    }

    @Test(arguments: [
        "", ".", "1.", ".5", "1e3", "+1", " 1", "1 ", "-", "--1", "-.5", "1.-5", "1.2.3", "1,5", "0x10", "١", "１",
        "12.5a", "a",
    ])
    func garbageIsRefused(text: String) {
        #expect(throws: LedgerError.invalidAmount("\"\(text)\" is not a decimal number like 12.50")) {
            try Money.parse(text, scale: 2, allowNegative: true)
        }
    }

    @Test(
        arguments: [
            (1250, 2, "12.50"), (-1250, 2, "-12.50"), (5, 2, "0.05"), (-5, 2, "-0.05"), (0, 2, "0.00"), (7, 0, "7"),
            (-7, 0, "-7"), (0, 0, "0"), (1, 8, "0.00000001"), (123_456_789, 8, "1.23456789"), (100, 1, "10.0"),
            (.max, 2, "92233720368547758.07"), (.min, 2, "-92233720368547758.08"), (.max, 0, "9223372036854775807"),
            (.min, 0, "-9223372036854775808"), (.min, 8, "-92233720368.54775808"),
        ] as [(Int64, Int, String)])
    func formats(minor: Int64, scale: Int, expected: String) {
        #expect(Money.format(minor, scale: scale) == expected)
    }

    @Test(arguments: 0...Money.maxScale)
    func roundTripsAtScale(scale: Int) throws {
        for value: Int64 in [0, 1, -1, 9, 10, 99, 1250, -1250, 1_000_000_007, .max, -.max] {
            let text = Money.format(value, scale: scale)
            #expect(try Money.parse(text, scale: scale, allowNegative: true) == value, "\(text)")
        }
    }

    @Test func addReportsOverflowWithWhatOverflowed() throws {
        #expect(try Money.add(.max - 1, 1, "x") == .max)
        #expect(try Money.add(.min, 1, "x") == .min + 1)
        #expect(throws: LedgerError.invalidAmount("the total overflows a 64-bit amount")) {
            try Money.add(.max, 1, "the total")
        }
        #expect(throws: LedgerError.invalidAmount("the total overflows a 64-bit amount")) {
            try Money.add(.min, -1, "the total")
        }
    }

    @Test func pow10() {
        #expect(
            (0...18).map { Money.pow10($0).description } == (0...18).map { "1" + String(repeating: "0", count: $0) })
    }
}
