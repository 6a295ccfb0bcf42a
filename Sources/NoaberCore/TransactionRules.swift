package import NoaberCrypto

// The rules of transactions (docs/FORMAT.md §5): who may move money, from which kinds of account to
// which, within which limits, what a reversal must mirror and what hours must add up to. Like every
// rule, they check everything before the state changes.

extension LedgerState {
    mutating func applyTransaction(
        _ tx: Transaction, signer: Key, at: Timestamp?, prior: (any PriorEntries)?
    ) throws(LedgerError) {
        guard let ledger else { throw .notInitialised }
        guard tx.period == nil else { throw .invalidPayload("only a demurrage charge names a period") }
        let isReversal = try checkReversal(tx, signer: signer, prior: prior)
        let claim = try checkApproval(tx, at: at, prior: prior)
        if let careDate = tx.careDate {
            guard tx.purpose == .credit else { throw .invalidPayload("only a credit names a care_date") }
            try checkCareDate(careDate, at: at)
        }
        let currency = ledger.currency
        guard tx.postings.count >= 2 else { throw .unbalanced("a transaction needs at least two postings") }
        guard tx.postings.count <= Payload.maxPostings else {
            throw .tooManyPostings(count: tx.postings.count, limit: Payload.maxPostings)
        }
        if let memo = tx.memo { try Text.validateForm(memo, field: "memo", maxLength: 500, allowEmpty: true) }

        var sum: Int64 = 0
        var credited: Int64 = 0
        var seen = Set<AccountID>()
        var updated: [Account] = []
        for posting in tx.postings {
            guard seen.insert(posting.account).inserted else {
                throw .invalidPayload("account \(posting.account) appears in two postings")
            }
            guard posting.amount != 0 else { throw .invalidAmount("the posting to \(posting.account) is zero") }
            sum = try Money.add(sum, posting.amount, "the sum of the postings")
            var account = try postingAccount(
                posting.account, purpose: isReversal ? nil : tx.purpose, debit: posting.amount < 0)
            // A correction is the organisation's to make: its admins and operators may sign one
            // without controlling the volunteer's account it takes the coins back from.
            if posting.amount < 0 && !(isReversal && [.admin, .operator].contains(signer.role)) {
                try requireControl(account, by: signer.id)
            } else {
                credited = try Money.add(credited, posting.amount, "the credited total")
            }
            account.balance = try Self.balance(of: account, from: account.balance, moved: posting.amount, currency)
            updated.append(account)
        }
        guard sum == 0 else { throw .unbalanced("the postings sum to \(currency.format(sum)), not zero") }
        try checkHours(
            hours: tx.hours, hourRate: tx.hourRate, category: tx.category, purpose: tx.purpose, credited: credited,
            claim: claim)
        for account in updated { accounts[account.id] = account }
    }

    /// `account`'s balance `from` after `amount` moves (negative: paid out): refused if it overflows,
    /// or if a payment takes it below the account's lowest balance.
    static func balance(
        of account: Account, from balance: Int64, moved amount: Int64, _ currency: Currency
    ) throws(LedgerError) -> Int64 {
        let after = try Money.add(balance, amount, "the balance of \(account.id)")
        if amount < 0 && after < account.minBalance {
            throw .limitExceeded(
                account: account.id, wouldBe: currency.format(after), minimum: currency.format(account.minBalance))
        }
        return after
    }

    /// For a reversal: it names an earlier transaction that is not itself a reversal and was not
    /// reversed yet, and its postings are exactly that transaction's, negated, in the same order.
    /// Other transactions must not name one. Returns whether `tx` is a reversal.
    private func checkReversal(_ tx: Transaction, signer: Key, prior: (any PriorEntries)?) throws(LedgerError) -> Bool {
        guard tx.purpose == .reversal else {
            guard tx.reverses == nil, tx.reason == nil else {
                throw .invalidPayload("only a reversal names reverses and reason")
            }
            return false
        }
        guard let original = tx.reverses else {
            throw .invalidPayload("a reversal must name the entry it reverses (reverses)")
        }
        guard let reason = tx.reason else { throw .invalidPayload("a reversal must say why (reason)") }
        try Text.validateForm(reason, field: "reason", maxLength: 500)
        guard tx.hours == nil, tx.hourRate == nil, tx.category == nil else {
            throw .invalidPayload(
                "a reversal carries no hours, hour_rate or category; those of the original stand, reversed")
        }
        guard let prior else {
            throw .invalidPayload("a reversal cannot be judged without the ledger's earlier entries")
        }
        guard let target = prior.transaction(original) else {
            throw .invalidPayload("entry \(original) is not an earlier transaction of this ledger")
        }
        guard target.purpose != .reversal else {
            throw .invalidPayload("entry \(original) is itself a reversal; to undo it, make a new entry")
        }
        if let seq = prior.reversal(of: original) {
            throw .invalidPayload("entry \(original) was already reversed by entry \(seq)")
        }
        let mirrored = Transaction(
            purpose: .reversal, postings: tx.postings.map { Posting(account: $0.account, amount: -$0.amount) })
        guard tx.postings.allSatisfy({ $0.amount != Int64.min }), mirrored.postingsDigest == target.postingsDigest
        else {
            throw .invalidPayload(
                "a reversal's postings must be those of entry \(original), negated, in the same order")
        }
        return true
    }

