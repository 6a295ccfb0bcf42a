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
    package var opening: Int64
    package var lines: [HistoryLineInfo]
    package var closing: Int64

    package init(
        organisation: String, currency: Currency, account: AccountInfo, from: String?, to: String?, opening: Int64,
        lines: [HistoryLineInfo], closing: Int64
    ) {
        self.organisation = organisation
        self.currency = currency
        self.account = account
        self.from = from
        self.to = to
        self.opening = opening
        self.lines = lines
        self.closing = closing
    }

    var period: String { "\(from ?? "the start") to \(to ?? "now")" }
    func money(_ minor: Int64) -> String { currency.format(minor) }
    func date(_ line: HistoryLineInfo) -> String { String(line.committedAt.prefix(10)) }

    package func render(_ format: Format) throws -> String {
        switch format {
        case .text: text()
        case .csv: csv()
        case .json: try json()
        case .html: html()
        }
    }

    /// The memo, after the day of care when the credit names one.
    func note(_ line: HistoryLineInfo) -> String {
        [line.careDate.map { "care on \($0)" }, line.memo].compactMap { $0 }.joined(separator: "; ")
    }

    func text() -> String {
        var table = Table(
            headers: ["DATE", "WHAT", "COUNTERPARTY", "HOURS", "CATEGORY", "AMOUNT", "BALANCE", "MEMO"],
            rightAligned: [3, 5, 6])
        for line in lines {
            table.rows.append([
                date(line), line.purpose ?? "-", line.counterparties.joined(separator: ","), line.hours ?? "",
                line.category ?? "",
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

    func csv() -> String {
        var out = "date,seq,entry_id,purpose,counterparty,hours,category,care_date,memo,amount,balance\r\n"
        out += ",,,opening,,,,,,,\(money(opening))\r\n"
        for line in lines {
            let cells = [
                date(line), "\(line.seq)", CSVWriter.textCell(line.entryId), line.purpose ?? "",
                CSVWriter.textCell(line.counterparties.joined(separator: " ")), line.hours ?? "",
                CSVWriter.textCell(line.category ?? ""),
                line.careDate ?? "", CSVWriter.textCell(line.memo ?? ""), money(line.amount), money(line.balanceAfter),
            ]
            out += cells.joined(separator: ",") + "\r\n"
        }
        return out + ",,,closing,,,,,,,\(money(closing))\r\n"
    }

    func json() throws -> String {
        struct Line: Encodable {
            var seq: Int64
            var entryId, date, committedAt: String
            var purpose, memo, hours, category, careDate: String?
            var counterparties: [String]
            var amount, balance: String
            var amountMinorUnits, balanceMinorUnits: Int64
        }
        struct Output: Encodable {
            var organisation, account, name, currency: String
            var from, to: String?
            var opening, closing: String
            var openingMinorUnits, closingMinorUnits: Int64
            var lines: [Line]
        }
        let output = Output(
            organisation: organisation, account: account.account, name: account.name, currency: currency.code,
            from: from, to: to,
            opening: money(opening), closing: money(closing), openingMinorUnits: opening, closingMinorUnits: closing,
            lines: lines.map {
                Line(
                    seq: $0.seq, entryId: $0.entryId, date: date($0), committedAt: $0.committedAt, purpose: $0.purpose,
                    memo: $0.memo,
                    hours: $0.hours, category: $0.category, careDate: $0.careDate, counterparties: $0.counterparties,
                    amount: money($0.amount),
                    balance: money($0.balanceAfter), amountMinorUnits: $0.amount, balanceMinorUnits: $0.balanceAfter)
            })
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
            rows +=
                "<tr><td>\(e(date(line)))</td><td>\(e(line.purpose ?? "-"))</td><td>\(e(line.counterparties.joined(separator: ", ")))</td>"
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
            <table><thead><tr><th>Date</th><th>What</th><th>Counterparty</th><th class=n>Hours</th><th>Category</th><th>Memo</th><th class=n>Amount</th><th class=n>Balance</th></tr></thead>
            <tbody>
            <tr><td colspan=7>Opening balance</td><td class=n>\(e(money(opening)))</td></tr>
            \(rows)<tr><td colspan=7><strong>Closing balance</strong></td><td class=n><strong>\(e(money(closing)))</strong></td></tr>
            </tbody></table>
            </body></html>

            """
    }
}
