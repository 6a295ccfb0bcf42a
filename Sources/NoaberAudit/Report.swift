import Foundation
package import NoaberCore
package import NoaberProtocol

/// The figures funders and the municipality ask for, from the chain as it streams past (one bucket
/// per month, category or issuer; memory grows with the buckets and accounts, not the entries):
/// hours and coins credited, active volunteers, redeemed amounts, and the coins in circulation at
/// the end of the period (what members and merchants hold, which is minus what the issuers hold).
package struct ReportBuilder {
    package enum Grouping: String, Sendable, CaseIterable {
        case month, category, issuer
    }

    package struct Row: Sendable, Equatable {
        package var key: String
        package var credits = 0
        /// Hours in hundredths, so that sums stay exact.
        package var hundredths: Int64 = 0
        package var credited: Int64 = 0
        package var redeemed: Int64 = 0
        package var transferred: Int64 = 0
        /// Coins moved back by corrections (reversals) in the period.
        package var reversed: Int64 = 0
        /// Coins charged back to an issuer by demurrage in the period.
        package var demurrage: Int64 = 0
        package var volunteers = Set<AccountID>()
    }

    package let grouping: Grouping
    package let from: CalendarDate?
    package let to: CalendarDate?
    private var reader = ChainReader()
    private var rows: [String: Row] = [:]
    private var total = Row(key: "total")
    private var balances: [AccountID: Int64] = [:]

    package init(grouping: Grouping, from: CalendarDate?, to: CalendarDate?) {
        self.grouping = grouping
        self.from = from
        self.to = to
    }

    /// Feeds the next entry; returns false once entries are past the period (the rest can be skipped).
    package mutating func add(_ info: EntryInfo) throws(ExportError) -> Bool {
        let entry = try reader.read(info)
        if let to, entry.date > to { return false }
        guard case .transaction(let tx) = entry.payload.body else { return true }
        for posting in tx.postings {
            let (sum, overflow) = (balances[posting.account] ?? 0).addingReportingOverflow(posting.amount)
            guard !overflow else { throw .malformedEntry(seq: entry.seq, reason: "a balance overflows") }
            balances[posting.account] = sum
        }
        if let from, entry.date < from { return true }
        // Checked sums: a total that does not fit 64 bits is an error, never a wrapped number.
        func add(_ a: Int64, _ b: Int64) throws(ExportError) -> Int64 {
            let (sum, overflow) = a.addingReportingOverflow(b)
            guard !overflow else { throw .malformedEntry(seq: entry.seq, reason: "a report total overflows 64 bits") }
            return sum
        }
        let paid = tx.postings.filter { $0.amount > 0 }
        var amount: Int64 = 0
        for posting in paid { amount = try add(amount, posting.amount) }
        let key: String
        switch grouping {
        case .month: key = String(entry.date.text.prefix(7))
        case .category:
            key =
                tx.purpose == .credit
                ? (tx.category ?? (tx.hours == nil ? "(amount)" : "(ledger rate)")) : "(\(tx.purpose.rawValue))"
        case .issuer:
            key =
                tx.postings.first { $0.amount < 0 && reader.accounts[$0.account]?.kind == .issuer }?.account.rawValue
                ?? "(no issuer)"
        }
        var row = rows[key] ?? Row(key: key)
        for target in [0, 1] {
            var r = target == 0 ? row : total
            switch tx.purpose {
            case .credit:
                r.credits += 1
                r.credited = try add(r.credited, amount)
                if let hours = tx.hours, let parsed = try? Hours(hours) {
                    r.hundredths = try add(r.hundredths, parsed.hundredths)
                }
                for posting in paid where reader.accounts[posting.account]?.kind == .member {
                    r.volunteers.insert(posting.account)
                }
            case .redeem: r.redeemed = try add(r.redeemed, amount)
            case .transfer: r.transferred = try add(r.transferred, amount)
            case .reversal: r.reversed = try add(r.reversed, amount)
            case .demurrage: r.demurrage = try add(r.demurrage, amount)
            }
            if target == 0 { row = r } else { total = r }
        }
        rows[key] = row
        return true
    }

    /// The finished report.
    package func result() throws(ExportError) -> Report {
        var circulation: Int64 = 0
        for (account, balance) in balances where reader.accounts[account]?.kind != .issuer {
            let (sum, overflow) = circulation.addingReportingOverflow(balance)
            guard !overflow else { throw .malformedEntry(seq: 0, reason: "the coins in circulation overflow 64 bits") }
            circulation = sum
        }
        return Report(
            grouping: grouping, from: from?.text, to: to?.text, organisation: reader.ledger?.name ?? "",
            currency: reader.ledger?.currency ?? Currency(code: "", name: "", scale: 0),
            rows: rows.values.sorted { $0.key < $1.key }, total: total, circulation: circulation)
    }
}