    /// The account a posting names, if it exists, is open, and is of a kind that `purpose` (nil:
    /// any) may pay from (`debit`) or to. Clients check a file of credits by it before signing any.
    package func postingAccount(_ id: AccountID, purpose: Purpose?, debit: Bool) throws(LedgerError) -> Account {
        guard let account = accounts[id] else { throw .unknownAccount(id) }
        guard account.status == .open else { throw .accountNotOpen(account.id, status: account.status.rawValue) }
        if let purpose { try checkPurpose(purpose, account: account, debit: debit) }
        return account
    }

    /// The account `signer` would pay from in a `purpose` transaction, if the rules let it: a key
    /// that may sign, and an open account of a kind that pays for `purpose`, which the key controls.
    /// Clients check an import against it before signing anything.
    package func payingAccount(_ id: AccountID, purpose: Purpose, signer: KeyID) throws(LedgerError) -> Account {
        let key = try signingKey(signer, forDemurrage: purpose == .demurrage)
        let account = try postingAccount(id, purpose: purpose, debit: true)
        try requireControl(account, by: key.id)
        return account
    }

    private func requireControl(_ account: Account, by signer: KeyID) throws(LedgerError) {
        guard account.controllers.contains(signer) else {
            throw .unauthorized("key \(signer.hex) does not control account \(account.id)")
        }
    }

    private func checkPurpose(_ purpose: Purpose, account: Account, debit: Bool) throws(LedgerError) {
        // An array literal of an enum's cases, not a Set: every posting of every entry asks this.
        let allowed: [AccountKind] =
            switch (purpose, debit) {
            case (.credit, true): [.issuer]
            case (.credit, false): [.member]
            case (.transfer, _): [.member, .merchant]
            case (.redeem, true): [.member]
            case (.redeem, false): [.merchant]
            case (.reversal, _): [.issuer, .member, .merchant]
            case (.demurrage, true): [.member, .merchant]
            case (.demurrage, false): [.issuer]
            }
        guard allowed.contains(account.kind) else {
            let side = debit ? "pay from" : "pay to"
            let kinds = allowed.map(\.rawValue).sorted().joined(separator: " or ")
            let article = account.kind == .issuer ? "an" : "a"
            throw .invalidPayload(
                "a \(purpose.rawValue) may only \(side) \(kinds) accounts; \(account.id) is \(article) \(account.kind.rawValue)"
            )
        }
    }

    /// A credit for hours must carry the rate in force, its category's or else the ledger's, and
    /// pay exactly hours × rate. One that approves a claim carries the claim's rate instead: the
    /// rate in force when the volunteer claimed.
    func checkHours(
        hours text: String?, hourRate rate: Int64?, category: String?, purpose: Purpose, credited: Int64,
        claim: Claim?
    ) throws(LedgerError) {
        guard let text else {
            guard rate == nil else { throw .invalidPayload("hour_rate is given without hours") }
            guard category == nil else { throw .invalidPayload("category is given without hours") }
            return
        }
        var hourRate = ledger?.hourRate ?? 0
        var rateName = "the ledger's hour rate"
        if let id = category {
            guard let category = categories[id] else {
                throw .invalidPayload("category \(id) does not exist (see `noaber category list`)")
            }
            hourRate = category.hourRate
            rateName = "the hour rate of category \(id)"
        }
        guard purpose == .credit else { throw .invalidHours("only a credit can be paid for hours") }
        if let claim {
            hourRate = claim.hourRate
            rateName = "the claim's hour rate"
        }
        let hours = try Hours(text)
        guard let rate else { throw .invalidHours("hours are given without the hour_rate applied") }
        guard rate == hourRate else {
            throw .invalidHours("hour_rate \(rate) (\(money(rate))) is not \(rateName), \(money(hourRate))")
        }
        let expected = try hours.amount(atRate: rate)
        guard expected == credited else {
            throw .invalidHours(
                "\(hours.phrase) at \(money(rate)) an hour is \(money(expected)), but \(money(credited)) is credited")
        }
    }

    /// An amount as people read it, in the ledger's currency: "25.00 ZMT". The payload's fields
    /// are minor units, which a message quoting one says beside it.
    func money(_ minor: Int64) -> String {
        guard let currency = ledger?.currency else { return "\(minor) minor units" }
        return "\(currency.format(minor)) \(currency.code)"
    }
}
