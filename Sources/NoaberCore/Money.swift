/// Amounts are `Int64` minor units; these helpers convert to and from decimal text without floating point.
package enum Money {
    /// The largest scale a currency may have, so that 10^scale fits comfortably in Int64.
    package static let maxScale = 8

    /// Parses `"12.50"` into minor units at `scale`. More decimals than the scale is an error, never a rounding.
    package static func parse(_ text: String, scale: Int, allowNegative: Bool = false) throws(LedgerError) -> Int64 {
        precondition((0...maxScale).contains(scale))
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" {
            guard allowNegative else { throw .invalidAmount("\"\(text)\" is negative; give a positive amount") }
            negative = true
            digits = digits.dropFirst()
        }
        // Bytes, not Characters: "2\u{301}" is one Character that Swift counts as a digit. Read in
        // place, without arrays: hours are parsed for every credit a writer judges.
        let bytes = digits.utf8
        let dot = bytes.firstIndex(of: UInt8(ascii: "."))
        let whole = bytes[..<(dot ?? bytes.endIndex)]
        let fraction = dot.map { bytes[bytes.index(after: $0)...] } ?? bytes[bytes.endIndex...]
        let isDigit = { (b: UInt8) in (48...57).contains(b) }
        guard !whole.isEmpty, whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit),
            dot == nil || !fraction.isEmpty
        else { throw .invalidAmount("\"\(text)\" is not a decimal number like 12.50") }
        let decimals = fraction.count
        guard decimals <= scale else {
            func decimals(_ n: Int) -> String { n == 1 ? "1 decimal" : "\(n) decimals" }
            throw .invalidAmount("\"\(text)\" has \(decimals(fraction.count)); this currency has \(scale)")
        }
        var value: Int64 = 0
        func append(_ digit: UInt8) throws(LedgerError) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(digit - 48))
            guard !o1, !o2 else { throw .invalidAmount("\"\(text)\" is too large") }
            value = next
        }
        for digit in whole { try append(digit) }
        for digit in fraction { try append(digit) }
        for _ in decimals..<scale { try append(UInt8(ascii: "0")) }
        return negative ? -value : value
    }

    /// Formats minor units as a decimal with exactly `scale` decimals, e.g. `-1250` at scale 2 is `"-12.50"`.
    package static func format(_ minor: Int64, scale: Int) -> String {
        let magnitude = minor.magnitude
        let divisor = UInt64(pow10(scale))
        let whole = magnitude / divisor
        let sign = minor < 0 ? "-" : ""
        guard scale > 0 else { return "\(sign)\(whole)" }
        let fraction = String(magnitude % divisor)
        return "\(sign)\(whole).\(String(repeating: "0", count: scale - fraction.count))\(fraction)"
    }

    /// 10^exponent for exponent in 0...18.
    package static func pow10(_ exponent: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// Adds with overflow checking; the error says what overflowed.
    package static func add(_ a: Int64, _ b: Int64, _ what: @autoclosure () -> String) throws(LedgerError) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw .invalidAmount("\(what()) overflows a 64-bit amount") }
        return sum
    }
}