package struct Report: Sendable {
    package enum Format: String, Sendable, CaseIterable {
        case text, csv, json
    }

    package var grouping: ReportBuilder.Grouping
    package var from, to: String?
    package var organisation: String
    package var currency: Currency
    package var rows: [ReportBuilder.Row]
    package var total: ReportBuilder.Row
    /// What members and merchants hold at the end of the period: the coins in circulation.
    package var circulation: Int64

    func hours(_ row: ReportBuilder.Row) -> String { Money.format(row.hundredths, scale: 2) }

    package func render(_ format: Format) throws -> String {
        let money = currency.format
        let header = [
            "\(grouping.rawValue)", "credits", "hours", "credited", "volunteers", "redeemed", "transferred", "reversed",
            "demurrage",
        ]
        func cells(_ row: ReportBuilder.Row) -> [String] {
            [
                row.key, "\(row.credits)", hours(row), money(row.credited), "\(row.volunteers.count)",
                money(row.redeemed),
                money(row.transferred), money(row.reversed), money(row.demurrage),
            ]
        }
        switch format {
        case .text:
            var table = Table(headers: header.map { $0.uppercased() }, rightAligned: [1, 2, 3, 4, 5, 6, 7, 8])
            table.rows = rows.map(cells) + [cells(total)]
            return """
                \(organisation): \(from ?? "the start") to \(to ?? "now"), in \(currency.code), by \(grouping.rawValue)
                \(table.render())
                in circulation at the end: \(money(circulation)) (held by members and merchants)

                """
        case .csv:
            let lines =
                [header] + rows.map(cells) + [
                    cells(total), ["in circulation", "", "", money(circulation), "", "", "", "", ""],
                ]
            return lines.map { $0.map(CSVWriter.textCell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        case .json:
            struct Out: Encodable {
                struct Line: Encodable {
                    var key: String
                    var credits: Int
                    var hours, credited, redeemed, transferred, reversed, demurrage: String
                    var volunteers: Int
                    var creditedMinorUnits, redeemedMinorUnits, transferredMinorUnits, reversedMinorUnits,
                        demurrageMinorUnits: Int64
                }
                var organisation, currency, groupedBy: String
                var from, to: String?
                var rows: [Line]
                var total: Line
                var circulation: String
                var circulationMinorUnits: Int64
            }
            func line(_ row: ReportBuilder.Row) -> Out.Line {
                Out.Line(
                    key: row.key, credits: row.credits, hours: hours(row), credited: money(row.credited),
                    redeemed: money(row.redeemed),
                    transferred: money(row.transferred), reversed: money(row.reversed), demurrage: money(row.demurrage),
                    volunteers: row.volunteers.count, creditedMinorUnits: row.credited,
                    redeemedMinorUnits: row.redeemed,
                    transferredMinorUnits: row.transferred, reversedMinorUnits: row.reversed,
                    demurrageMinorUnits: row.demurrage)
            }
            let encoder = RPCCoding.encoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            let out = Out(
                organisation: organisation, currency: currency.code, groupedBy: grouping.rawValue, from: from, to: to,
                rows: rows.map(line), total: line(total), circulation: money(circulation),
                circulationMinorUnits: circulation)
            return String(decoding: try encoder.encode(out), as: UTF8.self) + "\n"
        }
    }
}
