package import NoaberCore

/// The languages statements and reports are printed in (`--lang`, else the ledger's setting).
package enum Language: String, Sendable, CaseIterable {
    case nl, en

    /// The ledger's setting, or English for a ledger that never chose (as before languages existed).
    package init(setting: String?) {
        self = setting.flatMap(Language.init(rawValue:)) ?? .en
    }

    package var words: Words { self == .nl ? .dutch : .english }
}

/// Every word a statement or report prints for people, per language: one table, so that a Dutch
/// page holds no English word. CSV headers and JSON keys stay English: scripts read them.
package struct Words: Sendable {
    var statementOf, theStart, now, through, byCareDate, byCommitDate, inCurrency: String
    var openingBalance, closingBalance: String
    var seq, date, committed, careDate, what, counterparty, hours, category, amount, balance, note: String
    var reverses, reversedBy: String
    var purposes: [Purpose: String]
    // Report.
    var groupings: [String: String]
    /// Before the grouping in a report's heading: "by category", "per categorie".
    var per: String
    var columns: [String: String]
    var total, inCirculation, heldBy, byAmount, byLedgerRate: String

    func purpose(_ raw: String?) -> String {
        raw.flatMap(Purpose.init(rawValue:)).flatMap { purposes[$0] } ?? raw ?? "-"
    }

    static let english = Words(
        statementOf: "statement of", theStart: "the start", now: "now", through: "to", byCareDate: "by care date",
        byCommitDate: "by commit date", inCurrency: "in", openingBalance: "opening balance",
        closingBalance: "closing balance", seq: "seq", date: "date", committed: "committed", careDate: "care date",
        what: "what", counterparty: "counterparty", hours: "hours", category: "category", amount: "amount",
        balance: "balance", note: "note", reverses: "reverses", reversedBy: "reversed by",
        purposes: [
            .credit: "credit", .transfer: "transfer", .redeem: "redeem", .reversal: "reversal",
            .demurrage: "demurrage",
        ],
        groupings: ["month": "month", "category": "category", "issuer": "issuer"], per: "by",
        columns: [
            "credits": "credits", "hours": "hours", "credited": "credited", "volunteers": "volunteers",
            "redeemed": "redeemed", "transferred": "transferred", "demurrage": "demurrage", "reversed": "reversed",
        ],
        total: "total", inCirculation: "in circulation at the end", heldBy: "held by members and merchants",
        byAmount: "(amount)", byLedgerRate: "(ledger rate)")

    static let dutch = Words(
        statementOf: "overzicht van", theStart: "het begin", now: "nu", through: "t/m", byCareDate: "op zorgdatum",
        byCommitDate: "op boekingsdatum", inCurrency: "in", openingBalance: "beginsaldo",
        closingBalance: "eindsaldo", seq: "nr", date: "datum", committed: "geboekt", careDate: "zorgdatum",
        what: "soort", counterparty: "tegenpartij", hours: "uren", category: "categorie", amount: "bedrag",
        balance: "saldo", note: "omschrijving", reverses: "corrigeert", reversedBy: "gecorrigeerd door",
        purposes: [
            .credit: "vergoeding", .transfer: "overboeking", .redeem: "besteding", .reversal: "correctie",
            .demurrage: "omloopheffing",
        ],
        groupings: ["month": "maand", "category": "categorie", "issuer": "uitgever"], per: "per",
        columns: [
            "credits": "vergoedingen", "hours": "uren", "credited": "vergoed", "volunteers": "vrijwilligers",
            "redeemed": "besteed", "transferred": "overgeboekt", "demurrage": "omloopheffing",
            "reversed": "gecorrigeerd",
        ],
        total: "totaal", inCirculation: "in omloop aan het eind", heldBy: "bij leden en winkels",
        byAmount: "(bedrag)", byLedgerRate: "(standaardtarief)")
}
