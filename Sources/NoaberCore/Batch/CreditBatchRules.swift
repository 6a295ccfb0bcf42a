// The rules of a batch of credits (docs/FORMAT.md §17): each credit is judged, in order, as the
// credit `tx` it stands for, against the state the credits before it left; its id is new to the
// ledger. A credit that breaks a rule refuses the whole entry, naming it.

extension LedgerState {
    mutating func applyCredits(
        _ batch: CreditBatch, signer: Key, at: Timestamp?, entryID: String, prior: (any PriorEntries)?
    ) throws(LedgerError) {
        guard let ledger else { throw .notInitialised }
        guard (1...CreditBatch.maxCredits).contains(batch.credits.count) else {
            throw .invalidPayload("a credits entry carries 1 to \(CreditBatch.maxCredits) credits")
        }
        guard let prior else {
            throw .invalidPayload("a batch of credits cannot be judged without the ledger's earlier entries")
        }
        // The issuer is checked once, so that a key or issuer that cannot pay says so plainly. Its
        // kind, status and controllers cannot change within the batch, so what `applyTransaction`
        // would check of it again for each credit holds for every one: only its balance moves.
        let issuer = try payingAccount(batch.issuer, purpose: .credit, signer: signer.id)
        var ids: Set<String> = [entryID]
        ids.reserveCapacity(batch.credits.count + 1)
        var issuerBalance = issuer.balance
        // The volunteers' balances as the credits before left them; `accounts` changes only once
        // every credit passed, so a refused batch leaves the state as it was.
        var balances: [AccountID: Int64] = [:]
        for (index, credit) in batch.credits.enumerated() {
            do throws(LedgerError) {
                try Self.checkOwnFields(credit, of: batch, entryID: entryID, ids: &ids, prior: prior)
                // From here on, the checks of `applyTransaction` for this credit's `tx`, in its
                // order, less what cannot fail for a credit of a batch: it is a credit, it names no
                // claim, reversal or period, its two postings are the issuer's and another account's,
                // of amounts that are not zero and sum to zero, and the issuer can pay (above).
                // `CreditBatchEquivalenceTests` judges batches both ways and compares the verdicts.
                if let careDate = credit.careDate { try checkCareDate(careDate, at: at) }
                if let memo = credit.memo {
                    try Text.validateForm(memo, field: "memo", maxLength: 500, allowEmpty: true)
                }
                let paid = try Self.balance(of: issuer, from: issuerBalance, moved: -credit.amount, ledger.currency)
                let volunteer = try postingAccount(credit.account, purpose: .credit, debit: false)
                let credited = try Self.balance(
                    of: volunteer, from: balances[volunteer.id] ?? volunteer.balance, moved: credit.amount,
                    ledger.currency)
                try checkHours(
                    hours: credit.hours, hourRate: credit.hourRate, category: credit.category, purpose: .credit,
                    credited: credit.amount, claim: nil)
                issuerBalance = paid
                balances[volunteer.id] = credited
            } catch {
                throw .inCredit(index: index, id: credit.id, error)
            }
        }
        accounts[issuer.id]?.balance = issuerBalance
        for (account, balance) in balances { accounts[account]?.balance = balance }
    }

    /// What a credit of a batch must be before it is judged as its `tx`: its id of an entry id's
    /// form and new to the batch (`ids`, which it joins) and to the ledger, its amount above zero,
    /// its account not the issuer's.
    static func checkOwnFields(
        _ credit: BatchCredit, of batch: CreditBatch, entryID: String, ids: inout Set<String>,
        prior: any PriorEntries
    ) throws(LedgerError) {
        try Identifier.validateEntryID(credit.id)
        guard ids.insert(credit.id).inserted else {
            throw .invalidPayload(
                credit.id == entryID
                    ? "a credit id must differ from the entry's own id"
                    : "credit id \(credit.id) appears twice in the batch")
        }
        if let seq = prior.usedID(credit.id) {
            throw .invalidPayload("id \(credit.id) is already used by entry \(seq)")
        }
        guard credit.amount > 0 else { throw .invalidAmount("a credit's amount must be more than zero") }
        guard credit.account != batch.issuer else {
            throw .invalidPayload("the issuer \(batch.issuer) cannot credit itself")
        }
    }
}
