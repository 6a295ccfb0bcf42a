import Foundation
import NoaberAudit
import NoaberCore
import NoaberProtocol
import Testing

/// The journals are only right if the tools read them as Noaber means them: these run hledger
/// and beancount on a random ledger of a few hundred transactions and compare every account's
/// balance with the balances Noaber's own rules replay.
@Suite struct ExternalToolTests {
    static let seed: UInt64 = 20_261_123
    static let currencies = [
        Currency(code: "ZMT", name: "zorgmunt", scale: 2), Currency(code: "Z2T", name: "twee", scale: 0),
    ]

    @Test(.enabled(if: ExternalTools.hledger != nil, "hledger is not on PATH"), arguments: currencies)
    func hledgerBalancesEqualNoabers(_ currency: Currency) throws {
        let ledger = try ExportFixture.random(seed: Self.seed, transactions: 400, currency: currency)
        var whole = HledgerWriter()
        try expectSame(
            try ExternalTools.hledgerBalances(try whole.export(ledger.entries), scale: currency.scale), ledger.balances,
            opening: 0)

        let from = ledger.middleDay
        var fromMiddle = HledgerWriter(filter: try ExportFilter(from: from, to: nil, account: nil))
        let journal = try fromMiddle.export(ledger.entries)
        #expect(journal.contains("\(from) * opening balances\n"))
        try expectSame(try ExternalTools.hledgerBalances(journal, scale: currency.scale), ledger.balances, opening: 0)

        var toMiddle = HledgerWriter(filter: try ExportFilter(from: nil, to: from, account: nil))
        try expectSame(
            try ExternalTools.hledgerBalances(try toMiddle.export(ledger.entries), scale: currency.scale),
            try ledger.balances(through: from), opening: 0)

        let jan = try AccountID("vol:jan-peeters")
        var janOnly = HledgerWriter(filter: try ExportFilter(from: from, to: nil, account: jan.rawValue))
        let janBalances = try ExternalTools.hledgerBalances(try janOnly.export(ledger.entries), scale: currency.scale)
        #expect(janBalances[jan.rawValue] == ledger.balances[jan])
        print(
            "hledger (\(currency.code), scale \(currency.scale)): \(ledger.entries.count) entries; hledger balance equals Noaber's \(ledger.balances.count) accounts for the whole journal, --from \(from), --to \(from), and \(jan) from \(from)"
        )
    }

    @Test(
        .enabled(
            if: ExternalTools.beanCheck != nil && ExternalTools.beanQuery != nil,
            "bean-check or bean-query is not on PATH"),
        arguments: currencies)
    func beancountBalancesEqualNoabers(_ currency: Currency) throws {
        let ledger = try ExportFixture.random(seed: Self.seed, transactions: 400, currency: currency)
        let names = Dictionary(
            uniqueKeysWithValues: ledger.state.accounts.values.map {
                (BeancountNames.account($0.id, kind: $0.kind), $0.id.rawValue)
            })
        func noaberNames(_ balances: [String: Int64]) -> [String: Int64] {
            Dictionary(uniqueKeysWithValues: balances.map { (names[$0.key] ?? $0.key, $0.value) })
        }
        var whole = BeancountWriter()
        try expectSame(
            noaberNames(try ExternalTools.beancountBalances(try whole.export(ledger.entries), scale: currency.scale)),
            ledger.balances, opening: 0, openingAccount: BeancountNames.openingAccount)

        let from = ledger.middleDay
        var fromMiddle = BeancountWriter(filter: try ExportFilter(from: from, to: nil, account: nil))
        let text = try fromMiddle.export(ledger.entries)
        #expect(text.contains("\(from) * \"opening balances\""))
        try expectSame(
            noaberNames(try ExternalTools.beancountBalances(text, scale: currency.scale)), ledger.balances, opening: 0,
            openingAccount: BeancountNames.openingAccount)

        let piet = try AccountID("vol:piet")
        var pietOnly = BeancountWriter(filter: try ExportFilter(from: from, to: nil, account: piet.rawValue))
        let pietBalances = noaberNames(
            try ExternalTools.beancountBalances(try pietOnly.export(ledger.entries), scale: currency.scale))
        #expect(pietBalances[piet.rawValue] == ledger.balances[piet])
        print(
            "beancount (\(currency.code), scale \(currency.scale)): \(ledger.entries.count) entries; bean-check passes and bean-query equals Noaber's \(ledger.balances.count) accounts for the whole ledger, --from \(from), and \(piet) from \(from)"
        )
    }

    static let beancountKeys = ["entry_id", "hours", "category", "hour_rate", "reverses", "reason"]

