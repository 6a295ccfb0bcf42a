/// The care date of a transaction (docs/FORMAT.md §2, "The care date of a transaction"): the day
/// statements and reports count it for. Hours imported in December for care given in November
/// belong to November; the commit time still orders the chain.
extension Transaction {
    /// A credit's `care_date`, or the UTC day of its commit when it names none; a reversal takes
    /// the care date of the transaction it undoes (`original` looks it up), so that a corrected
    /// mistake nets out in the period it was made; every other transaction its commit day.
    package func careDay(committedAt: Timestamp, original: (String) -> String?) -> String {
        if purpose == .reversal, let reverses, let day = original(reverses) { return day }
        return careDate ?? Timestamp.day(of: committedAt)
    }
}

extension Timestamp {
    /// The UTC day of `time`, `YYYY-MM-DD`.
    package static func day(of time: Timestamp) -> String { String(time.rfc3339.prefix(10)) }

    /// The first moment of a UTC day written `YYYY-MM-DD`; nil for any other text and for days the
    /// calendar does not have (2026-02-30).
    package init?(day text: String) {
        guard text.utf8.count == 10 else { return nil }
        self.init(rfc3339: text + "T00:00:00Z")
    }
}
