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
            "seq,entry_id,committed_at,purpose,account,amount,currency,hours,memo,category,hour_rate,reverses,reason,care_date,claim,period",
            "6,e-6,2026-11-21T10:00:00.000Z,credit,org:zorgkring,-25.00,ZMT,2.5,boodschappen mevrouw Jansen,,10.00,,,,,",
            "6,e-6,2026-11-21T10:00:00.000Z,credit,vol:jan-peeters,25.00,ZMT,2.5,boodschappen mevrouw Jansen,,10.00,,,,,",
            "7,e-7,2026-11-22T11:30:00.250Z,transfer,vol:jan-peeters,-5.00,ZMT,,bedankt,,,,,,,",
            "7,e-7,2026-11-22T11:30:00.250Z,transfer,vol:piet,5.00,ZMT,,bedankt,,,,,,,",
            "8,e-8,2026-11-23T16:45:00.000Z,redeem,vol:jan-peeters,-7.50,ZMT,,brood,,,,,,,",
            "8,e-8,2026-11-23T16:45:00.000Z,redeem,shop:bakker,7.50,ZMT,,brood,,,,,,,",
        ].map { $0 + "\r\n" }.joined()
        #expect(csv == expected)
        #expect(writer.counts == ExportCounts(entries: 3, postings: 6))
        #expect(expected.hasPrefix(CSVWriter.columns.joined(separator: ",") + "\r\n"))
    }

    @Test func carriesTheCategoryAndRateOfACreditAndWhatAReversalUndoesAndWhy() throws {
        let ledger = try ExportFixture.corrected()
        var writer = CSVWriter()
        let rows = try writer.export(ledger.entries).components(separatedBy: "\r\n").filter {
            $0.hasPrefix("10,") || $0.hasPrefix("11,")
        }
        #expect(
            rows == [
                "10,boodschappen-1,2026-11-24T10:00:00.000Z,credit,org:zorgkring,-18.00,ZMT,1.5,boodschappen,boodschappen,12.00,,,,,",
                "10,boodschappen-1,2026-11-24T10:00:00.000Z,credit,vol:jan-peeters,18.00,ZMT,1.5,boodschappen,boodschappen,12.00,,,,,",
                "11,herstel-1,2026-11-24T11:00:00.000Z,reversal,org:zorgkring,25.00,ZMT,,,,,e-6,\"dubbel ingevoerd, zie \"\"boodschappen-1\"\"; c:\\tmp\",,,",
                "11,herstel-1,2026-11-24T11:00:00.000Z,reversal,vol:jan-peeters,-25.00,ZMT,,,,,e-6,\"dubbel ingevoerd, zie \"\"boodschappen-1\"\"; c:\\tmp\",,,",
            ])
        #expect(writer.counts == ExportCounts(entries: 5, postings: 10))
    }

    /// Every row of a random ledger reads back, by a strict RFC 4180 reader, as its transaction's
    /// fields: the reasons and memos try every character CSV and spreadsheets treat specially.
    @Test(arguments: ExternalToolTests.currencies)
    func readsBackAsTheTransactionsOfARandomLedger(_ currency: Currency) throws {
        let ledger = try ExportFixture.random(seed: ExternalToolTests.seed, transactions: 400, currency: currency)
        var writer = CSVWriter()
        let records = try CSVRecords.parse(try writer.export(ledger.entries))
        #expect(records.first == CSVWriter.columns)
        func cell(_ text: String?) -> String {
            guard let text else { return "" }
            return text.unicodeScalars.first.map { "=+-@".unicodeScalars.contains($0) } == true ? "'" + text : text
        }
        var seen: [Purpose: Int] = [:]
        var categories = 0
        for record in records.dropFirst() {
            guard record.count == CSVWriter.columns.count, let seq = Int(record[0]),
                let tx = ledger.transactions[Int64(seq)]
            else {
                Issue.record("a row of \(record.count) fields, or of no transaction: \(record)")
                continue
            }
            let entry = ledger.entries[seq - 1]
            #expect(Array(record[1...3]) == [cell(entry.id), entry.committedAt, tx.purpose.rawValue], "\(record)")
            let amounts = tx.postings.filter { $0.account.rawValue == record[4] }.map { currency.format($0.amount) }
            #expect(amounts.contains(record[5]) && record[6] == currency.code, "\(record)")
            let rate = tx.hourRate.map { currency.format($0) } ?? ""
            #expect(
                Array(record[7...]) == [
                    cell(tx.hours), cell(tx.memo), cell(tx.category), rate, cell(tx.reverses), cell(tx.reason),
                    cell(tx.careDate), cell(tx.claim), cell(tx.period),
                ])
            seen[tx.purpose, default: 0] += 1
            if tx.category != nil { categories += 1 }
        }
        #expect(records.count - 1 == ledger.transactions.values.reduce(0) { $0 + $1.postings.count })
        #expect(
            seen[.reversal, default: 0] > 10 && categories > 10,
            "the random ledger has reversals and category credits: \(seen), \(categories)")
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
            try ledger.tx(
                .transfer, [("vol:piet", -1), ("vol:jan-peeters", 1)], memo: memo, id: "m\(index)",
                at: "2026-11-24T10:00:00.000Z")
        }
        // An entry id may start with '-', which a spreadsheet would read as a formula too.
        try ledger.tx(
            .transfer, [("vol:piet", -1), ("vol:jan-peeters", 1)], id: "-gift", at: "2026-11-24T11:00:00.000Z")
        // So may the entry a reversal names, and its reason.
        try ledger.reverse("-gift", reason: "=1+1, per ongeluk", id: "terug", at: "2026-11-24T12:00:00.000Z")
        var writer = CSVWriter(filter: ExportFilter(account: try AccountID("vol:piet")))
        let lines = try writer.export(ledger.entries).components(separatedBy: "\r\n")
        let rows = lines.dropFirst(2).dropLast(2)
        #expect(rows.count == memos.count + 1)
        for (row, memo) in zip(rows, memos.keys.sorted()) {
            #expect(row.hasSuffix(",vol:piet,-0.01,ZMT,," + memos[memo]! + ",,,,,,,"), "memo \(memo): \(row)")
        }
        #expect(rows.last?.hasPrefix("17,'-gift,") == true, "\(rows.last ?? "")")
        #expect(rows.last?.contains(",-0.01,") == true, "the amount keeps its sign")
        #expect(
            lines.dropLast().last
                == "18,terug,2026-11-24T12:00:00.000Z,reversal,vol:piet,0.01,ZMT,,,,,'-gift,\"'=1+1, per ongeluk\",,,")
    }

    @Test func keepsTheDaysOfTheRangeAndTheRowsOfTheAccount() throws {
        let ledger = try ExportFixture.walkthrough()
        var byDay = CSVWriter(filter: try ExportFilter(from: "2026-11-22", to: "2026-11-22", account: nil))
        let day = try byDay.export(ledger.entries).components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(day.map { $0.prefix(2) } == ["7,", "7,"])
        #expect(byDay.counts == ExportCounts(entries: 1, postings: 2))

        var byAccount = CSVWriter(filter: try ExportFilter(from: nil, to: nil, account: "vol:piet"))
        let piet = try byAccount.export(ledger.entries).components(separatedBy: "\r\n").dropFirst().filter {
            !$0.isEmpty
        }
        #expect(piet == ["7,e-7,2026-11-22T11:30:00.250Z,transfer,vol:piet,5.00,ZMT,,bedankt,,,,,,,"])
    }

    @Test func needsEveryEntryFromTheFirst() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = CSVWriter()
        #expect(throws: ExportError.outOfSequence(expected: 1, got: 2)) {
            try writer.export(Array(ledger.entries.dropFirst()))
        }
        var skipping = CSVWriter()
        #expect(throws: ExportError.outOfSequence(expected: 4, got: 5)) {
            try skipping.export(Array(ledger.entries.prefix(3) + ledger.entries.suffix(4)))
        }
    }
}