    @Test(.enabled(if: ExternalTools.hledger != nil, "hledger is not on PATH"))
    func hledgerReadsTheTagsOfACategoryCreditAndAReversal() throws {
        let ledger = try ExportFixture.corrected()
        var writer = HledgerWriter()
        #expect(
            try ExternalTools.hledgerTags(try writer.export(ledger.entries)) == [
                6: [["entry", "e-6"], ["hours", "2.5"], ["rate", "10.00"]],
                7: [["entry", "e-7"]],
                8: [["entry", "e-8"]],
                10: [
                    ["entry", "boodschappen-1"], ["hours", "1.5"], ["category", "boodschappen"], ["rate", "12.00"],
                ],
                // The reason's comma is a semicolon: a comma would end the tag's value there.
                11: [
                    ["entry", "herstel-1"], ["reverses", "e-6"],
                    ["reason", "dubbel ingevoerd; zie \"boodschappen-1\"; c:\\tmp"],
                ],
            ])
    }

    @Test(
        .enabled(
            if: ExternalTools.beanCheck != nil && ExternalTools.beanQuery != nil,
            "bean-check or bean-query is not on PATH"))
    func beancountReadsTheMetadataOfACategoryCreditAndAReversal() throws {
        let ledger = try ExportFixture.corrected()
        var writer = BeancountWriter()
        #expect(
            try ExternalTools.beancountMetadata(try writer.export(ledger.entries), keys: Self.beancountKeys) == [
                6: ["e-6", "2.5", "", "10.00", "", ""],
                7: ["e-7", "", "", "", "", ""],
                8: ["e-8", "", "", "", "", ""],
                10: ["boodschappen-1", "1.5", "boodschappen", "12.00", "", ""],
                11: ["herstel-1", "", "", "", "e-6", "dubbel ingevoerd, zie \"boodschappen-1\"; c:\\tmp"],
            ])
    }

    /// hledger reads each transaction's tags as Noaber's fields, whatever the memos and reasons hold.
    @Test(.enabled(if: ExternalTools.hledger != nil, "hledger is not on PATH"), arguments: currencies)
    func hledgerReadsEveryTagOfARandomLedger(_ currency: Currency) throws {
        let ledger = try ExportFixture.random(seed: Self.seed, transactions: 400, currency: currency)
        var expected: [Int64: [[String]]] = [:]
        for (seq, tx) in ledger.transactions {
            var tags = [["entry", ledger.entries[Int(seq) - 1].id]]
            if let hours = tx.hours { tags.append(["hours", hours]) }
            if let category = tx.category { tags.append(["category", category]) }
            if let rate = tx.hourRate { tags.append(["rate", currency.format(rate)]) }
            if let reverses = tx.reverses { tags.append(["reverses", reverses]) }
            if let reason = tx.reason {
                // Its commas written as semicolons; hledger trims the spaces around a value.
                let value = String(String.UnicodeScalarView(reason.unicodeScalars.map { $0 == "," ? ";" : $0 }))
                tags.append(["reason", value.trimmingCharacters(in: .whitespaces)])
            }
            expected[seq] = tags
        }
        var writer = HledgerWriter()
        let tags = try ExternalTools.hledgerTags(try writer.export(ledger.entries))
        #expect(tags.count == expected.count)
        for (seq, want) in expected.sorted(by: { $0.key < $1.key }) { #expect(tags[seq] == want, "seq \(seq)") }
        let reversals = ledger.transactions.values.filter { $0.reverses != nil }.count
        let categories = ledger.transactions.values.filter { $0.category != nil }.count
        #expect(reversals > 10 && categories > 10, "the random ledger has reversals and category credits")
        print(
            "hledger (\(currency.code)): the tags of \(tags.count) transactions, \(reversals) reversals and \(categories) category credits among them, read as written"
        )
    }

    /// beancount reads each transaction's metadata as Noaber's fields, exactly.
    @Test(
        .enabled(
            if: ExternalTools.beanCheck != nil && ExternalTools.beanQuery != nil,
            "bean-check or bean-query is not on PATH"),
        arguments: currencies)
    func beancountReadsEveryMetadataValueOfARandomLedger(_ currency: Currency) throws {
        let ledger = try ExportFixture.random(seed: Self.seed, transactions: 400, currency: currency)
        var writer = BeancountWriter()
        let metadata = try ExternalTools.beancountMetadata(try writer.export(ledger.entries), keys: Self.beancountKeys)
        #expect(metadata.count == ledger.transactions.count)
        for (seq, tx) in ledger.transactions.sorted(by: { $0.key < $1.key }) {
            let want = [
                ledger.entries[Int(seq) - 1].id, tx.hours, tx.category, tx.hourRate.map { currency.format($0) },
                tx.reverses, tx.reason,
            ]
            #expect(metadata[seq] == want.map { $0 ?? "" }, "seq \(seq)")
        }
    }

    /// Every Noaber account has its balance in the tool (a missing account is zero), and the tool has
    /// no other account but the opening-balances one, at `opening`.
    private func expectSame(
        _ tool: [String: Int64], _ noaber: [AccountID: Int64], opening: Int64,
        openingAccount: String = HledgerWriter.openingAccount, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(noaber.count > 10, sourceLocation: sourceLocation)
        for (account, balance) in noaber {
            #expect(tool[account.rawValue, default: 0] == balance, "\(account)", sourceLocation: sourceLocation)
        }
        let others = tool.filter { key, _ in !noaber.keys.contains { $0.rawValue == key } }
        #expect(others.filter { $0.key != openingAccount }.isEmpty, "\(others)", sourceLocation: sourceLocation)
        #expect(others[openingAccount, default: 0] == opening, sourceLocation: sourceLocation)
    }
}
