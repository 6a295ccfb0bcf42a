import NoaberCore
package import NoaberProtocol

/// One row per posting of each transaction, for spreadsheets (RFC 4180).
///
/// Conventions: a header row; every row ends with CRLF, as RFC 4180 has it; UTF-8 without a
/// byte-order mark. A field holding
/// a comma, a double quote, CR or LF is put in double quotes, its quotes doubled. The transaction's
/// fields (seq, id, time, purpose, hours, memo, category, hour rate, reverses, reason, care date,
/// approved claim, demurrage period) are repeated
/// on each of its rows, an absent one as an empty cell. `amount` and `hour_rate` are decimals at
/// the ledger's scale, e.g. `-25.00`. The columns added later (category onwards) come last, so
/// that a sheet or script that reads the first nine by position still finds them where they were.
///
/// Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula, so a memo like
/// `=HYPERLINK(…)` could act on the reader's machine. Such a text cell gets a leading `'`, which
/// spreadsheets show as text. The `amount` and `hour_rate` columns are exempt: a `-` there is a
/// sign, and they hold nothing but a number.
package struct CSVWriter: ExportWriter {
    package static let columns = [
        "seq", "entry_id", "committed_at", "purpose", "account", "amount", "currency", "hours", "memo",
        "category", "hour_rate", "reverses", "reason", "care_date", "claim", "period",
    ]
    static let lineEnd = "\r\n"

    private let filter: ExportFilter
    private var reader = ChainReader()
    package private(set) var counts = ExportCounts()

    package init(filter: ExportFilter = ExportFilter()) {
        self.filter = filter
    }

    package mutating func start(into output: inout String) throws(ExportError) {
        output += Self.columns.joined(separator: ",") + Self.lineEnd
    }

    package mutating func write(_ info: EntryInfo, into output: inout String) throws(ExportError) {
        let entry = try reader.read(info)
        guard filter.position(of: entry.date) == .within else { return }
        switch entry.payload.body {
        case .transaction(let tx): write(entry, tx, into: &output)
        case .credits(let batch):
            // One row per posting of each credit, under the credit's id (docs/FORMAT.md §17).
            for index in batch.credits.indices {
                var credit = entry
                credit.id = batch.credits[index].id
                write(credit, batch.transaction(index), into: &output)
            }
        default: return
        }
    }

    private mutating func write(_ entry: ReadEntry, _ tx: Transaction, into output: inout String) {
        let currency = reader.settings.currency
        var rows = 0
        for posting in tx.postings where filter.account == nil || filter.account == posting.account {
            let text = [
                "\(entry.seq)", entry.id, entry.committedAt.rfc3339, tx.purpose.rawValue, posting.account.rawValue,
            ].map(Self.textCell)
            let amount = Self.quotedIfNeeded(currency.format(posting.amount))
            let rest = [currency.code, tx.hours ?? "", tx.memo ?? "", tx.category ?? ""].map(Self.textCell)
            let rate = tx.hourRate.map { Self.quotedIfNeeded(currency.format($0)) } ?? ""
            let reversal = [tx.reverses ?? "", tx.reason ?? ""].map(Self.textCell)
            let care = [tx.careDate ?? "", tx.claim ?? "", tx.period ?? ""].map(Self.textCell)
            output += (text + [amount] + rest + [rate] + reversal + care).joined(separator: ",") + Self.lineEnd
            rows += 1
        }
        if rows > 0 {
            counts.entries += 1
            counts.postings += rows
        }
    }

    /// A text cell: guarded against formula injection, then quoted if needed.
    static func textCell(_ text: String) -> String {
        let risky = text.unicodeScalars.first.map { "=+-@".unicodeScalars.contains($0) } ?? false
        return quotedIfNeeded(risky ? "'" + text : text)
    }

    static func quotedIfNeeded(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else {
            return text
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { out.unicodeScalars.append("\"") }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }
}
