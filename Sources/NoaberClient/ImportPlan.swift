package import NoaberCore

/// The credits of an import file, checked against the ledger as it is now, before anything is
/// signed: the ledger's own rules say whether each volunteer can be paid, so the file is refused
/// for exactly what the daemon would refuse it for, and a whole file of those is never sent.
package struct ImportPlan: Sendable {
    package struct Credit: Sendable {
        package var line: ImportFile.Line
        package var payload: Payload
        package var amount: Int64
        /// What the summary totals it under: its category, or how its amount was set.
        package var group: String
    }

    package private(set) var credits: [Credit] = []
    package private(set) var total: Int64 = 0

    /// Plans `lines` as credits from `issuer`; the problems name the lines that do not fit.
    /// `amount` parses a line's amount at the ledger's scale.
    package static func make(
        _ lines: [ImportFile.Line], issuer: AccountID, state: LedgerState, builder: CreditBuilder, ledgerID: String,
        amount: (String) throws(AmountProblem) -> Int64
    ) -> (ImportPlan, [ImportFile.Problem]) {
        var plan = ImportPlan()
        var problems: [ImportFile.Problem] = []
        for line in lines {
            do throws(ImportFile.Problem) {
                try plan.add(line, issuer: issuer, state: state, builder: builder, ledgerID: ledgerID, amount: amount)
            } catch {
                problems.append(error)
            }
        }
        return (plan, problems)
    }

    private mutating func add(
        _ line: ImportFile.Line, issuer: AccountID, state: LedgerState, builder: CreditBuilder, ledgerID: String,
        amount: (String) throws(AmountProblem) -> Int64
    ) throws(ImportFile.Problem) {
        func fail(_ why: String) -> ImportFile.Problem { ImportFile.Problem(line: line.number, reason: why) }
        do { _ = try state.postingAccount(line.account, purpose: .credit, debit: false) } catch {
            throw fail(error.message)
        }
        let size: CreditBuilder.Size
        if let hours = line.hours {
            size = .hours(hours, category: line.category)
        } else {
            do { size = .amount(try amount(line.amountText ?? "")) } catch { throw fail(error.message) }
        }
        let credit: CreditBuilder.Credit
        do {
            credit = try builder.credit(from: issuer, to: line.account, size, memo: line.memo, careDate: line.date)
        } catch {
            switch error {
            case .unknownCategory(let category): throw fail("category \(category) does not exist")
            case .hours(let error): throw fail(error.message)
            }
        }
        let (sum, overflow) = total.addingReportingOverflow(credit.amount)
        guard !overflow else { throw fail("the file's total overflows") }
        total = sum
        let payload = Payload(
            v: state.ledger?.version ?? Payload.version, ledger: ledgerID, id: ImportFile.entryID(issuer: issuer, line),
            body: .transaction(credit.transaction))
        credits.append(
            Credit(
                line: line, payload: payload, amount: credit.amount,
                group: line.category ?? (line.hours == nil ? "(amount)" : "(ledger rate)")))
    }
}
