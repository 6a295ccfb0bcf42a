import Foundation
import NoaberAudit
import NoaberCore
import NoaberProtocol
import Testing

/// Reports a funder can use (issue #12): entries count on their care date, categories and issuers
/// are those of credits, and a reversal takes back what it reverses from that transaction's month,
/// category and issuer. Every figure is checked exactly.
@Suite("Report figures")
struct ReportBuilderTests {
    /// October's hour, then November's hours imported on 6 December, December's gift and purchase,
    /// and on 7 December two corrections: the personal care of 20 November and the gift.
    static func november() throws -> ExportFixture {
        var ledger = try ExportFixture(at: "2026-10-01T08:00:00.000Z")
        try ledger.open(
            "org:zorgkring", .issuer, name: "Zorgkring Noord", min: -1_000_000, at: "2026-10-01T08:01:00.000Z")
        try ledger.open("org:buurtzorg", .issuer, name: "Buurtzorg", min: -1_000_000, at: "2026-10-01T08:02:00.000Z")
        try ledger.open("vol:jan", .member, name: "Jan", at: "2026-10-01T08:03:00.000Z")
        try ledger.open("vol:piet", .member, name: "Piet", at: "2026-10-01T08:04:00.000Z")
        try ledger.open("shop:bakker", .merchant, name: "Bakkerij", at: "2026-10-01T08:05:00.000Z")
        try ledger.category("boodschappen", name: "Boodschappen", hourRate: 1000, at: "2026-10-01T08:06:00.000Z")
        try ledger.category(
            "verzorging", name: "Persoonlijke verzorging", hourRate: 2000, at: "2026-10-01T08:07:00.000Z")
        try ledger.tx(
            .credit, [("org:zorgkring", -1000), ("vol:jan", 1000)], hours: "1", careDate: "2026-10-20",
            at: "2026-10-20T12:00:00.000Z")
        let imported = "2026-12-06T10:00:0"
        try ledger.tx(
            .credit, [("org:zorgkring", -2000), ("vol:jan", 2000)], hours: "2", category: "boodschappen",
            careDate: "2026-11-03", at: imported + "0.000Z")
        try ledger.tx(
            .credit, [("org:zorgkring", -3000), ("vol:jan", 3000)], hours: "1.5", category: "verzorging",
            careDate: "2026-11-20", id: "verzorging-jan", at: imported + "1.000Z")
        try ledger.tx(
            .credit, [("org:buurtzorg", -3000), ("vol:piet", 3000)], hours: "3", category: "boodschappen",
            careDate: "2026-11-10", at: imported + "2.000Z")
        try ledger.tx(
            .credit, [("org:zorgkring", -500), ("vol:piet", 500)], careDate: "2026-11-15", at: imported + "3.000Z")
        try ledger.tx(.transfer, [("vol:jan", -500), ("vol:piet", 500)], id: "gift", at: "2026-12-06T11:00:00.000Z")
        try ledger.tx(.redeem, [("vol:jan", -750), ("shop:bakker", 750)], at: "2026-12-06T12:00:00.000Z")
        try ledger.reverse("verzorging-jan", reason: "dubbel", at: "2026-12-07T09:00:00.000Z")
        try ledger.reverse("gift", reason: "verkeerde persoon", at: "2026-12-07T09:01:00.000Z")
        return ledger
    }

    static func report(
        _ ledger: ExportFixture, by grouping: ReportBuilder.Grouping, from: String? = nil, to: String? = nil,
        byCommitDate: Bool = false
    ) async throws -> Report {
        var builder = ReportBuilder(
            grouping: grouping, from: from.flatMap(CalendarDate.init), to: to.flatMap(CalendarDate.init),
            byCommitDate: byCommitDate)
        for info in ledger.entries {
            guard try await builder.add(info, original: { id in ledger.entries.first { $0.id == id } }) else { break }
        }
        return try builder.result()
    }

    /// key, credits, hundredths of hours, credited, volunteers, redeemed, transferred, demurrage, reversed.
    static func figures(_ row: ReportBuilder.Row) -> [String] {
        [
            row.key, "\(row.credits)", "\(row.hundredths)", "\(row.credited)", "\(row.volunteers)", "\(row.redeemed)",
            "\(row.transferred)", "\(row.demurrage)", "\(row.reversed)",
        ]
    }

