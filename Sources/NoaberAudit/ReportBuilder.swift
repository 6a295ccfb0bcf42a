import Foundation
package import NoaberCore
package import NoaberProtocol

/// The figures funders and the municipality ask for, from the chain as it streams past (one bucket
/// per month, category or issuer; memory grows with the buckets and accounts, not the entries):
/// hours and coins credited, active volunteers, redeemed, transferred and demurrage amounts, and
/// the coins in circulation at the end of the period (what members and merchants hold, which is
/// minus what the issuers hold).
///
/// Each transaction counts on its care date (docs/FORMAT.md §2), or with `byCommitDate` on the day
/// it was committed. Categories and issuers are those of credits (and an issuer's demurrage); a
/// reversal takes back what it reverses, from the row, category and issuer of that transaction,
/// so a corrected mistake leaves no trace in the figures but the `reversed` column.
package struct ReportBuilder {
    package enum Grouping: String, Sendable, CaseIterable {
        case month, category, issuer
    }

    package struct Row: Sendable, Equatable {
        package var key: String
        /// Credits that stand: each reversed one is taken back.
        package var credits = 0
        /// Hours in hundredths, so that sums stay exact.
        package var hundredths: Int64 = 0
        package var credited: Int64 = 0
        package var redeemed: Int64 = 0
        package var transferred: Int64 = 0
        /// Coins charged back to an issuer by demurrage.
        package var demurrage: Int64 = 0
        /// Coins that corrections (reversals) took back; already netted in the other columns.
        package var reversed: Int64 = 0
        /// Each member credited, with how many of its credits stand.
        package var creditsByMember: [AccountID: Int] = [:]

        package init(key: String) { self.key = key }

        /// Active volunteers: members with a credit that stands.
        package var volunteers: Int { creditsByMember.values.filter { $0 > 0 }.count }
    }

    package let grouping: Grouping
    package let from: CalendarDate?
    package let to: CalendarDate?
    package let byCommitDate: Bool
    private var reader = ChainReader()
    private var rows: [String: Row] = [:]
    private var total = Row(key: "total")
    private var balances: [AccountID: Int64] = [:]

    package init(grouping: Grouping, from: CalendarDate?, to: CalendarDate?, byCommitDate: Bool = false) {
        self.grouping = grouping
        self.from = from
        self.to = to
        self.byCommitDate = byCommitDate
    }

    /// Feeds the next entry; returns false once no later entry can count in the period (by commit
    /// date, past its end; by care date never, since a late credit may name a day in it).
    /// `original` fetches the transaction a reversal undoes, by entry id.
    package mutating func add(
        _ info: EntryInfo, original: (String) async throws -> EntryInfo?
    ) async throws -> Bool {
        let entry = try reader.read(info)
        if byCommitDate, let to, entry.date > to { return false }
        switch entry.payload.body {
        case .transaction(let tx): try await add(tx, of: entry, original: original)
        case .credits(let batch):
            // Each credit of a batch counts as the credit it stands for (docs/FORMAT.md §17).
            for index in batch.credits.indices {
                try await add(batch.transaction(index), of: entry, original: original)
            }
        default: break
        }
        return true
    }

    private mutating func add(
        _ tx: Transaction, of entry: ReadEntry, original: (String) async throws -> EntryInfo?
    ) async throws {
        var counted = Counted(tx, committedAt: entry.committedAt, sign: 1)
        if tx.purpose == .reversal, let id = tx.reverses {
            counted = try await Self.reversed(id, by: entry.seq, original: original)
        }
        let date = byCommitDate ? entry.date : counted.careDate
        if let to, date > to { return }
        for posting in tx.postings {
            let (sum, overflow) = (balances[posting.account] ?? 0).addingReportingOverflow(posting.amount)
            guard !overflow else { throw ExportError.malformedEntry(seq: entry.seq, reason: "a balance overflows") }
            balances[posting.account] = sum
        }
        if let from, date < from { return }
        if let key = key(of: counted.tx, on: date) {
            var row = rows[key] ?? Row(key: key)
            try add(counted, to: &row, seq: entry.seq)
            rows[key] = row
        }
        try add(counted, to: &total, seq: entry.seq)
    }

    /// A transaction as the figures count it: itself, or for a reversal the original taken back.
    private struct Counted {
        var tx: Transaction
        var careDate: CalendarDate
        var sign: Int64

        init(_ tx: Transaction, committedAt: Timestamp, sign: Int64) {
            self.tx = tx
            self.sign = sign
            // The rules admit only real days as care dates; the commit day is the fallback.
            let day = tx.careDay(committedAt: committedAt) { _ in nil }
            careDate = CalendarDate(day) ?? CalendarDate(committedAt)
        }
    }

    private static func reversed(
        _ id: String, by seq: Int64, original: (String) async throws -> EntryInfo?
    ) async throws -> Counted {
        guard let info = try await original(id), let bytes = Data(base64Encoded: info.payload),
            let payload = try? Payload.decode(Array(bytes)), let tx = Self.transaction(id, in: payload),
            tx.purpose != .reversal, let time = Timestamp(rfc3339: info.committedAt)
        else {
            throw ExportError.malformedEntry(
                seq: seq, reason: "it reverses \(id), which is no transaction in the ledger")
        }
        return Counted(tx, committedAt: time, sign: -1)
    }

    /// Transaction `id` of `payload`: the entry itself, or the credit with that id of a batch.
    private static func transaction(_ id: String, in payload: Payload) -> Transaction? {
        switch payload.body {
        case .transaction(let tx): return tx
        case .credits(let batch): return batch.credits.firstIndex { $0.id == id }.map(batch.transaction)
        default: return nil
        }
    }

    /// The row a transaction counts in: by month every one; by category and by issuer only
    /// credits (and by issuer the demurrage an issuer receives). Redemptions and transfers have
    /// neither, and count in the total only.
    private func key(of tx: Transaction, on date: CalendarDate) -> String? {
        switch grouping {
        case .month:
            return String(date.text.prefix(7))
        case .category:
            guard tx.purpose == .credit else { return nil }
            return tx.category ?? (tx.hours == nil ? "(amount)" : "(ledger rate)")
        case .issuer:
            let side: (Posting) -> Bool
            switch tx.purpose {
            case .credit: side = { $0.amount < 0 }
            case .demurrage: side = { $0.amount > 0 }
            default: return nil
            }
            return tx.postings.first { side($0) && reader.accounts[$0.account]?.kind == .issuer }?.account.rawValue
        }
    }

    private func add(_ counted: Counted, to row: inout Row, seq: Int64) throws(ExportError) {
        // Checked sums: a total that does not fit 64 bits is an error, never a wrapped number.
        func sum(_ a: Int64, _ b: Int64) throws(ExportError) -> Int64 {
            let (result, overflow) = a.addingReportingOverflow(b)
            guard !overflow else { throw .malformedEntry(seq: seq, reason: "a report total overflows 64 bits") }
            return result
        }
        let tx = counted.tx
        let paid = tx.postings.filter { $0.amount > 0 }
        var amount: Int64 = 0
        for posting in paid { amount = try sum(amount, posting.amount) }
        let signed = counted.sign < 0 ? -amount : amount
        switch tx.purpose {
        case .credit:
            row.credits += Int(counted.sign)
            row.credited = try sum(row.credited, signed)
            if let hours = tx.hours, let parsed = try? Hours(hours) {
                row.hundredths = try sum(row.hundredths, counted.sign * parsed.hundredths)
            }
            for posting in paid where reader.accounts[posting.account]?.kind == .member {
                row.creditsByMember[posting.account, default: 0] += Int(counted.sign)
            }
        case .redeem: row.redeemed = try sum(row.redeemed, signed)
        case .transfer: row.transferred = try sum(row.transferred, signed)
        case .demurrage: row.demurrage = try sum(row.demurrage, signed)
        case .reversal: break  // a reversal never reverses a reversal: the rules refuse it
        }
        if counted.sign < 0 { row.reversed = try sum(row.reversed, amount) }
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
            grouping: grouping, from: from?.text, to: to?.text, byCommitDate: byCommitDate,
            organisation: reader.ledger?.name ?? "",
            currency: reader.ledger?.currency ?? Currency(code: "", name: "", scale: 0),
            rows: rows.values.sorted { $0.key < $1.key }, total: total, circulation: circulation,
            names: grouping == .month ? [:] : names)
    }

    /// Category and issuer names as the chain sets them (a category's latest name).
    private var names: [String: String] {
        var names = reader.categoryNames
        for (id, account) in reader.accounts where account.kind == .issuer && !account.name.hasPrefix("[") {
            names[id.rawValue] = account.name  // not `[withheld]` or `[erased]`: the id says more
        }
        return names
    }
}
