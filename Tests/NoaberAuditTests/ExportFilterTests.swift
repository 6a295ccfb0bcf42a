import NoaberAudit
import NoaberCore
import Testing

@Suite struct ExportFilterTests {
    @Test func takesCalendarDatesAndAnAccount() throws {
        let filter = try ExportFilter(from: "2026-11-01", to: "2026-11-30", account: "vol:jan-peeters")
        #expect(filter.from?.text == "2026-11-01")
        #expect(filter.to?.text == "2026-11-30")
        #expect(filter.account == (try AccountID("vol:jan-peeters")))
        #expect(try ExportFilter(from: "2026-11-01", to: "2026-11-01", account: nil).from != nil, "one day is a range")
        #expect(ExportFilter().isEmpty)
    }

    @Test(arguments: [
        "2026-13-01", "2026-02-30", "2026-2-01", "20261101", "2026-11-01T00:00:00Z", "", "2026-11-0a", "2026/11/01",
        " 2026-11-01",
    ])
    func refusesWhatIsNotADay(_ text: String) {
        #expect(throws: ExportError.invalidDate(option: "--from", text: text)) {
            try ExportFilter(from: text, to: nil, account: nil)
        }
        #expect(throws: ExportError.invalidDate(option: "--to", text: text)) {
            try ExportFilter(from: nil, to: text, account: nil)
        }
    }

    @Test func refusesARangeThatEndsBeforeItStarts() {
        #expect(throws: ExportError.emptyRange(from: "2026-11-02", to: "2026-11-01")) {
            try ExportFilter(from: "2026-11-02", to: "2026-11-01", account: nil)
        }
        #expect(ExportError.emptyRange(from: "2026-11-02", to: "2026-11-01").description.contains("later than --to"))
    }

    @Test func refusesAnAccountThatIsNotAnID() {
        #expect(throws: ExportError.invalidAccount("Vol:Jan")) {
            try ExportFilter(from: nil, to: nil, account: "Vol:Jan")
        }
    }

    @Test func jsonlTakesNoFilterTheOthersDo() throws {
        let filtered = try ExportFilter(from: "2026-11-01", to: nil, account: nil)
        #expect(throws: ExportError.filterNotSupported(.jsonl)) { try filtered.check(for: .jsonl) }
        try ExportFilter().check(for: .jsonl)
        for format in [ExportFormat.csv, .hledger, .beancount] { try filtered.check(for: format) }
    }

    @Test func placesDaysAndCommitTimesAgainstTheRange() throws {
        let filter = try ExportFilter(from: "2026-11-02", to: "2026-11-03", account: nil)
        #expect(filter.position(of: CalendarDate("2026-11-01")!) == .before)
        #expect(filter.position(of: CalendarDate("2026-11-02")!) == .within)
        #expect(filter.position(of: CalendarDate("2026-11-03")!) == .within)
        #expect(filter.position(of: CalendarDate("2026-11-04")!) == .after)
        // --to is inclusive up to the day's last millisecond.
        #expect(!filter.isPastRange(committedAt: "2026-11-03T23:59:59.999Z"))
        #expect(filter.isPastRange(committedAt: "2026-11-04T00:00:00.000Z"))
        #expect(!ExportFilter().isPastRange(committedAt: "9999-12-31T23:59:59.999Z"))
        let lastMillisecond = try #require(Timestamp(rfc3339: "2026-11-03T23:59:59.999Z"))
        #expect(CalendarDate(lastMillisecond).text == "2026-11-03")
    }
}
