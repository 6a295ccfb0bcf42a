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
    /// The language of the text and html forms (csv and json keep their English keys for scripts).
    package var language: Language
    /// The organisation's contact line under its name (the ledger's setting); none when nil.
    package var contact: String?

    package init(
        organisation: String, currency: Currency, account: AccountInfo, from: String?, to: String?,
        byCommitDate: Bool = false, opening: Int64, lines: [HistoryLineInfo], closing: Int64,
        counterparties: [CounterpartyInfo] = [], categories: [CategoryName] = [], language: Language = .en,
        contact: String? = nil
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
        self.language = language
        self.contact = contact
    }

    var words: Words { language.words }
    var period: String {
        "\(from ?? words.theStart) \(words.through) \(to ?? words.now) "
            + (byCommitDate ? words.byCommitDate : words.byCareDate)
    }
    /// A counterparty by its name where the daemon gave it (organisations and shops always; a
    /// person only to a reader entitled to it), else by its id.
    func counterpartyNames(_ line: HistoryLineInfo) -> [String] {
        line.counterparties.map { id in counterparties.first { $0.account == id }?.name ?? id }
    }
    func categoryName(_ line: HistoryLineInfo) -> String {
        guard let id = line.category else { return "" }
        return categories.first { $0.category == id }?.name ?? id
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
    var otherDateHeader: String { byCommitDate ? words.careDate : words.committed }

    package func render(_ format: Format) throws -> String {
        switch format {
        case .text: text()
        case .csv: csv()
        case .json: try json()
        case .html: html()
        }
    }

    func note(_ line: HistoryLineInfo) -> String { Self.note(line, words: words) }

    /// The memo, and for a correction what it undid and why, or which entry undid it: wherever a
    /// reversal is listed, its reason is beside it.
    package static func note(_ line: HistoryLineInfo) -> String { note(line, words: .english) }

    static func note(_ line: HistoryLineInfo, words: Words) -> String {
        let reversal = line.reverses.map { id in
            "\(words.reverses) " + (line.reversesSeq.map { "\($0)" } ?? id) + (line.reason.map { ": \($0)" } ?? "")
        }
        let reversed = line.reversedBy.map { "\(words.reversedBy) \($0)" }
        return [reversal, line.memo, reversed].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "; ")
    }

    func text() -> String {
        let w = words
        var table = Table(
            headers: [
                w.seq, w.date, otherDateHeader, w.what, w.counterparty, w.hours, w.category, w.amount, w.balance,
                w.note,
            ].map { $0.uppercased() },
            rightAligned: [0, 5, 7, 8])
        for line in lines {
            table.rows.append([
                "\(line.seq)", date(line), otherDate(line), w.purpose(line.purpose),
                counterpartyNames(line).joined(separator: ", "), line.hours ?? "", categoryName(line),
                money(line.amount), money(line.balanceAfter), note(line),
            ])
        }
        let contactLine = contact.map { "\($0)\n" } ?? ""
        return """
            \(organisation): \(w.statementOf) \(account.account) (\(account.name)), \(period), \(w.inCurrency) \(currency.code)
            \(contactLine)\(w.openingBalance)  \(money(opening))
            \(table.render())
            \(w.closingBalance)  \(money(closing))

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
}
