import ArgumentParser
import NoaberAudit
import NoaberCore
import NoaberProtocol

/// A period of whole UTC days, both included, as statements, reports and the access log take it.
struct DayRangeOptions: ParsableArguments {
    @Option(help: "First day (YYYY-MM-DD, UTC); default: from the start.")
    var from: String?

    @Option(help: "Last day (YYYY-MM-DD, UTC), included; default: up to now.")
    var to: String?

    func validate() throws {
        for (name, day) in [("--from", from), ("--to", to)] {
            if let day, CalendarDate(day) == nil {
                throw ValidationError("\(name) \(day) is not a date like 2026-11-30")
            }
        }
        if let from, let to, to < from { throw ValidationError("--to \(to) is before --from \(from)") }
    }

    /// The first moment of `--from`, as the protocol's params take it.
    var fromTime: String? { from.flatMap(Self.start(of:))?.rfc3339 }

    /// Where the period ends: the first moment after `--to`, since `--to` is included.
    var toTime: String? {
        to.flatMap(Self.start(of:)).map {
            Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + 86_400_000).rfc3339
        }
    }

    /// The first moment of a UTC day.
    static func start(of day: String) -> Timestamp? { Timestamp(rfc3339: day + "T00:00:00.000Z") }
}

/// Which day statements and reports count an entry for: its care date (docs/FORMAT.md §2), or with
/// `--by-commit-date` the day it was committed.
struct DateBasisOptions: ParsableArguments {
    @Flag(help: "Select and order by the day each entry was committed instead of its care date.")
    var byCommitDate = false
}

/// The language statements and reports print in: `--lang`, else the ledger's setting
/// (`noaber settings set --language`), else English.
struct LanguageOptions: ParsableArguments {
    @Option(help: "nl or en; default: the ledger's setting (noaber settings set --language), else en.")
    var lang: Language?

    func language(_ settings: SettingsInfo?) -> Language { lang ?? Language(setting: settings?.language) }
}
