import Foundation
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberCrypto
import Testing

/// The first pass on both cores decides as one pass does, or leaves the file to one pass
/// (Benchmarks/README.md, "The import path", fifth round).
extension ImportOnePassTests {
    func reader(_ csv: String) throws -> ImportFile.Reader {
        try ImportFile.Reader(Array(csv.utf8), source: "f.csv", today: CalendarDate("2026-12-06")!)
    }

    func checkedInHalves(_ csv: String) throws -> ImportPlan? {
        ImportPlan.checkInHalves(
            try reader(csv), issuer: issuer, signer: coordinator.keyID, state: state(),
            builder: CreditBuilder(ledgerRate: 1000, categoryRates: ["boodschappen": 1200]), ledgerID: "L",
            amount: { text throws(AmountProblem) in
                do { return try Money.parse(text, scale: 2) } catch { throw .zero }
            })
    }

    func checkedInOnePass(_ csv: String) throws -> (ImportPlan, [ImportFile.Problem]) {
        try plan(csv)
    }

    /// Forty lines of hours, amounts and a category over two volunteers, each with its external id.
    var forty: String {
        "account,date,hours,amount,category,external_id\n"
            + (1...40).map { n in
                let account = n % 3 == 0 ? "vol:anna" : "vol:piet"
                let day = String(format: "%02d", n % 28 + 1)
                return n % 5 == 0
                    ? "\(account),2026-11-\(day),,\(n).50,,e\(n)\n"
                    : "\(account),2026-11-\(day),\(n % 4 + 1),,\(n % 2 == 0 ? "boodschappen" : ""),e\(n)\n"
            }.joined()
    }

    @Test func theHalvesGiveTheTotalsOfOnePass() throws {
        let halves = try #require(try checkedInHalves(forty))
        let (one, problems) = try checkedInOnePass(forty)
        #expect(problems.isEmpty)
        #expect(halves.total == one.total && halves.totals.credits == 40 && one.totals.credits == 40)
        #expect(halves.totals.volunteers == one.totals.volunteers && halves.totals.volunteers.count == 2)
        #expect(halves.totals.hundredths == one.totals.hundredths && halves.totals.byGroup == one.totals.byGroup)
    }

    /// Each half alone has no repeat; together they do, and one pass names it.
    @Test func aLineOfTheSecondHalfRepeatingOneOfTheFirstIsLeftToOnePass() throws {
        let csv = forty + "vol:anna,2026-11-20,2,,,e1\n"
        #expect(try checkedInHalves(csv) == nil)
        let (_, problems) = try checkedInOnePass(csv)
        #expect(problems.map(\.reason) == ["external_id e1 is also on line 2"])
    }

    @Test func aBadLineInAHalfIsLeftToOnePass() throws {
        let csv = forty + "vol:piet,2026-11-31,2,,,e41\n"
        #expect(try checkedInHalves(csv) == nil)
        #expect(try checkedInOnePass(csv).1.map(\.line) == [42])
    }

    /// An external id's quotes hold line breaks between what reads like lines: the split falls
    /// among them, where the second half would read them as lines of their own.
    @Test func aRecordAcrossTheSplitIsLeftToOnePass() throws {
        let inner = (2...4).map { "vol:anna,2026-11-0\($0),1,x\($0)" }.joined(separator: "\n")
        let csv = "account,date,hours,external_id\nvol:piet,2026-11-01,1,\"a\n\(inner)\"\n"
        #expect(try checkedInHalves(csv) == nil)
        let (one, problems) = try checkedInOnePass(csv)
        #expect(problems.isEmpty && one.totals.credits == 1)
    }
}
