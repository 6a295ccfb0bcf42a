import Foundation
package import NoaberCore
package import NoaberProtocol

/// Renders an account's statement for people (text, printable HTML), spreadsheets (csv) and
/// scripts (json). Every format shows opening + the lines = closing; amounts are the currency's
/// decimals, never floating point.
package struct StatementRenderer: Sendable {
    package enum Format: String, Sendable, CaseIterable {
        case text, csv, json, html
    }

    package var organisation: String
    package var currency: Currency
    package var account: AccountInfo
    /// The period as the user gave it, for the heading (e.g. `2026-11-01` to `2026-11-30`).
    package var from: String?
    package var to: String?
    /// True when the lines were selected and ordered by commit time rather than by care date.
    package var byCommitDate: Bool
    package var opening: Int64
    package var lines: [HistoryLineInfo]
    package var closing: Int64
    /// The accounts and categories the lines name, with names where the reader may see them.
    package var counterparties: [CounterpartyInfo]
    package var categories: [CategoryName]

    package init(
        organisation: String, currency: Currency, account: AccountInfo, from: String?, to: String?,
        byCommitDate: Bool = false, opening: Int64, lines: [HistoryLineInfo], closing: Int64,
        counterparties: [CounterpartyInfo] = [], categories: [CategoryName] = []
    ) {
        self.organisation = organisation
        self.currency = currency
        self.account = account
        self.from = from
        self.to = to
        self.byCommitDate = byCommitDate
        self.opening = opening
        self.lines = lines
        self.closing = closing
        self.counterparties = counterparties
        self.categories = categories
    }

    var period: String {
        "\(from ?? "the start") to \(to ?? "now")" + (byCommitDate ? " by commit date" : " by care date")
    }
    func money(_ minor: Int64) -> String { currency.format(minor) }
    func committed(_ line: HistoryLineInfo) -> String { String(line.committedAt.prefix(10)) }
    func careDate(_ line: HistoryLineInfo) -> String { line.careDate ?? committed(line) }
    /// The day the statement counts the line for: its care date, or with `--by-commit-date` its commit day.
    func date(_ line: HistoryLineInfo) -> String { byCommitDate ? committed(line) : careDate(line) }
    /// The other of the two days, where it differs; empty where they are the same day.
    func otherDate(_ line: HistoryLineInfo) -> String {
        let other = byCommitDate ? careDate(line) : committed(line)
        return other == date(line) ? "" : other
    }
    var otherDateHeader: String { byCommitDate ? "CARE DATE" : "COMMITTED" }

    package func render(_ format: Format) throws -> String {
        switch format {
        case .text: text()
        case .csv: csv()
        case .json: try json()
        case .html: html()
        }
    }

    func note(_ line: HistoryLineInfo) -> String { Self.note(line) }

    /// The memo, and for a correction what it undid and why, or which entry undid it: wherever a
    /// reversal is listed, its reason is beside it.
    package static func note(_ line: HistoryLineInfo) -> String {
        let reversal = line.reverses.map { id in
            "reverses " + (line.reversesSeq.map { "\($0)" } ?? id) + (line.reason.map { ": \($0)" } ?? "")
        }
        let reversed = line.reversedBy.map { "reversed by \($0)" }
        return [reversal, line.memo, reversed].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "; ")
    }

    func text() -> String {
        var table = Table(
            headers: [
                "SEQ", "DATE", otherDateHeader, "WHAT", "COUNTERPARTY", "HOURS", "CATEGORY", "AMOUNT", "BALANCE",
                "NOTE",
            ],
            rightAligned: [0, 5, 7, 8])
        for line in lines {
            table.rows.append([
                "\(line.seq)", date(line), otherDate(line), line.purpose ?? "-",
                line.counterparties.joined(separator: ","), line.hours ?? "", line.category ?? "",
                money(line.amount), money(line.balanceAfter), note(line),
            ])
        }
        return """
            \(organisation): statement of \(account.account) (\(account.name)), \(period), in \(currency.code)
            opening balance  \(money(opening))
            \(table.render())
            closing balance  \(money(closing))

            """
    }

    static let csvHeader = [
        "seq", "care_date", "committed_at", "entry_id", "purpose", "counterparty", "hours", "category", "memo",
        "reason",
        "reverses", "reversed_by", "amount", "balance",
    ]

    func csv() -> String {
        func row(_ cells: [String]) -> String { cells.joined(separator: ",") + "\r\n" }
        func balanceRow(_ what: String, _ amount: Int64) -> String {
            row(Array(repeating: "", count: 4) + [what] + Array(repeating: "", count: 8) + [money(amount)])
        }
        var out = row(Self.csvHeader) + balanceRow("opening", opening)
        for line in lines {
            let texts = [
                line.entryId, line.purpose ?? "", line.counterparties.joined(separator: " "), line.hours ?? "",
                line.category ?? "", line.memo ?? "", line.reason ?? "", line.reverses ?? "",
            ].map(CSVWriter.textCell)
            out += row(
                ["\(line.seq)", careDate(line), line.committedAt] + texts
                    + [line.reversedBy.map { "\($0)" } ?? "", money(line.amount), money(line.balanceAfter)])
        }
        return out + balanceRow("closing", closing)
    }

    func json() throws -> String {
        struct Line: Encodable {
            var seq: Int64
            var entryId, date, careDate, committedAt: String
            var purpose, memo, hours, category, reason, reverses: String?
            var reversesSeq, reversedBy: Int64?
            var counterparties: [String]
            var amount, balance: String
            var amountMinorUnits, balanceMinorUnits: Int64
        }
        struct Output: Encodable {
            var organisation, account, name, currency, by: String
            var from, to: String?
            var opening, closing: String
            var openingMinorUnits, closingMinorUnits: Int64
            var lines: [Line]
            var counterparties: [CounterpartyInfo]
            var categories: [CategoryName]
        }
        let output = Output(
            organisation: organisation, account: account.account, name: account.name, currency: currency.code,
            by: byCommitDate ? StatementParams.byCommitTime : StatementParams.byCareDate, from: from, to: to,
            opening: money(opening), closing: money(closing), openingMinorUnits: opening, closingMinorUnits: closing,
            lines: lines.map {
                Line(
                    seq: $0.seq, entryId: $0.entryId, date: date($0), careDate: careDate($0),
                    committedAt: $0.committedAt,
                    purpose: $0.purpose, memo: $0.memo, hours: $0.hours, category: $0.category, reason: $0.reason,
                    reverses: $0.reverses, reversesSeq: $0.reversesSeq, reversedBy: $0.reversedBy,
                    counterparties: $0.counterparties, amount: money($0.amount), balance: money($0.balanceAfter),
                    amountMinorUnits: $0.amount, balanceMinorUnits: $0.balanceAfter)
            }, counterparties: counterparties, categories: categories)
        let encoder = RPCCoding.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        return String(decoding: try encoder.encode(output), as: UTF8.self) + "\n"
    }

    /// A page a volunteer can print: every text escaped, so a memo can never become markup.
    func html() -> String {
        func e(_ text: String) -> String {
            var out = ""
            for c in text.unicodeScalars {
                switch c {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&#39;"
                default: out.unicodeScalars.append(c)
                }
            }
            return out
        }
        var rows = ""
        for line in lines {
            let other = otherDate(line).isEmpty ? "" : "<br><small>\(e(otherDate(line)))</small>"
            rows +=
                "<tr><td class=n>\(line.seq)</td><td>\(e(date(line)))\(other)</td><td>\(e(line.purpose ?? "-"))</td><td>\(e(line.counterparties.joined(separator: ", ")))</td>"
            rows += "<td class=n>\(e(line.hours ?? ""))</td><td>\(e(line.category ?? ""))</td><td>\(e(note(line)))</td>"
            rows += "<td class=n>\(e(money(line.amount)))</td><td class=n>\(e(money(line.balanceAfter)))</td></tr>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="nl"><head><meta charset="utf-8"><title>\(e(organisation)): \(e(account.name))</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.3em;text-align:left}.n{text-align:right}@media print{body{margin:0}}</style>
            </head><body>
            <h1>\(e(organisation))</h1>
            <p>Statement of <strong>\(e(account.name))</strong> (\(e(account.account))), \(e(period)), in \(e(currency.name)) (\(e(currency.code)))</p>
            <table><thead><tr><th class=n>Seq</th><th>Date</th><th>What</th><th>Counterparty</th><th class=n>Hours</th><th>Category</th><th>Memo</th><th class=n>Amount</th><th class=n>Balance</th></tr></thead>
            <tbody>
            <tr><td colspan=8>Opening balance</td><td class=n>\(e(money(opening)))</td></tr>
            \(rows)<tr><td colspan=8><strong>Closing balance</strong></td><td class=n><strong>\(e(money(closing)))</strong></td></tr>
            </tbody></table>
            </body></html>

            """
    }
}
