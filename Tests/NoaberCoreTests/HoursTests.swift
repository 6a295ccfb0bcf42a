import NoaberCore
import Testing

@Suite("Hours")
struct HoursTests {
    @Test(
        arguments: [
            ("1.5", 150), ("0.25", 25), ("3", 300), ("0.01", 1), ("100000", 10_000_000), ("100000.00", 10_000_000),
        ] as [(String, Int64)])
    func parses(text: String, hundredths: Int64) throws {
        #expect(try Hours(text).hundredths == hundredths)
    }

    @Test(
        arguments: [(150, "1.5"), (200, "2"), (25, "0.25"), (10, "0.1"), (1, "0.01"), (10_000_000, "100000")]
            as [(Int64, String)])
    func canonicalText(hundredths: Int64, text: String) throws {
        let hours = try Hours(Money.format(hundredths, scale: 2))
        #expect(hours.description == text)
    }

    /// Every amount of hours up to 1,000, and the largest: the text is the amount written with two
    /// decimals, its trailing zeros (and then its point) dropped, and it reads back the same.
    @Test func canonicalTextOfEveryHundredth() throws {
        for hundredths in Array(1...100_000) + [Hours.maxHundredths - 1, Hours.maxHundredths] {
            var expected = Money.format(hundredths, scale: 2)
            while expected.hasSuffix("0") { expected.removeLast() }
            if expected.hasSuffix(".") { expected.removeLast() }
            let hours = try Hours(expected)
            #expect(hours.hundredths == hundredths)
            #expect(hours.description == expected)
        }
    }

    @Test func refusesZeroAndTooMany() {
        for text in ["0", "0.00"] {
            #expect(throws: LedgerError.invalidHours("\"\(text)\" must be more than zero")) { try Hours(text) }
        }
        #expect(throws: LedgerError.invalidHours("\"100000.01\" is more than 100000 hours")) { try Hours("100000.01") }
    }

    @Test(arguments: ["-1", "-0.5", "1.234", "0.001", "", "1.", "one", "1e2", " 1", "99999999999999999999"])
    func refusesMalformed(text: String) {
        #expect(
            throws: LedgerError.invalidHours(
                "\"\(text)\" must be a positive number of hours with at most two decimals, like 1.5")
        ) {
            try Hours(text)
        }
    }

    @Test(
        arguments: [
            ("1.5", 1000, 1500), ("0.25", 1000, 250), ("0.01", 100, 1), ("2", 1, 2), ("1.5", 2, 3),
            ("100000", 1000, 100_000_000),
        ] as [(String, Int64, Int64)])
    func amountAtRateIsExact(text: String, rate: Int64, amount: Int64) throws {
        #expect(try Hours(text).amount(atRate: rate) == amount)
    }

    @Test func amountThatIsNotWholeMinorUnitsIsRefused() throws {
        #expect(throws: LedgerError.invalidHours("1.5 hours at this rate is not a whole number of minor units")) {
            try Hours("1.5").amount(atRate: 1)
        }
        #expect(throws: LedgerError.invalidHours("0.01 hours at this rate is not a whole number of minor units")) {
            try Hours("0.01").amount(atRate: 150)
        }
    }

    @Test func amountOverflowIsRefused() throws {
        #expect(throws: LedgerError.invalidHours("100000 hours at this rate overflow a 64-bit amount")) {
            try Hours("100000").amount(atRate: .max / 1_000_000)
        }
        // Just below the edge: 100000 hours × rate still fits in the intermediate hundredths product.
        #expect(try Hours("100000").amount(atRate: .max / 10_000_000) == (.max / 10_000_000) * 100_000)
    }

    @Test func ordersByQuantity() throws {
        #expect(try Hours("0.5") < Hours("1.25"))
        #expect(try Hours("1.50") == Hours("1.5"))
    }
}
