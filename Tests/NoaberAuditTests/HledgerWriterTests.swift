import Foundation
import NoaberAudit
import NoaberCore
import NoaberProtocol
import Testing

@Suite struct HledgerWriterTests {
    @Test func writesTheWalkthroughAsAJournal() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = HledgerWriter()
        let journal = try writer.export(ledger.entries)
        #expect(
            journal == """
                ; Noaber ledger: Zorgkring Noord
                ; ledger id: \(ledger.ledgerID)
                ; currency: ZMT (zorgmunt), 2 decimals
                ; range: every entry

                commodity 1000.00 ZMT

                ; Zorgkring Noord (issuer, opened in entry 2)
                account org:zorgkring  ; type:L

                ; Jan Peeters (member, opened in entry 3)
                account vol:jan-peeters  ; type:A

                ; Piet de Boer (member, opened in entry 4)
                account vol:piet  ; type:A

                ; Bakkerij de Vries (merchant, opened in entry 5)
                account shop:bakker  ; type:A

                2026-11-21 * (6) credit | boodschappen mevrouw Jansen
                    ; entry:e-6, hours:2.5, rate:10.00
                    org:zorgkring  -25.00 ZMT
                    vol:jan-peeters  25.00 ZMT

                2026-11-22 * (7) transfer | bedankt
                    ; entry:e-7
                    vol:jan-peeters  -5.00 ZMT
                    vol:piet  5.00 ZMT

                2026-11-23 * (8) redeem | brood
                    ; entry:e-8
                    vol:jan-peeters  -7.50 ZMT
                    shop:bakker  7.50 ZMT


                """)
        #expect(writer.counts == ExportCounts(entries: 3, postings: 6))
    }

    @Test func tagsTheCategoryAndRateOfACreditAndWhatAReversalUndoesAndWhy() throws {
        let ledger = try ExportFixture.corrected()
        var writer = HledgerWriter()
        let journal = try writer.export(ledger.entries)
        #expect(
            journal.hasSuffix(
                """
                2026-11-24 * (10) credit | boodschappen
                    ; entry:boodschappen-1, hours:1.5, category:boodschappen, rate:12.00
                    org:zorgkring  -18.00 ZMT
                    vol:jan-peeters  18.00 ZMT

                2026-11-24 * (11) reversal
                    ; entry:herstel-1, reverses:e-6, reason:dubbel ingevoerd; zie "boodschappen-1"; c:\\tmp
                    org:zorgkring  25.00 ZMT
                    vol:jan-peeters  -25.00 ZMT


                """))
        #expect(writer.counts == ExportCounts(entries: 5, postings: 10))
    }

    @Test func reasonCannotEndItsTagOrStartAnother() throws {
        var ledger = try ExportFixture.walkthrough()
        try ledger.reverse("e-8", reason: ",\u{301}a, memo:x,b", memo: "soep; brood", at: "2026-11-24T10:00:00.000Z")
        var writer = HledgerWriter()
        #expect(
            try writer.export(ledger.entries).contains(
                """
                2026-11-24 * (9) reversal | soep, brood
                    ; entry:e-9, reverses:e-8, reason:;\u{301}a; memo:x;b

                """))
    }

    @Test func carriesBalancesBeforeTheRangeIntoOneOpeningTransaction() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = HledgerWriter(filter: try ExportFilter(from: "2026-11-22", to: nil, account: nil))
        let journal = try writer.export(ledger.entries)
        #expect(journal.contains("; range: entries committed from 2026-11-22 (UTC) on\n"))
        #expect(journal.contains("account org:zorgkring  ; type:L\n"), "accounts opened before the range are declared")
        #expect(
            journal.contains(
                """
                account equity:opening-balances  ; type:E

                2026-11-22 * opening balances
                    ; balances before 2026-11-22, through entry 6
                    org:zorgkring  -25.00 ZMT
                    vol:jan-peeters  25.00 ZMT
                    equity:opening-balances  0.00 ZMT

                2026-11-22 * (7) transfer | bedankt
                """))
        #expect(!journal.contains("(6) credit"))
        #expect(writer.counts == ExportCounts(entries: 2, postings: 4))
    }

    @Test func keepsWholeTransactionsOfTheAccountAndBalancesItsOpeningWithEquity() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = HledgerWriter(
            filter: try ExportFilter(from: "2026-11-22", to: "2026-11-22", account: "vol:jan-peeters"))
        let journal = try writer.export(ledger.entries)
        let transactions = journal.components(separatedBy: "\n\n").filter { $0.hasPrefix("2026-") }
        #expect(
            transactions == [
                """
                2026-11-22 * opening balances
                    ; balances before 2026-11-22, through entry 6
                    vol:jan-peeters  25.00 ZMT
                    equity:opening-balances  -25.00 ZMT
                """,
                """
                2026-11-22 * (7) transfer | bedankt
                    ; entry:e-7
                    vol:jan-peeters  -5.00 ZMT
                    vol:piet  5.00 ZMT
                """,
            ])
        #expect(!journal.contains("(8) redeem"), "entry 8 is past --to")
        #expect(journal.contains("account shop:bakker  ; type:A"), "every account opened by --to is declared")
    }

    @Test func opensNothingWhenNoBalanceCameBeforeTheRange() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = HledgerWriter(filter: try ExportFilter(from: "2026-11-01", to: nil, account: nil))
        let journal = try writer.export(ledger.entries)
        #expect(!journal.contains("* opening balances") && !journal.contains("account equity:"))
    }

    @Test func givesOpeningBalancesEvenWhenTheRangeHoldsNoEntry() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = HledgerWriter(filter: try ExportFilter(from: "2026-12-01", to: nil, account: nil))
        let journal = try writer.export(ledger.entries)
        #expect(
            journal.hasSuffix(
                """
                2026-12-01 * opening balances
                    ; balances before 2026-12-01, through entry 8
                    org:zorgkring  -25.00 ZMT
                    shop:bakker  7.50 ZMT
                    vol:jan-peeters  12.50 ZMT
                    vol:piet  5.00 ZMT
                    equity:opening-balances  0.00 ZMT


                """))
        #expect(writer.counts == ExportCounts(entries: 0, postings: 0))
    }

    @Test func sumsOpeningBalancesNearThe64BitLimitWithoutOverflow() throws {
        let big: Int64 = 9_000_000_000_000_000_000
        var ledger = try ExportFixture(at: "2026-11-20T09:00:00.000Z")
        for issuer in ["org:a", "org:b"] {
            try ledger.open(issuer, .issuer, name: issuer, min: -big, at: "2026-11-20T09:00:00.000Z")
        }
        for member in ["vol:a", "vol:b"] {
            try ledger.open(member, .member, name: member, at: "2026-11-20T09:00:00.000Z")
        }
        try ledger.tx(.credit, [("org:a", -big), ("vol:a", big)], at: "2026-11-20T10:00:00.000Z")
        try ledger.tx(.credit, [("org:b", -big), ("vol:b", big)], at: "2026-11-20T10:00:00.000Z")
        // org:a + org:b alone is beyond 64 bits; the whole sum is zero.
        var writer = HledgerWriter(filter: ExportFilter(from: CalendarDate("2026-11-21")))
        #expect(
            try writer.export(ledger.entries).hasSuffix(
                """
                    org:a  -90000000000000000.00 ZMT
                    org:b  -90000000000000000.00 ZMT
                    vol:a  90000000000000000.00 ZMT
                    vol:b  90000000000000000.00 ZMT
                    equity:opening-balances  0.00 ZMT


                """))
    }

    @Test func memoCannotStartAComment() throws {
        var ledger = try ExportFixture.walkthrough()
        try ledger.tx(
            .transfer, [("vol:piet", -100), ("vol:jan-peeters", 100)], memo: "soep; en brood | \"vers\"",
            at: "2026-11-24T10:00:00.000Z")
        try ledger.tx(
            .transfer, [("vol:piet", -100), ("vol:jan-peeters", 100)], memo: ";\u{301}x", at: "2026-11-24T10:00:00.000Z"
        )
        try ledger.tx(
            .transfer, [("vol:piet", -100), ("vol:jan-peeters", 100)], memo: "", at: "2026-11-24T10:00:00.000Z")
        var writer = HledgerWriter()
        let journal = try writer.export(ledger.entries)
        #expect(journal.contains("2026-11-24 * (9) transfer | soep, en brood | \"vers\"\n"))
        #expect(journal.contains("2026-11-24 * (10) transfer | ,\u{301}x\n"))
        #expect(journal.contains("2026-11-24 * (11) transfer\n"))
    }

    @Test func quotesASymbolWithDigitsAndMarksTheDecimalsAtEveryScale() throws {
        var ledger = try ExportFixture(
            currency: Currency(code: "Z2T", name: "twee", scale: 0), at: "2026-11-20T09:00:00.000Z")
        try ledger.open("org:z", .issuer, name: "Z", min: -1000, at: "2026-11-20T09:00:00.000Z")
        try ledger.open("vol:a", .member, name: "A", at: "2026-11-20T09:00:00.000Z")
        try ledger.tx(.credit, [("org:z", -1000), ("vol:a", 1000)], hours: "1", at: "2026-11-20T09:00:00.000Z")
        var writer = HledgerWriter()
        let journal = try writer.export(ledger.entries)
        #expect(journal.contains("\ncommodity 1000. \"Z2T\"\n"))
        #expect(journal.contains("    org:z  -1000 \"Z2T\"\n    vol:a  1000 \"Z2T\"\n"))
    }

    @Test func refusesAnAccountNamedLikeTheOpeningBalancesWhenItNeedsThem() throws {
        var ledger = try ExportFixture.walkthrough()
        try ledger.open("equity:opening-balances", .member, name: "Equity", at: "2026-11-24T10:00:00.000Z")
        let taken = try AccountID("equity:opening-balances")
        var withFrom = HledgerWriter(filter: ExportFilter(from: CalendarDate("2026-11-22")))
        #expect(throws: ExportError.reservedAccount(taken)) { try withFrom.export(ledger.entries) }
        #expect(throws: ExportError.reservedAccount(taken)) {
            try HledgerWriter.preflight(accounts: [taken], filter: ExportFilter(from: CalendarDate("2026-11-22")))
        }
        var whole = HledgerWriter()
        #expect(try whole.export(ledger.entries).contains("account equity:opening-balances  ; type:A"))
    }
}
