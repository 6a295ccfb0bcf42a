import NoaberCore
import NoaberProtocol
import NoaberTestSupport

extension ExportFixture {
    /// A ledger of `transactions` random transactions from a seeded generator: credits (by the hour,
    /// at the ledger's rate or a care category's, and by amount), transfers to one or two receivers,
    /// redemptions and reversals, over a few weeks, with memos and reasons that try every character
    /// the formats treat specially. Accounts include a parent and its child (`org` and
    /// `org:zorgkring`), ids with `_` and `.`, and two accounts opened halfway, when one category's
    /// rate changes too.
    // size: one seeded generator; split, its draws from `rng` would be harder to follow in order.
    static func random(seed: UInt64, transactions: Int, currency: Currency) throws -> ExportFixture {
        var rng = SplitMix64(seed: seed)
        var ledger = try ExportFixture(
            name: "Buurtkring \"Random\" \\ \(seed)", currency: currency, at: "2026-09-01T08:00:00.000Z")
        var clock = Timestamp(rfc3339: "2026-09-01T08:00:00.000Z")!.millisecondsSinceEpoch
        func tick() -> String {
            // Up to 7 hours apart, sometimes in the same millisecond: commit times only never decrease.
            clock +=
                Int64.random(in: 0..<(7 * 3_600_000), using: &rng)
                * Int64(Int.random(in: 0..<4, using: &rng) == 0 ? 0 : 1)
            return Timestamp(millisecondsSinceEpoch: clock).rfc3339
        }
        let issuers = ["org", "org:zorgkring", "org:buurt_hulp.oost"]
        var members = ["vol:jan-peeters", "vol:piet", "vol:anna_de.vries", "vol:2de-straat", "vol:x", "vol:ria:junior"]
        var merchants = ["shop:bakker", "shop:cafe.de_hoek", "shop"]
        for issuer in issuers {
            try ledger.open(issuer, .issuer, name: "Issuer \(issuer)", min: -1_000_000_000, at: tick())
        }
        for member in members { try ledger.open(member, .member, name: "Lid \(member)", at: tick()) }
        for merchant in merchants { try ledger.open(merchant, .merchant, name: "Winkel \"\(merchant)\"", at: tick()) }
        // Rates that make every `hours` below a whole number of minor units, at scale 0 too.
        try ledger.category("boodschappen", name: "Boodschappen", hourRate: 1200, at: tick())
        try ledger.category("vervoer", name: "Vervoer, \"taxi\"", hourRate: 800, at: tick())

        let (memos, reasons) = (AwkwardText.memos, AwkwardText.reasons)
        let hours = ["0.25", "1", "1.5", "2.5", "3", "8"]
        let categories: [String?] = [nil, "boodschappen", "vervoer"]
        func balance(_ id: String) -> Int64 { ledger.state.accounts[try! AccountID(id)]?.balance ?? 0 }
        // The transactions not reversed yet whose reversal no balance forbids.
        func reversible() -> [String] {
            ledger.entries.filter { entry in
                guard let tx = ledger.transactions[entry.seq], tx.purpose != .reversal else { return false }
                let reversed = ledger.transactions.values.contains { $0.reverses == entry.id }
                return !reversed
                    && tx.postings.allSatisfy { posting in
                        let account = ledger.state.accounts[posting.account]!
                        return account.balance - posting.amount >= account.minBalance
                    }
            }.map(\.id)
        }

        for index in 0..<transactions {
            if index == transactions / 2 {
                members.append("vol:late_comer")
                merchants.append("shop:late.shop")
                try ledger.open("vol:late_comer", .member, name: "Nieuw lid", at: tick())
                try ledger.open("shop:late.shop", .merchant, name: "Nieuwe winkel", at: tick())
                try ledger.category("boodschappen", name: "Boodschappen", hourRate: 1400, at: tick())
            }
            let memo = memos.randomElement(using: &rng)!
            let spenders = (members + merchants).filter { balance($0) > 0 }
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll >= 92, let original = reversible().randomElement(using: &rng) {
                try ledger.reverse(original, reason: reasons.randomElement(using: &rng)!, memo: memo, at: tick())
            } else if roll < 40 || spenders.isEmpty {
                let issuer = issuers.randomElement(using: &rng)!
                let member = members.randomElement(using: &rng)!
                if Bool.random(using: &rng) {
                    let h = hours.randomElement(using: &rng)!
                    let category = categories.randomElement(using: &rng)!
                    let rate = category.map { ledger.state.categories[$0]!.hourRate } ?? hourRate
                    let amount = try Hours(h).amount(atRate: rate)
                    try ledger.tx(
                        .credit, [(issuer, -amount), (member, amount)], memo: memo, hours: h, category: category,
                        at: tick())
                } else {
                    let amount = Int64.random(in: 1...50_000, using: &rng)
                    try ledger.tx(.credit, [(issuer, -amount), (member, amount)], memo: memo, at: tick())
                }
            } else if roll < 75 {
                let from = spenders.randomElement(using: &rng)!
                let others = (members + merchants).filter { $0 != from }.shuffled(using: &rng)
                let amount = Int64.random(in: 1...balance(from), using: &rng)
                if amount >= 2 && Bool.random(using: &rng) {
                    let first = Int64.random(in: 1..<amount, using: &rng)
                    try ledger.tx(
                        .transfer, [(from, -amount), (others[0], first), (others[1], amount - first)], memo: memo,
                        at: tick())
                } else {
                    try ledger.tx(.transfer, [(from, -amount), (others[0], amount)], memo: memo, at: tick())
                }
            } else {
                guard let member = members.filter({ balance($0) > 0 }).randomElement(using: &rng) else { continue }
                let amount = Int64.random(in: 1...balance(member), using: &rng)
                try ledger.tx(
                    .redeem, [(member, -amount), (merchants.randomElement(using: &rng)!, amount)], memo: memo,
                    at: tick())
            }
        }
        return ledger
    }

    /// The UTC day of the transaction halfway through the chain: a `--from` with history on both sides.
    var middleDay: String {
        let transactions = entries.filter { $0.kind == EntryKind.transaction.rawValue }
        return String(transactions[transactions.count / 2].committedAt.prefix(10))
    }
}

/// Memos and reasons that try every character the export formats treat specially.
private enum AwkwardText {
    static let memos: [String?] = [
        nil, "", "boodschappen", "soep; en brood", "zei \"dank\"", "back\\slash", "ends with \\", "=SUM(A1:A2)",
        "+31 6 1234", "-korting", "@home", "x | y | z", "café ☕ naïve", "#5 * (12)", "  spaced  ", "komma, punt.",
        "; begins with a semicolon", "line\u{2028}separator", "tag: value, other:1", "e\u{301}",
    ]
    static let reasons = [
        "dubbel ingevoerd", "verkeerd lid, zie mail", "a,b,,c", "; begint met een puntkomma", "zei \"oeps\"",
        "back\\slash",
        "=SUM(A1:A2)", "-1 uur", "tag: value, other:1", "  spaced  ", "line\u{2028}separator", ",\u{301}x",
        "[2026-01-01] date:2026-01-02",
    ]
}
