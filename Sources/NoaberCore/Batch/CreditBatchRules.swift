// The rules of a batch of credits (docs/FORMAT.md §17): each credit is judged, in order, as the
// credit `tx` it stands for, against the state the credits before it left; its id is new to the
// ledger. A credit that breaks a rule refuses the whole entry, naming it.

extension LedgerState {
    mutating func applyCredits(
        _ batch: CreditBatch, signer: Key, at: Timestamp?, entryID: String, prior: (any PriorEntries)?
    ) throws(LedgerError) {
        guard ledger != nil else { throw .notInitialised }
        guard (1...CreditBatch.maxCredits).contains(batch.credits.count) else {
            throw .invalidPayload("a credits entry carries 1 to \(CreditBatch.maxCredits) credits")
        }
        guard let prior else {
            throw .invalidPayload("a batch of credits cannot be judged without the ledger's earlier entries")
        }
        // The issuer is checked once, so that a key or issuer that cannot pay says so plainly.
        _ = try payingAccount(batch.issuer, purpose: .credit, signer: signer.id)
        var ids: Set<String> = [entryID]
        var trial = self
        for (index, credit) in batch.credits.enumerated() {
            do throws(LedgerError) {
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
                try trial.applyTransaction(batch.transaction(index), signer: signer, at: at, prior: prior)
            } catch {
                throw .inCredit(index: index, id: credit.id, error)
            }
        }
        accounts = trial.accounts
    }
}
