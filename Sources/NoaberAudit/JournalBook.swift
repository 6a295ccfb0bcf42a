import NoaberCore
import NoaberProtocol

/// What the hledger and beancount writers have in common, apart from syntax: which entries fall
/// in the range, which transactions the account filter keeps, the balances before the range, and
/// when the opening-balances transaction that carries them in is due.
///
/// With `--from`, the chain is still read from entry 1: the accounts opened before the range must
/// be declared, and their balances must be carried in, or the journal's balances at the end would
/// not equal Noaber's.
struct JournalBook {
    /// What a writer renders, in this order.
    enum Step {
        /// Entry 1: the ledger's name, id and currency.
        case header(LedgerDescription)
        /// An account opened on or before the last day of the range.
        case account(OpenedAccount)
        /// Balances before the range, dated its first day; `equity` balances them.
        case opening(Opening)
        /// A transaction in the range that the account filter keeps.
        case transaction(ReadEntry, Transaction)
    }

    struct Opening {
        var date: CalendarDate
        /// The last entry before the range.
        var throughSeq: Int64
        /// Non-zero balances by account id (only the filtered account's with `--account`).
        var balances: [(AccountID, Int64)]
        /// Minus their sum: zero for the whole ledger, whose balances always sum to zero.
        var equity: Int64
    }

    let filter: ExportFilter
    private(set) var reader = ChainReader()
    private(set) var counts = ExportCounts()
    private var balancesBefore: [AccountID: Int64] = [:]
    private var lastSeqBefore: Int64 = 0
    private var openingDone = false

    init(filter: ExportFilter) {
        self.filter = filter
        openingDone = filter.from == nil
    }

    mutating func steps(for info: EntryInfo) throws(ExportError) -> [Step] {
        let entry = try reader.read(info)
        let position = filter.position(of: entry.date)
        var steps: [Step] = []
        if position != .before, let opening = try openingIfDue() { steps.append(.opening(opening)) }
        switch entry.payload.body {
        case .ledgerInit:
            if entry.seq == 1 { steps.append(.header(reader.settings)) }
        case .accountOpen(let open):
            if position != .after, let account = reader.accounts[open.account] { steps.append(.account(account)) }
        case .transaction(let tx):
            try book(entry, tx, position: position, into: &steps)
        case .credits(let batch):
            // One journal transaction per credit, under its own id (docs/FORMAT.md §17).
            for index in batch.credits.indices {
                var credit = entry
                credit.id = batch.credits[index].id
                try book(credit, batch.transaction(index), position: position, into: &steps)
            }
        case .keyAdd, .keyRevoke, .accountUpdate, .categorySet, .ledgerSettings, .claim, .claimReject, .erase:
            // Keys, renames, freezes, limits, rates, settings and claims move no money, so the books'
            // balances ignore them (an approved claim's money moves in its credit).
            break
        }
        return steps
    }

    private mutating func book(
        _ entry: ReadEntry, _ tx: Transaction, position: ExportFilter.Position, into steps: inout [Step]
    ) throws(ExportError) {
        switch position {
        case .before:
            for posting in tx.postings {
                balancesBefore[posting.account] = try add(
                    balancesBefore[posting.account] ?? 0, posting.amount, posting.account)
            }
            lastSeqBefore = entry.seq
        case .within where filter.keeps(tx.postings):
            steps.append(.transaction(entry, tx))
            counts.entries += 1
            counts.postings += tx.postings.count
        case .within, .after:
            break
        }
    }

    /// Steps after the last entry: the opening balances, if no entry in the range brought them.
    mutating func finishSteps() throws(ExportError) -> [Step] {
        guard reader.ledger != nil else { throw .missingLedgerInit }
        return try openingIfDue().map { [.opening($0)] } ?? []
    }

    private mutating func openingIfDue() throws(ExportError) -> Opening? {
        guard !openingDone, let from = filter.from else { return nil }
        openingDone = true
        let balances = balancesBefore.filter { $0.value != 0 && (filter.account == nil || filter.account == $0.key) }
            .sorted { $0.key < $1.key }
            .map { ($0.key, $0.value) }
        guard !balances.isEmpty else { return nil }
        // In 128 bits: each balance fits 64, but a running sum of several need not, even when the
        // total (zero for the whole ledger) does.
        let sum = balances.reduce(Int128(0)) { $0 + Int128($1.1) }
        guard let equity = Int64(exactly: -sum) else {
            throw .amountOverflow("the opening balance of \(HledgerWriter.openingAccount)")
        }
        balancesBefore = [:]
        return Opening(date: from, throughSeq: lastSeqBefore, balances: balances, equity: equity)
    }

    private func add(_ a: Int64, _ b: Int64, _ account: AccountID) throws(ExportError) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw .amountOverflow("the balance of \(account) before the range") }
        return sum
    }
}

/// A journal format (hledger, beancount) drawn from a `JournalBook`'s steps: the formats differ
/// only in how they render a step, so the walk over entries is written once, here.
protocol JournalWriter: ExportWriter {
    var book: JournalBook { get set }
    mutating func render(_ step: JournalBook.Step, into output: inout String) throws(ExportError)
}

extension JournalWriter {
    package var counts: ExportCounts { book.counts }

    package mutating func write(_ entry: EntryInfo, into output: inout String) throws(ExportError) {
        for step in try book.steps(for: entry) { try render(step, into: &output) }
    }

    package mutating func finish(into output: inout String) throws(ExportError) {
        for step in try book.finishSteps() { try render(step, into: &output) }
    }
}
