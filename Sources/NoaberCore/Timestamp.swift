#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A UTC instant with millisecond precision, written as RFC 3339 `2026-11-23T10:39:20.123Z`.
/// The fixed width makes the text sort in time order, which the chain check relies on; it holds
/// for the four-digit years (`fourDigitYears`), the only times read back.
package struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    package let millisecondsSinceEpoch: Int64

    package init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    /// The times `rfc3339` writes with a four-digit year, 0000-01-01T00:00:00.000Z to
    /// 9999-12-31T23:59:59.999Z: those that `init(rfc3339:)` reads back.
    package static let fourDigitYears: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    package static func < (a: Self, b: Self) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    package var description: String { rfc3339 }

    /// The system's UTC wall clock. The daemon stamps commits with it and the CLI checks dates
    /// against it; one definition, so that the two cannot round or read the time differently.
    @Sendable package static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    package var rfc3339: String {
        // The day and the time in it by remainder, not `days * 86_400_000`, which overflows for
        // the earliest instants (a stored page or a hostile answer may hold any Int64).
        var days = millisecondsSinceEpoch / 86_400_000
        var inDay = millisecondsSinceEpoch % 86_400_000
        if inDay < 0 {
            days -= 1
            inDay += 86_400_000
        }
        let (y, m, d) = Self.civil(fromDays: days)
        let secs = inDay / 1000
        // Written digit by digit into the string's own storage: the daemon writes, and a verify
        // reads and rebuilds, every entry's commit time. A year past 9999 or before 0 is rare
        // enough for the general way below.
        if (0...9999).contains(y) {
            return String(unsafeUninitializedCapacity: 24) { out in
                var at = 0
                func put(_ value: Int64, _ width: Int, then separator: UInt8) {
                    var rest = value
                    for place in stride(from: at + width - 1, through: at, by: -1) {
                        out[place] = UInt8(ascii: "0") + UInt8(rest % 10)
                        rest /= 10
                    }
                    out[at + width] = separator
                    at += width + 1
                }
                put(y, 4, then: UInt8(ascii: "-"))
                put(m, 2, then: UInt8(ascii: "-"))
                put(d, 2, then: UInt8(ascii: "T"))
                put(secs / 3600, 2, then: UInt8(ascii: ":"))
                put(secs / 60 % 60, 2, then: UInt8(ascii: ":"))
                put(secs % 60, 2, then: UInt8(ascii: "."))
                put(inDay % 1000, 3, then: UInt8(ascii: "Z"))
                return at
            }
        }
        return
            "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2)).\(pad(inDay % 1000, 3))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (UTC only, as written on the wire).
    package init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        guard b.count == 20 || b.count == 24, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58,
            b[b.count - 1] == 90
        else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r {
                guard (48...57).contains(b[i]) else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13),
            let mi = num(14..<16), let s = num(17..<19), (1...12).contains(mo), (1...31).contains(d),
            h < 24, mi < 60, s < 60
        else { return nil }
        var ms: Int64 = 0
        if b.count == 24 {
            guard b[19] == 46, let f = num(20..<23) else { return nil }
            ms = f
        }
        let days = Self.days(fromCivil: y, mo, d)
        guard Self.civil(fromDays: days) == (y, mo, d) else { return nil }
        millisecondsSinceEpoch = ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms
    }

    // Howard Hinnant's days-from-civil algorithms: exact for the proleptic Gregorian calendar.
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = y.floorDiv(400)
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = z.floorDiv(146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// `v` in at least `width` digits, a year before 0 with its sign first (ISO 8601's `-0001`).
private func pad(_ v: Int64, _ width: Int) -> String {
    let s = String(v.magnitude)
    return (v < 0 ? "-" : "") + (s.count >= width ? s : String(repeating: "0", count: width - s.count) + s)
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }

    func floorMod(_ d: Int64) -> Int64 { self - floorDiv(d) * d }
}
