import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// The coordinator's month as it really happens (issue #12): on 6 December, November's hours are
/// imported; statements and reports count them in November, by their care date, and a mistake is
/// corrected by the seq a statement shows, with its reason beside it.
@Suite("Care dates, corrections by seq and reports against a real daemon")
struct CareDateTests {
    struct Statement: Decodable {
        struct Line: Decodable {
            var seq: Int64
            var entryId, date, careDate, committedAt: String
            var purpose, reason: String?
            var reversesSeq, reversedBy: Int64?
            var amountMinorUnits: Int64
        }
        var by: String
        var openingMinorUnits, closingMinorUnits: Int64
        var lines: [Line]
        var counterparties: [CounterpartyInfo]
        var categories: [CategoryName]
    }

    struct ReportJSON: Decodable {
        struct Line: Decodable {
            var key: String
            var credits, volunteers: Int
            var hours: String
            var creditedMinorUnits, reversedMinorUnits: Int64
            var redeemedMinorUnits, transferredMinorUnits: Int64?
        }
        var dates: String
        var rows: [Line]
        var total: Line
        var circulationMinorUnits: Int64
    }

    /// The walkthrough on 6 December (its credit, gift and purchase are December's), then
    /// November's hours from the spreadsheet: Jan 2 hours on the 3rd and 1.5 of personal care on
    /// the 20th, Piet 3 hours on the 10th.
    static func novemberImportedOnSixDecember() async throws -> DaemonProcess {
        let daemon = try await DaemonProcess(today: "2026-12-06T10:00:00Z")
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok("category", "set", "boodschappen", "--rate", "10.00", "--key", "admin.key")
        try daemon.ok(
            "category", "set", "persoonlijke-verzorging", "--rate", "20.00", "--name", "Persoonlijke verzorging",
            "--key", "admin.key")
        let csv = """
            account,date,hours,category,memo
            vol:jan-peeters,2026-11-03,2,boodschappen,boodschappen mevrouw Jansen
            vol:jan-peeters,2026-11-20,1.5,persoonlijke-verzorging,douchen
            vol:piet,2026-11-10,3,boodschappen,tuin

            """
        try csv.write(
            toFile: daemon.directory.appendingPathComponent("november.csv").path, atomically: true, encoding: .utf8)
        try daemon.ok("import", "november.csv", "--issuer", "org:zorgkring", "--key", "coord.key")
        return daemon
    }

    @Test func novembersHoursImportedOnSixDecemberAreOnNovembersStatementNotDecembers() async throws {
        let daemon = try await Self.novemberImportedOnSixDecember()
        defer { daemon.tearDown() }
        let jan = ["statement", "vol:jan-peeters"]
        let november = try daemon.json(Statement.self, arguments: jan + ["--from", "2026-11-01", "--to", "2026-11-30"])
        #expect(november.by == "care_date" && november.openingMinorUnits == 0 && november.closingMinorUnits == 5000)
        #expect(november.lines.map(\.careDate) == ["2026-11-03", "2026-11-20"])
        #expect(november.lines.map(\.amountMinorUnits) == [2000, 3000])
        #expect(november.lines.allSatisfy { $0.committedAt.hasPrefix("2026-12-06") && $0.date == $0.careDate })

        let december = try daemon.json(Statement.self, arguments: jan + ["--from", "2026-12-01", "--to", "2026-12-31"])
        #expect(december.openingMinorUnits == 5000 && december.lines.map(\.amountMinorUnits) == [2500, -500, -750])
        #expect(december.closingMinorUnits == (try daemon.balance("vol:jan-peeters")))

        // The other view: by the day each entry was committed, November is empty and December has it all.
        let byCommit = jan + ["--by-commit-date"]
        let committedInNovember = try daemon.json(
            Statement.self, arguments: byCommit + ["--from", "2026-11-01", "--to", "2026-11-30"])
        #expect(committedInNovember.by == "commit_time" && committedInNovember.lines.isEmpty)
        #expect(committedInNovember.closingMinorUnits == 0)
        let committedInDecember = try daemon.json(Statement.self, arguments: byCommit + ["--from", "2026-12-01"])
        #expect(committedInDecember.lines.map(\.amountMinorUnits) == [2500, -500, -750, 2000, 3000])
        #expect(committedInDecember.lines.map(\.seq) == committedInDecember.lines.map(\.seq).sorted())

        // The text shows both days where they differ: the care date first, the commit day beside it.
        let text = try daemon.ok(arguments: jan + ["--from", "2026-11-01", "--to", "2026-11-30"])
        #expect(
            text.contains("vol:jan-peeters (Jan Peeters), 2026-11-01 to 2026-11-30 by care date, in ZMT"), "\(text)")
        let line = try #require(text.split(separator: "\n").first { $0.contains("2026-11-03") })
        #expect(line.contains("2026-11-03  2026-12-06  credit"), "\(line)")
        #expect(try daemon.ok(arguments: jan + ["--from", "2026-12-01"]).contains("SEQ  DATE        COMMITTED  WHAT"))

