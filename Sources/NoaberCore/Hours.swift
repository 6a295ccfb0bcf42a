/// Hours of care in hundredths (1.5 hours is 150), so that hours × rate stays in integers.
package struct Hours: Hashable, Comparable, Sendable, CustomStringConvertible {
    package static let maxHundredths: Int64 = 100_000 * 100

    package let hundredths: Int64

    /// Parses `"1.5"`, `"0.25"` or `"3"`: positive, at most two decimals, at most 100000 hours.
    package init(_ text: String) throws(LedgerError) {
        let value: Int64
        do { value = try Money.parse(text, scale: 2) } catch {
            throw .invalidHours("\"\(text)\" must be a positive number of hours with at most two decimals, like 1.5")
        }
        guard value > 0 else { throw .invalidHours("\"\(text)\" must be more than zero") }
        guard value <= Self.maxHundredths else { throw .invalidHours("\"\(text)\" is more than 100000 hours") }
        hundredths = value
    }

    /// The canonical text: `1.5` for 150, `2` for 200.
    /// Hours as written, with the noun they take: "1 hour", "2.5 hours".
    package static func phrase(_ text: String) -> String { "\(text) \(text == "1" ? "hour" : "hours")" }
    package var phrase: String { Self.phrase(description) }

    package var description: String {
        // From the digits, not by trimming a formatted amount: an import writes this for every line.
        let whole = String(hundredths / 100)
        let fraction = hundredths % 100
        if fraction == 0 { return whole }
        if fraction % 10 == 0 { return whole + "." + String(fraction / 10) }
        return whole + (fraction < 10 ? ".0" : ".") + String(fraction)
    }

    /// hours × rate in minor units; refused when the product is not a whole number of minor units.
    package func amount(atRate rate: Int64) throws(LedgerError) -> Int64 {
        let (product, overflow) = hundredths.multipliedReportingOverflow(by: rate)
        guard !overflow else { throw .invalidHours("\(self) hours at this rate overflow a 64-bit amount") }
        guard product % 100 == 0 else {
            throw .invalidHours("\(self) hours at this rate is not a whole number of minor units")
        }
        return product / 100
    }

    package static func < (a: Self, b: Self) -> Bool { a.hundredths < b.hundredths }
}
