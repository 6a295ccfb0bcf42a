import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// `noaber report` against a real daemon (issue #4): the figures follow from the entries.
@Suite("Reports against a real daemon")
struct ReportCommandTests {
    struct JSONReport: Decodable {
        struct Line: Decodable {
            var key: String
            var credits: Int
            var hours: String
            var volunteers: Int
            var creditedMinorUnits: Int64
            /// Absent from the rows of a grouping that redemptions and transfers have no part in.
            var redeemedMinorUnits, transferredMinorUnits: Int64?
        }
        var rows: [Line]
        var total: Line
        var circulationMinorUnits: Int64
    }

    @Test func byMonthCategoryAndIssuer() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)  // a 2.5-hour credit to Jan (25.00), a gift of 5.00, a purchase of 7.50
        try daemon.ok("category", "set", "persoonlijke-verzorging", "--rate", "20.00", "--key", "admin.key")
        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--hours", "1.5",
            "--category",
            "persoonlijke-verzorging")
        let month = String(try await daemon.status().headTime!.prefix(7))

        let byMonth = try daemon.json(JSONReport.self, "report")
        #expect(byMonth.rows.map(\.key) == [month])
        #expect(byMonth.total.credits == 2 && byMonth.total.hours == "4.00" && byMonth.total.volunteers == 2)
        #expect(
            byMonth.total.creditedMinorUnits == 5500 && byMonth.total.redeemedMinorUnits == 750
                && byMonth.total.transferredMinorUnits == 500)
        // Coins in circulation = what members and merchants hold = minus the issuer's balance.
        #expect(byMonth.circulationMinorUnits == -(try daemon.balance("org:zorgkring")))

        let byCategory = try daemon.json(JSONReport.self, "report", "--by", "category")
        let keys = byCategory.rows.map(\.key)
        // Categories are those of credits; redemptions and transfers are columns of the total.
        #expect(keys == ["(ledger rate)", "persoonlijke-verzorging"], "\(keys)")
        #expect(byCategory.rows.allSatisfy { $0.redeemedMinorUnits == nil && $0.transferredMinorUnits == nil })
        #expect(byCategory.total.redeemedMinorUnits == 750 && byCategory.total.transferredMinorUnits == 500)
        #expect(byCategory.rows.last?.creditedMinorUnits == 3000 && byCategory.rows.last?.hours == "1.50")

        let byIssuer = try daemon.json(JSONReport.self, "report", "--by", "issuer")
        #expect(byIssuer.rows.first { $0.key == "org:zorgkring" }?.creditedMinorUnits == 5500)

        // A period before everything: nothing credited, nothing in circulation yet.
        let early = try daemon.json(JSONReport.self, "report", "--to", "2000-01-01")
        #expect(early.rows.isEmpty && early.circulationMinorUnits == 0)

        let text = try daemon.ok("report", "--by", "category")
        #expect(text.contains("in circulation at the end: 55.00 (held by members and merchants)"), "\(text)")
        let csv = try daemon.ok("report", "--format", "csv")
        #expect(csv.hasPrefix("month,credits,hours,credited,volunteers,redeemed,transferred,demurrage,reversed\r\n"))

        let bad = try daemon.noaber("report", "--by", "week")
        #expect(bad.status != 0 && bad.stderr.contains("week"))
    }
}
