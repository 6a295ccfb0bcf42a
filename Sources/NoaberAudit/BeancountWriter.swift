import NoaberCore
package import NoaberProtocol

/// A beancount ledger that `bean-check` accepts and whose balances equal Noaber's.
///
/// Each account is opened on the day of its `account.open` entry, with its Noaber id and name as
/// metadata (see `BeancountNames` for the account names). Each transaction is
/// `DATE * "PURPOSE" "MEMO"` (payee and narration) with `seq`, `entry_id` and, where the
/// transaction has them, `hours`, `category`, `hour_rate` (a decimal like the amounts), `reverses`
/// and `reason` as metadata, all strings but `seq`.
package struct BeancountWriter: JournalWriter {
    var book: JournalBook
    private var names = BeancountNames.Registry()
    private var currency = Currency(code: "", name: "", scale: 0)

    package init(filter: ExportFilter = ExportFilter()) {
        book = JournalBook(filter: filter)
    }

    mutating func render(_ step: JournalBook.Step, into output: inout String) throws(ExportError) {
        switch step {
        case .header(let ledger):
            try BeancountNames.checkCurrency(ledger.currency.code)
            currency = ledger.currency
            output += "; Noaber ledger: \(ledger.name)\n"
            output += "; ledger id: \(ledger.id)\n"
            for line in book.filter.summaryLines { output += "; \(line)\n" }
            output += "\noption \"title\" \(Self.quoted(ledger.name))\n"
            output += "option \"operating_currency\" \"\(ledger.currency.code)\"\n\n"
            output += "\(ledger.date) commodity \(ledger.currency.code)\n"
            output += "  name: \(Self.quoted(ledger.currency.name))\n\n"
        case .account(let account):
            let name = try names.register(account.id, kind: account.kind)
            output += "\(account.date) open \(name) \(currency.code)\n"
            output += "  noaber_account: \(Self.quoted(account.id.rawValue))\n"
            output += "  noaber_name: \(Self.quoted(account.name))\n\n"
        case .opening(let opening):
            output += "\(opening.date) open \(BeancountNames.openingAccount) \(currency.code)\n\n"
            output +=
                "\(opening.date) * \"opening balances\" \"balances before \(opening.date), through entry \(opening.throughSeq)\"\n"
            for (account, amount) in opening.balances {
                output += posting(try name(of: account, seq: opening.throughSeq), amount)
            }
            output += posting(BeancountNames.openingAccount, opening.equity) + "\n"
        case .transaction(let entry, let tx):
            output += "\(entry.date) * \"\(tx.purpose.rawValue)\" \(Self.quoted(tx.memo ?? ""))\n"
            output += "  seq: \(entry.seq)\n"
            output += "  entry_id: \(Self.quoted(entry.id))\n"
            if let hours = tx.hours { output += "  hours: \(Self.quoted(hours))\n" }
            if let category = tx.category { output += "  category: \(Self.quoted(category))\n" }
            if let rate = tx.hourRate { output += "  hour_rate: \(Self.quoted(currency.format(rate)))\n" }
            if let careDate = tx.careDate { output += "  care_date: \(Self.quoted(careDate))\n" }
            if let claim = tx.claim { output += "  claim: \(Self.quoted(claim))\n" }
            if let period = tx.period { output += "  period: \(Self.quoted(period))\n" }
            if let reverses = tx.reverses { output += "  reverses: \(Self.quoted(reverses))\n" }
            if let reason = tx.reason { output += "  reason: \(Self.quoted(reason))\n" }
            for p in tx.postings { output += posting(try name(of: p.account, seq: entry.seq), p.amount) }
            output += "\n"
        }
    }

    private func name(of account: AccountID, seq: Int64) throws(ExportError) -> String {
        // The ledger's rules open every account before its first posting; a chain that breaks them is refused.
        guard let kind = book.reader.accounts[account]?.kind else {
            throw .malformedEntry(seq: seq, reason: "account \(account) is used before it is opened")
        }
        return names.name(of: account, kind: kind)
    }

    private func posting(_ account: String, _ amount: Int64) -> String {
        "  \(account)  \(currency.format(amount)) \(currency.code)\n"
    }

    /// A beancount string: `"` and `\` escaped with `\`; text fields hold no control characters.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }
}
