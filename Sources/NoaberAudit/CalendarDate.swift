package import NoaberCore

/// A UTC calendar day, written `YYYY-MM-DD`: what `--from` and `--to` take, and the date the
/// journals give each entry (the day of its commit time).
package struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Always the 10-character form, so that comparing the text compares the days.
    package let text: String

    /// Parses `2026-11-01`; nil for any other form and for days the calendar does not have (2026-02-30).
    package init?(_ text: String) {
        guard text.utf8.count == 10, Timestamp(rfc3339: text + "T00:00:00Z") != nil else { return nil }
        self.text = text
    }

    /// The UTC day of `time`.
    package init(_ time: Timestamp) {
        text = String(time.rfc3339.prefix(10))
    }

    package var description: String { text }
    package static func < (a: Self, b: Self) -> Bool { a.text < b.text }
}
