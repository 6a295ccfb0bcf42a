package import NoaberCore

/// Which part of the ledger a csv, hledger or beancount export shows: the entries committed on
/// the days `from`…`to` (UTC, both inclusive), and with `account`, only what touches it.
package struct ExportFilter: Sendable, Equatable {
    package var from: CalendarDate?
    package var to: CalendarDate?
    package var account: AccountID?

    package init(from: CalendarDate? = nil, to: CalendarDate? = nil, account: AccountID? = nil) {
        self.from = from
        self.to = to
        self.account = account
    }

    /// Reads the command line's `--from`, `--to` and `--account`.
    package init(from: String?, to: String?, account: String?) throws(ExportError) {
        func date(_ text: String?, _ option: String) throws(ExportError) -> CalendarDate? {
            guard let text else { return nil }
            guard let date = CalendarDate(text) else { throw .invalidDate(option: option, text: text) }
            return date
        }
        self.from = try date(from, "--from")
        self.to = try date(to, "--to")
        if let start = self.from, let end = self.to, start > end { throw .emptyRange(from: start.text, to: end.text) }
        if let account {
            do { self.account = try AccountID(account) } catch { throw .invalidAccount(account) }
        }
    }

    package var isEmpty: Bool { from == nil && to == nil && account == nil }

    /// Refuses filters for jsonl: a verifiable export is the whole chain.
    package func check(for format: ExportFormat) throws(ExportError) {
        if format == .jsonl && !isEmpty { throw .filterNotSupported(format) }
    }

    /// Where a day falls against the range.
    package enum Position: Sendable {
        case before, within, after
    }

    package func position(of day: CalendarDate) -> Position {
        if let from, day < from { return .before }
        if let to, day > to { return .after }
        return .within
    }

    /// Whether an entry committed at `committedAt` (RFC 3339) is past `--to`. Commit times never
    /// decrease along the chain, so the exporter stops fetching at the first such entry.
    package func isPastRange(committedAt: String) -> Bool {
        guard let to else { return false }
        return String(committedAt.prefix(10)) > to.text
    }

    /// Whether a transaction with these postings belongs in a journal: journals keep whole
    /// transactions, so that every transaction they hold still balances.
    func keeps(_ postings: [Posting]) -> Bool {
        guard let account else { return true }
        return postings.contains { $0.account == account }
    }

    /// The lines the journals' header comments give the range.
    var summaryLines: [String] {
        var lines: [String] = []
        switch (from, to) {
        case (nil, nil): lines.append("range: every entry")
        case (let from?, nil): lines.append("range: entries committed from \(from) (UTC) on")
        case (nil, let to?): lines.append("range: entries committed up to and including \(to) (UTC)")
        case (let from?, let to?): lines.append("range: entries committed \(from) to \(to) (UTC, both inclusive)")
        }
        if let account { lines.append("account: only transactions that touch \(account)") }
        if let from {
            lines.append(
                "balances before \(from), if any, are carried in by one opening-balances transaction on that day")
        }
        return lines
    }
}