    @Test func novembersHoursImportedInDecemberCountInNovemberByCategory() async throws {
        let report = try await Self.report(try Self.november(), by: .category, from: "2026-11-01", to: "2026-11-30")
        #expect(
            report.rows.map(Self.figures) == [
                ["(amount)", "1", "0", "500", "1", "0", "0", "0", "0"],
                ["boodschappen", "2", "500", "5000", "2", "0", "0", "0", "0"],
                // The personal care was reversed: nothing of it stands, and the column says so.
                ["verzorging", "0", "0", "0", "0", "0", "0", "0", "3000"],
            ])
        #expect(Self.figures(report.total) == ["total", "3", "500", "5500", "2", "0", "0", "0", "3000"])
        // At the end of November: October's hour and November's credits, less the reversed one.
        #expect(report.circulation == 6500)
        let text = try report.render(.text)
        #expect(
            text.hasPrefix("Zorgkring Noord: 2026-11-01 to 2026-11-30 by care date, in ZMT, by category\n"), "\(text)")
        #expect(!text.contains("(redeem)") && !text.contains("(transfer)") && !text.contains("(reversal)"))
    }

    @Test func byIssuerAReversalTakesBackFromTheIssuerItPaid() async throws {
        let report = try await Self.report(try Self.november(), by: .issuer, from: "2026-11-01", to: "2026-11-30")
        #expect(
            report.rows.map(Self.figures) == [
                ["org:buurtzorg", "1", "300", "3000", "1", "0", "0", "0", "0"],
                ["org:zorgkring", "2", "200", "2500", "2", "0", "0", "0", "3000"],
            ])
    }

    @Test func byMonthEveryTransactionOnItsCareDate() async throws {
        let report = try await Self.report(try Self.november(), by: .month)
        #expect(
            report.rows.map(Self.figures) == [
                ["2026-10", "1", "100", "1000", "1", "0", "0", "0", "0"],
                ["2026-11", "3", "500", "5500", "2", "0", "0", "0", "3000"],
                // The gift and its reversal net to nothing in the month of the gift.
                ["2026-12", "0", "0", "0", "0", "750", "0", "0", "500"],
            ])
        #expect(Self.figures(report.total) == ["total", "4", "600", "6500", "2", "750", "0", "0", "3500"])
        #expect(report.circulation == 6500)
        let csv = try report.render(.csv)
        #expect(csv.hasPrefix("month,credits,hours,credited,volunteers,redeemed,transferred,demurrage,reversed\r\n"))
        #expect(csv.contains("\r\n2026-12,0,0.00,0.00,0,7.50,0.00,0.00,5.00\r\n"), "\(csv)")
    }

    @Test func byCommitDateNovemberIsEmptyAndDecemberHasTheImport() async throws {
        let ledger = try Self.november()
        let november = try await Self.report(
            ledger, by: .month, from: "2026-11-01", to: "2026-11-30", byCommitDate: true)
        #expect(november.rows.isEmpty && november.total.credits == 0)
        #expect(november.circulation == 1000)
        let december = try await Self.report(
            ledger, by: .month, from: "2026-12-01", to: "2026-12-31", byCommitDate: true)
        #expect(
            december.rows.map(Self.figures) == [["2026-12", "3", "500", "5500", "2", "750", "0", "0", "3500"]])
        #expect(try december.render(.text).contains("2026-12-01 to 2026-12-31 by commit date"))
    }

    @Test func aDutchReportHasNoEnglishWordAndNamesItsIssuers() async throws {
        var report = try await Self.report(try Self.november(), by: .issuer, from: "2026-11-01", to: "2026-11-30")
        report.language = .nl
        let text = try report.render(.text)
        #expect(
            text.hasPrefix("Zorgkring Noord: 2026-11-01 t/m 2026-11-30 op zorgdatum, in ZMT, per uitgever\n"), "\(text)"
        )
        #expect(text.contains("\nUITGEVER ") && text.contains("\nZorgkring Noord ") && text.contains("\ntotaal "))
        #expect(text.contains("in omloop aan het eind: ") && !text.contains("org:zorgkring"), "\(text)")
        let english = ["issuer", "credits", "hours", "credited", "redeemed", "total", "circulation", "by", "to"]
        let words = Set(text.lowercased().split { !$0.isLetter }.map(String.init))
        #expect(words.isDisjoint(with: english), "\(words.intersection(english))")
        // csv and json keep the ids and English keys that scripts read.
        #expect(try report.render(.csv).hasPrefix("issuer,credits,"))
        #expect(try report.render(.csv).contains("\r\norg:zorgkring,"))
    }

    @Test func categoryRowsLeaveOutWhatNoCategoryHas() async throws {
        let report = try await Self.report(try Self.november(), by: .category)
        let text = try report.render(.text)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("CATEGORY") && lines[1].hasSuffix("REVERSED"), "\(text)")
        // A category's row has no redemptions or transfers; the total has them.
        // Rows by the category's name (the chain's category.set), not its id.
        #expect(!lines.contains { $0.hasPrefix("verzorging ") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("Persoonlijke verzorging ") }, "\(text)")
        let boodschappen = try #require(lines.first { $0.hasPrefix("Boodschappen") })
        #expect(!boodschappen.contains("7.50"), "\(boodschappen)")
        let total = try #require(lines.first { $0.hasPrefix("total") })
        #expect(total.contains("7.50"), "\(total)")

        struct JSONReport: Decodable {
            struct Line: Decodable {
                var key: String
                var redeemedMinorUnits: Int64?
                var reversedMinorUnits: Int64
            }
            var dates: String
            var rows: [Line]
            var total: Line
        }
        let json = try RPCCoding.decoder().decode(JSONReport.self, from: Data(try report.render(.json).utf8))
        #expect(json.dates == "care_date")
        #expect(json.rows.allSatisfy { $0.redeemedMinorUnits == nil })
        #expect(json.total.redeemedMinorUnits == 750 && json.total.reversedMinorUnits == 3500)
    }
}