        try await expectNovembersReport(daemon)
    }

    func expectNovembersReport(_ daemon: DaemonProcess) async throws {
        let november = ["report", "--by", "category", "--from", "2026-11-01", "--to", "2026-11-30"]
        let report = try daemon.json(ReportJSON.self, arguments: november)
        #expect(report.dates == "care_date")
        #expect(report.rows.map(\.key) == ["boodschappen", "persoonlijke-verzorging"])
        #expect(report.rows.map(\.credits) == [2, 1] && report.rows.map(\.hours) == ["5.00", "1.50"])
        #expect(report.rows.map(\.creditedMinorUnits) == [5000, 3000] && report.rows.map(\.volunteers) == [2, 1])
        #expect(report.total.credits == 3 && report.total.creditedMinorUnits == 8000 && report.total.volunteers == 2)
        #expect(report.total.redeemedMinorUnits == 0 && report.circulationMinorUnits == 8000)

        let december = try daemon.json(
            ReportJSON.self, "report", "--by", "category", "--from", "2026-12-01", "--to", "2026-12-31")
        #expect(december.rows.map(\.key) == ["(ledger rate)"] && december.total.creditedMinorUnits == 2500)
        #expect(december.total.redeemedMinorUnits == 750 && december.total.transferredMinorUnits == 500)
        #expect(december.rows.allSatisfy { $0.redeemedMinorUnits == nil && $0.transferredMinorUnits == nil })

        let byCommit = try daemon.json(ReportJSON.self, arguments: november + ["--by-commit-date"])
        #expect(byCommit.dates == "commit_time" && byCommit.rows.isEmpty && byCommit.total.credits == 0)
        let text = try daemon.ok(arguments: november)
        #expect(!text.contains("(redeem)") && !text.contains("(transfer)"), "\(text)")
    }

    @Test func reverseBySeqAndTheReasonIsWhereverTheReversalIs() async throws {
        let daemon = try await Self.novemberImportedOnSixDecember()
        defer { daemon.tearDown() }
        let november = ["statement", "vol:jan-peeters", "--from", "2026-11-01", "--to", "2026-11-30"]
        let care = try #require(
            try daemon.json(Statement.self, arguments: november).lines.first { $0.careDate == "2026-11-20" })
        // A credit of the imported batch is reversed by its credit id (FORMAT.md §17).
        let done = try daemon.ok("reverse", care.entryId, "--reason", "dubbel ingevoerd", "--key", "coord.key")
        #expect(done.contains("entry \(care.seq) (\(care.entryId)) reversed: entry "), "\(done)")

        let statement = try daemon.json(Statement.self, arguments: november)
        let reversal = try #require(statement.lines.last)
        #expect(statement.lines.map(\.amountMinorUnits) == [2000, 3000, -3000] && statement.closingMinorUnits == 2000)
        #expect(reversal.purpose == "reversal" && reversal.careDate == "2026-11-20")
        #expect(reversal.reason == "dubbel ingevoerd" && reversal.reversesSeq == care.seq)
        #expect(statement.lines[1].reversedBy == reversal.seq && reversal.committedAt.hasPrefix("2026-12-06"))

        let note = "reverses \(care.seq): dubbel ingevoerd"
        let text = try daemon.ok(arguments: november)
        #expect(text.contains(note) && text.contains("reversed by \(reversal.seq)"), "\(text)")
        #expect(try daemon.ok(arguments: november + ["--format", "csv"]).contains(",dubbel ingevoerd,"))
        try daemon.ok(arguments: november + ["--format", "html", "--out", "jan.html"])
        let html = try String(contentsOfFile: daemon.directory.appendingPathComponent("jan.html").path, encoding: .utf8)
        #expect(html.contains(note))
        #expect(try daemon.ok("history", "vol:jan-peeters").contains(note))

        // The report takes the reversed care back from its category, in November.
        let report = try daemon.json(
            ReportJSON.self, "report", "--by", "category", "--from", "2026-11-01", "--to", "2026-11-30")
        let personal = try #require(report.rows.first { $0.key == "persoonlijke-verzorging" })
        #expect(personal.credits == 0 && personal.creditedMinorUnits == 0 && personal.reversedMinorUnits == 3000)
        #expect(report.total.creditedMinorUnits == 5000)
        try expectAnAmbiguousNumberIsRefused(daemon)
        #expect(try daemon.noaber("verify").status == 0)
    }

    /// An entry id of digits (chosen with --id) that is also another entry's seq: the CLI does not
    /// guess which is meant.
    func expectAnAmbiguousNumberIsRefused(_ daemon: DaemonProcess) throws {
        let gift = try daemon.json(
            SubmitResult.self, "transfer", "--key", "piet.key", "--from", "vol:piet", "--to", "vol:jan-peeters",
            "--amount", "1.00", "--id", "7")
        let ambiguous = try daemon.noaber("reverse", "7", "--reason", "x", "--key", "coord.key")
        #expect(ambiguous.status != 0, "\(ambiguous.stdout)")
        #expect(ambiguous.stderr.contains("7 names two entries") && ambiguous.stderr.contains("`\(gift.seq)`"))
        let undone = try daemon.ok("reverse", "\(gift.seq)", "--reason", "by mistake", "--key", "coord.key")
        #expect(undone.contains("entry \(gift.seq) (7) reversed"), "\(undone)")
    }

    @Test func counterpartiesAreNamedOnlyToReadersEntitledToTheName() async throws {
        let daemon = try await Self.novemberImportedOnSixDecember()
        defer { daemon.tearDown() }
        let december = ["statement", "vol:jan-peeters", "--from", "2026-12-01"]
        func names(_ statement: Statement) -> [String: String] {
            Dictionary(uniqueKeysWithValues: statement.counterparties.map { ($0.account, $0.name ?? "-") })
        }
        // Jan sees the names of the organisation and the shop, not Piet's: a person's name is his.
        let byJan = try daemon.json(Statement.self, arguments: december + ["--key", "jan.key"])
        #expect(
            names(byJan) == ["org:zorgkring": "Zorgkring Noord", "shop:bakker": "Bakker de Vries", "vol:piet": "-"])
        let byCoordinator = try daemon.json(Statement.self, arguments: december + ["--key", "coord.key"])
        #expect(names(byCoordinator)["vol:piet"] == "Piet")
        let november = try daemon.json(
            Statement.self, "statement", "vol:jan-peeters", "--to", "2026-11-30", "--key", "jan.key")
        #expect(
            november.categories == [
                CategoryName(category: "boodschappen", name: "boodschappen"),
                CategoryName(category: "persoonlijke-verzorging", name: "Persoonlijke verzorging"),
            ])
    }
}

extension DaemonProcess {
    /// `json` with the arguments as a list.
    func json<T: Decodable>(_ type: T.Type, arguments: [String]) throws -> T {
        let result = try noaber(arguments: arguments + ["--json"])
        guard result.status == 0 else { throw CLIFailure(message: "noaber \(arguments) failed: \(result.stderr)") }
        return try RPCCoding.decoder().decode(T.self, from: Data(result.stdout.utf8))
    }
}
