import Foundation
import NoaberAudit
import NoaberCore
import NoaberProtocol
import Testing

@Suite struct CSVWriterTests {
    @Test func writesOneRowPerPostingWithCRLF() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = CSVWriter()
        let csv = try writer.export(ledger.entries)
        let expected = [
            "seq,entry_id,committed_at,purpose,account,amount,currency,hours,memo",
            "6,e-6,2026-11-21T10:00:00.000Z,credit,org:zorgkring,-25.00,ZMT,2.5,boodschappen mevrouw Jansen",
            "6,e-6,2026-11-21T10:00:00.000Z,credit,vol:jan-peeters,25.00,ZMT,2.5,boodschappen mevrouw Jansen",
            "7,e-7,2026-11-22T11:30:00.250Z,transfer,vol:jan-peeters,-5.00,ZMT,,bedankt",
            "7,e-7,2026-11-22T11:30:00.250Z,transfer,vol:piet,5.00,ZMT,,bedankt",
            "8,e-8,2026-11-23T16:45:00.000Z,redeem,vol:jan-peeters,-7.50,ZMT,,brood",
            "8,e-8,2026-11-23T16:45:00.000Z,redeem,shop:bakker,7.50,ZMT,,brood",
        ].map { $0 + "\r\n" }.joined()
        #expect(csv == expected)
        #expect(writer.counts == ExportCounts(entries: 3, postings: 6))
    }

    @Test func quotesFieldsAndDefusesFormulasButNotAmounts() throws {
        var ledger = try ExportFixture.walkthrough()
        let memos = [
            "koffie, thee": "\"koffie, thee\"",
            "zei \"dank\"": "\"zei \"\"dank\"\"\"",
            "=HYPERLINK(\"http://x\",\"y\")": "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            "+31 6 1234": "'+31 6 1234",
            "-korting": "'-korting",
            "@SUM(A1)": "'@SUM(A1)",
            "a=b, c": "\"a=b, c\"",
            "café ☕": "café ☕",
        ]
        for (index, memo) in memos.keys.sorted().enumerated() {
            try ledger.tx(.transfer, [("vol:piet", -1), ("vol:jan-peeters", 1)], memo: memo, id: "m\(index)", at: "2026-11-24T10:00:00.000Z")
        }
        // An entry id may start with '-', which a spreadsheet would read as a formula too.
        try ledger.tx(.transfer, [("vol:piet", -1), ("vol:jan-peeters", 1)], id: "-gift", at: "2026-11-24T11:00:00.000Z")
        var writer = CSVWriter(filter: ExportFilter(account: try AccountID("vol:piet")))
        let rows = try writer.export(ledger.entries).components(separatedBy: "\r\n").dropFirst(2).dropLast()
        #expect(rows.count == memos.count + 1)
        for (row, memo) in zip(rows, memos.keys.sorted()) {
            #expect(row.hasSuffix(",vol:piet,-0.01,ZMT,," + memos[memo]!), "memo \(memo): \(row)")
        }
        #expect(rows.last?.hasPrefix("17,'-gift,") == true, "\(rows.last ?? "")")
        #expect(rows.last?.contains(",-0.01,") == true, "the amount keeps its sign")
    }

    @Test func keepsTheDaysOfTheRangeAndTheRowsOfTheAccount() throws {
        let ledger = try ExportFixture.walkthrough()
        var byDay = CSVWriter(filter: try ExportFilter(from: "2026-11-22", to: "2026-11-22", account: nil))
        let day = try byDay.export(ledger.entries).components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(day.map { $0.prefix(2) } == ["7,", "7,"])
        #expect(byDay.counts == ExportCounts(entries: 1, postings: 2))

        var byAccount = CSVWriter(filter: try ExportFilter(from: nil, to: nil, account: "vol:piet"))
        let piet = try byAccount.export(ledger.entries).components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(piet == ["7,e-7,2026-11-22T11:30:00.250Z,transfer,vol:piet,5.00,ZMT,,bedankt"])
    }

    @Test func needsEveryEntryFromTheFirst() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = CSVWriter()
        #expect(throws: ExportError.outOfSequence(expected: 1, got: 2)) { try writer.export(Array(ledger.entries.dropFirst())) }
        var skipping = CSVWriter()
        #expect(throws: ExportError.outOfSequence(expected: 4, got: 5)) {
            try skipping.export(Array(ledger.entries.prefix(3) + ledger.entries.suffix(4)))
        }
    }
}
