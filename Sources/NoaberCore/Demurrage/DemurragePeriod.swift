/// How often demurrage is charged. Periods start at midnight UTC: every day, every Monday, or the
/// first day of every month.
package enum DemurragePeriod: String, Codable, Sendable, CaseIterable {
    case day, week, month

    private static let dayMilliseconds: Int64 = 86_400_000

    /// The first period start strictly after `time`.
    package func firstStart(after time: Timestamp) -> Timestamp {
        let day = time.millisecondsSinceEpoch.floorDiv(Self.dayMilliseconds)
        switch self {
        case .day:
            return Self.midnight(ofDay: day + 1)
        case .week:
            // Day 0 (1970-01-01) was a Thursday, so days d with (d + 3) % 7 == 0 are Mondays.
            var next = day + 1
            while (next + 3).floorMod(7) != 0 { next += 1 }
            return Self.midnight(ofDay: next)
        case .month:
            let (year, month, _) = Timestamp.civil(fromDays: day)
            return Self.firstOfMonth(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1)
        }
    }

    /// The start of the period after the one starting at `start`.
    package func next(after start: Timestamp) -> Timestamp { firstStart(after: start) }

    /// The period's label: the day it starts, `YYYY-MM-DD`.
    package static func label(_ start: Timestamp) -> String { String(start.rfc3339.prefix(10)) }

    private static func midnight(ofDay day: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: day * dayMilliseconds)
    }

    private static func firstOfMonth(year: Int64, month: Int64) -> Timestamp {
        midnight(ofDay: Timestamp.days(fromCivil: year, month, 1))
    }
}
