package import NoaberCore
package import NoaberProtocol

/// An hledger journal (`hledger -f FILE balance`) whose balances equal Noaber's.
///
/// Account names are the Noaber account ids: hledger reads their `:` as its own hierarchy, so
/// `org:zorgkring` sits under `org`. Issuers are declared `type:L` and members and merchants
/// `type:A`, so `hledger bs` shows the coins issued against the coins held. Each transaction is
/// `DATE * (SEQ) PURPOSE | MEMO`, which hledger reads as code, payee and note, with a comment
/// carrying the `entry:` tag and, where the transaction has them, `hours:`, `category:`, `rate:`
/// (the hour rate, a decimal like the amounts), `care_date:`, `claim:`, `period:`, `reverses:` and
/// `reason:`.
package struct HledgerWriter: JournalWriter {
    /// The account that balances the opening balances (with `--from`).
    package static let openingAccount = "equity:opening-balances"

    var book: JournalBook
    private var currency = Currency(code: "", name: "", scale: 0)

    package init(filter: ExportFilter = ExportFilter()) {
        book = JournalBook(filter: filter)
    }

    /// Checks, before anything is written, that no account has the opening-balances account's name.
    package static func preflight(accounts: [AccountID], filter: ExportFilter) throws(ExportError) {
        if filter.from != nil, let taken = accounts.first(where: { $0.rawValue == openingAccount }) {
            throw .reservedAccount(taken)
        }
    }

    mutating func render(_ step: JournalBook.Step, into output: inout String) throws(ExportError) {
        switch step {
        case .header(let ledger):
            currency = ledger.currency
            output += "; Noaber ledger: \(ledger.name)\n"
            output += "; ledger id: \(ledger.id)\n"
            output +=
                "; currency: \(ledger.currency.code) (\(ledger.currency.name)), \(ledger.currency.scale) decimals\n"
            for line in book.filter.summaryLines { output += "; \(line)\n" }
            output += "\ncommodity \(commodityExample) \(symbol)\n\n"
        case .account(let account):
            try Self.preflight(accounts: [account.id], filter: book.filter)
            // A top-level comment, which hledger never reads for tags: a display name may hold a colon.
            output += "; \(account.name) (\(account.kind.rawValue), opened in entry \(account.seq))\n"
            output += "account \(account.id)  ; type:\(account.kind == .issuer ? "L" : "A")\n\n"
        case .opening(let opening):
            output += "account \(Self.openingAccount)  ; type:E\n\n"
            output += "\(opening.date) * opening balances\n"
            output += "    ; balances before \(opening.date), through entry \(opening.throughSeq)\n"
            for (account, amount) in opening.balances { output += posting(account.rawValue, amount) }
            output += posting(Self.openingAccount, opening.equity) + "\n"
        case .transaction(let entry, let tx):
            output += "\(entry.date) * (\(entry.seq)) \(tx.purpose.rawValue)"
            if let memo = tx.memo, !memo.isEmpty { output += " | \(Self.description(memo))" }
            output += "\n    ; entry:\(entry.id)"
            if let hours = tx.hours { output += ", hours:\(hours)" }
            if let category = tx.category { output += ", category:\(category)" }
            if let rate = tx.hourRate { output += ", rate:\(currency.format(rate))" }
            if let careDate = tx.careDate { output += ", care_date:\(careDate)" }
            if let claim = tx.claim { output += ", claim:\(claim)" }
            if let period = tx.period { output += ", period:\(period)" }
            if let reverses = tx.reverses { output += ", reverses:\(reverses)" }
            // Last, so that nothing hledger could misread follows the one free-text tag.
            if let reason = tx.reason { output += ", reason:\(Self.tagValue(reason))" }
            output += "\n"
            for p in tx.postings { output += posting(p.account.rawValue, p.amount) }
            output += "\n"
        }
    }

    private func posting(_ account: String, _ amount: Int64) -> String {
        "    \(account)  \(currency.format(amount)) \(symbol)\n"
    }

    /// hledger wants symbols with anything but letters in double quotes; codes are A-Z and 0-9.
    private var symbol: String {
        currency.code.utf8.allSatisfy { (65...90).contains($0) } ? currency.code : "\"\(currency.code)\""
    }

    /// `1000.00` declares the decimal mark and the scale; hledger wants the mark even at scale 0.
    private var commodityExample: String {
        "1000." + String(repeating: "0", count: currency.scale)
    }

    /// hledger ends a description at `;` (a comment starts there), so the memo's semicolons become
    /// commas. Nothing else in a memo can break the line: text fields hold no control characters.
    static func description(_ memo: String) -> String {
        // Scalars, not Characters: ";" followed by a combining mark is one Character but still a ";" to hledger.
        String(String.UnicodeScalarView(memo.unicodeScalars.map { $0 == ";" ? "," : $0 }))
    }

    /// hledger ends a tag value at `,` (the next tag may follow), so the text's commas become
    /// semicolons, which in a comment are plain text. hledger trims the spaces around a value.
    static func tagValue(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "," ? ";" : $0 }))
    }
}
