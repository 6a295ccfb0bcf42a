import Foundation
package import NoaberCore
package import NoaberProtocol

package struct Report: Sendable {
    package enum Format: String, Sendable, CaseIterable {
        case text, csv, json
    }

    package var grouping: ReportBuilder.Grouping
    package var from, to: String?
    /// True when entries counted on their commit day rather than their care date.
    package var byCommitDate: Bool
    package var organisation: String
    package var currency: Currency
    package var rows: [ReportBuilder.Row]
    package var total: ReportBuilder.Row
    /// What members and merchants hold at the end of the period: the coins in circulation.
    package var circulation: Int64
    /// Names for the rows' keys where the chain gives them (categories, issuers); the key else.
    package var names: [String: String] = [:]
    /// The language of the text form (csv and json keep their English keys for scripts).
    package var language: Language = .en

    func hours(_ row: ReportBuilder.Row) -> String { Money.format(row.hundredths, scale: 2) }

    /// The columns, and which of them a row of this grouping has: redemptions and transfers
    /// belong to no category or issuer, and demurrage to no category, so those rows leave them
    /// blank; the total has them all.
    static let columns = [
        "credits", "hours", "credited", "volunteers", "redeemed", "transferred", "demurrage", "reversed",
    ]
    func applies(_ column: String, isTotal: Bool) -> Bool {
        switch (grouping, column) {
        case (.category, "redeemed"), (.category, "transferred"), (.category, "demurrage"),
            (.issuer, "redeemed"), (.issuer, "transferred"):
            isTotal
        default: true
        }
    }

    func cells(_ row: ReportBuilder.Row, isTotal: Bool = false) -> [String] {
        let money = currency.format
        let values = [
            "\(row.credits)", hours(row), money(row.credited), "\(row.volunteers)", money(row.redeemed),
            money(row.transferred), money(row.demurrage), money(row.reversed),
        ]
        return [row.key] + zip(Self.columns, values).map { applies($0, isTotal: isTotal) ? $1 : "" }
    }

    var heading: String {
        let w = language.words
        let dates = byCommitDate ? w.byCommitDate : w.byCareDate
        let by = w.groupings[grouping.rawValue] ?? grouping.rawValue
        return
            "\(organisation): \(from ?? w.theStart) \(w.through) \(to ?? w.now) \(dates), \(w.inCurrency) \(currency.code), \(w.per) \(by)"
    }

    /// A row as people read it: the name for its key, in the report's language.
    func named(_ row: ReportBuilder.Row) -> ReportBuilder.Row {
        let w = language.words
        var row = row
        switch row.key {
        case "total": row.key = w.total
        case "(amount)": row.key = w.byAmount
        case "(ledger rate)": row.key = w.byLedgerRate
        default: row.key = names[row.key] ?? row.key
        }
        return row
    }

    package func render(_ format: Format) throws -> String {
        let header = [grouping.rawValue] + Self.columns
        switch format {
        case .text:
            let w = language.words
            let words = [w.groupings[grouping.rawValue] ?? grouping.rawValue] + Self.columns.map { w.columns[$0] ?? $0 }
            var table = Table(headers: words.map { $0.uppercased() }, rightAligned: Set(1...Self.columns.count))
            table.rows = rows.map { cells(named($0)) } + [cells(named(total), isTotal: true)]
            return """
                \(heading)
                \(table.render())
                \(w.inCirculation): \(currency.format(circulation)) (\(w.heldBy))

                """
        case .csv:
            let circulationRow =
                ["in circulation", "", "", currency.format(circulation)] + Array(repeating: "", count: 5)
            let lines = [header] + rows.map { cells($0) } + [cells(total, isTotal: true), circulationRow]
            return lines.map { $0.map(CSVWriter.textCell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        case .json:
            return try json()
        }
    }

    func json() throws -> String {
        struct Line: Encodable {
            var key: String
            var credits, volunteers: Int
            var hours, credited, reversed: String
            var redeemed, transferred, demurrage: String?
            var creditedMinorUnits, reversedMinorUnits: Int64
            var redeemedMinorUnits, transferredMinorUnits, demurrageMinorUnits: Int64?
        }
        struct Out: Encodable {
            var organisation, currency, groupedBy, dates: String
            var from, to: String?
            var rows: [Line]
            var total: Line
            var circulation: String
            var circulationMinorUnits: Int64
        }
        let money = currency.format
        func line(_ row: ReportBuilder.Row, isTotal: Bool = false) -> Line {
            func optional(_ column: String, _ value: Int64) -> (String?, Int64?) {
                applies(column, isTotal: isTotal) ? (money(value), value) : (nil, nil)
            }
            let (redeemed, redeemedMinor) = optional("redeemed", row.redeemed)
            let (transferred, transferredMinor) = optional("transferred", row.transferred)
            let (demurrage, demurrageMinor) = optional("demurrage", row.demurrage)
            return Line(
                key: row.key, credits: row.credits, volunteers: row.volunteers, hours: hours(row),
                credited: money(row.credited), reversed: money(row.reversed), redeemed: redeemed,
                transferred: transferred, demurrage: demurrage, creditedMinorUnits: row.credited,
                reversedMinorUnits: row.reversed, redeemedMinorUnits: redeemedMinor,
                transferredMinorUnits: transferredMinor, demurrageMinorUnits: demurrageMinor)
        }
        let encoder = RPCCoding.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        let out = Out(
            organisation: organisation, currency: currency.code, groupedBy: grouping.rawValue,
            dates: byCommitDate ? StatementParams.byCommitTime : StatementParams.byCareDate, from: from, to: to,
            rows: rows.map { line($0) }, total: line(total, isTotal: true), circulation: money(circulation),
            circulationMinorUnits: circulation)
        return String(decoding: try encoder.encode(out), as: UTF8.self) + "\n"
    }
}
