import NoaberAudit
import NoaberCore
import NoaberProtocol
import Testing

@Suite struct BeancountWriterTests {
    @Test func writesTheWalkthroughAsALedger() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = BeancountWriter()
        let text = try writer.export(ledger.entries)
        #expect(
            text == """
                ; Noaber ledger: Zorgkring Noord
                ; ledger id: \(ledger.ledgerID)
                ; range: every entry

                option "title" "Zorgkring Noord"
                option "operating_currency" "ZMT"

                2026-11-20 commodity ZMT
                  name: "zorgmunt"

                2026-11-20 open Liabilities:Org:Zorgkring ZMT
                  noaber_account: "org:zorgkring"
                  noaber_name: "Zorgkring Noord"

                2026-11-20 open Assets:Vol:Jan-peeters ZMT
                  noaber_account: "vol:jan-peeters"
                  noaber_name: "Jan Peeters"

                2026-11-20 open Assets:Vol:Piet ZMT
                  noaber_account: "vol:piet"
                  noaber_name: "Piet de Boer"

                2026-11-20 open Assets:Shop:Bakker ZMT
                  noaber_account: "shop:bakker"
                  noaber_name: "Bakkerij de Vries"

                2026-11-21 * "credit" "boodschappen mevrouw Jansen"
                  seq: 6
                  entry_id: "e-6"
                  hours: "2.5"
                  hour_rate: "10.00"
                  Liabilities:Org:Zorgkring  -25.00 ZMT
                  Assets:Vol:Jan-peeters  25.00 ZMT

                2026-11-22 * "transfer" "bedankt"
                  seq: 7
                  entry_id: "e-7"
                  Assets:Vol:Jan-peeters  -5.00 ZMT
                  Assets:Vol:Piet  5.00 ZMT

                2026-11-23 * "redeem" "brood"
                  seq: 8
                  entry_id: "e-8"
                  Assets:Vol:Jan-peeters  -7.50 ZMT
                  Assets:Shop:Bakker  7.50 ZMT


                """)
        #expect(writer.counts == ExportCounts(entries: 3, postings: 6))
    }

    @Test func givesTheCategoryAndRateOfACreditAndWhatAReversalUndoesAndWhy() throws {
        let ledger = try ExportFixture.corrected()
        var writer = BeancountWriter()
        let text = try writer.export(ledger.entries)
        #expect(
            text.hasSuffix(
                """
                2026-11-24 * "credit" "boodschappen"
                  seq: 10
                  entry_id: "boodschappen-1"
                  hours: "1.5"
                  category: "boodschappen"
                  hour_rate: "12.00"
                  Liabilities:Org:Zorgkring  -18.00 ZMT
                  Assets:Vol:Jan-peeters  18.00 ZMT

                2026-11-24 * "reversal" ""
                  seq: 11
                  entry_id: "herstel-1"
                  reverses: "e-6"
                  reason: "dubbel ingevoerd, zie \\"boodschappen-1\\"; c:\\\\tmp"
                  Liabilities:Org:Zorgkring  25.00 ZMT
                  Assets:Vol:Jan-peeters  -25.00 ZMT


                """))
        #expect(writer.counts == ExportCounts(entries: 5, postings: 10))
    }

    @Test func namesAccountsByKindAndParts() throws {
        #expect(BeancountNames.account(try AccountID("org:zorgkring"), kind: .issuer) == "Liabilities:Org:Zorgkring")
        #expect(BeancountNames.account(try AccountID("vol:jan_peeters"), kind: .member) == "Assets:Vol:Jan-peeters")
        #expect(
            BeancountNames.account(try AccountID("shop:cafe.de_hoek"), kind: .merchant) == "Assets:Shop:Cafe-de-hoek")
        #expect(BeancountNames.account(try AccountID("vol:2de-straat:x"), kind: .member) == "Assets:Vol:2de-straat:X")
        #expect(BeancountNames.account(try AccountID("org"), kind: .issuer) == "Liabilities:Org")
    }

    @Test func escapesQuotesAndBackslashes() throws {
        var ledger = try ExportFixture(name: "De \"Zorg\\kring\"", at: "2026-11-20T09:00:00.000Z")
        try ledger.open("org:z", .issuer, name: "Zorg \"Z\"", min: -100_000, at: "2026-11-20T09:00:00.000Z")
        try ledger.open("vol:a", .member, name: "A\\B", at: "2026-11-20T09:00:00.000Z")
        try ledger.tx(
            .credit, [("org:z", -100), ("vol:a", 100)], memo: "zei \"dank\" \\o/; ok", at: "2026-11-21T09:00:00.000Z")
        var writer = BeancountWriter()
        let text = try writer.export(ledger.entries)
        #expect(text.contains("option \"title\" \"De \\\"Zorg\\\\kring\\\"\"\n"))
        #expect(text.contains("  noaber_name: \"Zorg \\\"Z\\\"\"\n"))
        #expect(text.contains("  noaber_name: \"A\\\\B\"\n"))
        #expect(text.contains("2026-11-21 * \"credit\" \"zei \\\"dank\\\" \\\\o/; ok\"\n"))
    }

    @Test func refusesTwoAccountsThatWouldShareAName() throws {
        var ledger = try ExportFixture.walkthrough()
        try ledger.open("vol:jan_peeters", .member, name: "Jan (2)", at: "2026-11-24T09:00:00.000Z")
        let error = ExportError.beancountNameCollision(
            name: "Assets:Vol:Jan-peeters", first: try AccountID("vol:jan-peeters"),
            second: try AccountID("vol:jan_peeters"))
        var writer = BeancountWriter()
        #expect(throws: error) { try writer.export(ledger.entries) }
        // The CLI checks the daemon's account list first, so that nothing at all is written.
        let accounts = ledger.state.accounts.values.map { ($0.id, $0.kind) }
        #expect(throws: error) { try BeancountNames.check(accounts: accounts, currency: "ZMT") }
        #expect(error.description.contains("vol:jan-peeters and vol:jan_peeters would both be Assets:Vol:Jan-peeters"))
        // Same parts under different roots do not collide.
        try BeancountNames.check(
            accounts: [
                (try AccountID("x:a"), .issuer), (try AccountID("x:a_"), .issuer), (try AccountID("y"), .member),
            ], currency: "ZMT")
    }

    @Test func refusesACurrencyBeancountCannotNameBeforeWritingAnything() throws {
        let ledger = try ExportFixture(
            currency: Currency(code: "10ZMT", name: "tien", scale: 2), at: "2026-11-20T09:00:00.000Z")
        var writer = BeancountWriter()
        var output = ""
        #expect(throws: ExportError.beancountCurrency("10ZMT")) { try writer.write(ledger.entries[0], into: &output) }
        #expect(output.isEmpty)
        #expect(throws: ExportError.beancountCurrency("10ZMT")) {
            try BeancountNames.check(accounts: [], currency: "10ZMT")
        }
        try BeancountNames.check(accounts: [], currency: "Z10")
    }

    @Test func carriesBalancesBeforeTheRangeIntoOneOpeningTransaction() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = BeancountWriter(filter: try ExportFilter(from: "2026-11-23", to: nil, account: "shop:bakker"))
        let text = try writer.export(ledger.entries)
        #expect(
            text.hasSuffix(
                """
                2026-11-20 open Assets:Shop:Bakker ZMT
                  noaber_account: "shop:bakker"
                  noaber_name: "Bakkerij de Vries"

                2026-11-23 * "redeem" "brood"
                  seq: 8
                  entry_id: "e-8"
                  Assets:Vol:Jan-peeters  -7.50 ZMT
                  Assets:Shop:Bakker  7.50 ZMT


                """), "shop:bakker had nothing before the range, so there is no opening transaction")

        var jan = BeancountWriter(filter: try ExportFilter(from: "2026-11-23", to: nil, account: "vol:jan-peeters"))
        #expect(
            try jan.export(ledger.entries).contains(
                """
                2026-11-23 open Equity:Opening-Balances ZMT

                2026-11-23 * "opening balances" "balances before 2026-11-23, through entry 7"
                  Assets:Vol:Jan-peeters  20.00 ZMT
                  Equity:Opening-Balances  -20.00 ZMT

                2026-11-23 * "redeem" "brood"
                """))
    }
}
