package import NoaberCore
package import NoaberCrypto

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

    /// The credits planned and not yet taken (`takeCredits`); none kept if not `keepsCredits`.
    package private(set) var credits: [Credit] = []
    package internal(set) var total: Int64 = 0
    /// Whether the credits are kept: a checking pass over a whole file keeps only the totals.
    package var keepsCredits = true
    /// The totals of every credit planned, taken or not, for the summary.
    package internal(set) var totals = Totals()

    /// What people check against their spreadsheet: volunteers, hours, amount per category.
    package struct Totals: Sendable {
        package var credits = 0
        package var volunteers = Set<AccountID>()
        /// Hundredths of an hour.
        package var hundredths: Int64 = 0
        /// Minor units, by what the credit is totalled under (`Credit.group`).
        package var byGroup: [String: Int64] = [:]
    }

    package init(keepsCredits: Bool = true) { self.keepsCredits = keepsCredits }

    /// Hands out the credits planned so far, keeping the totals.
    package mutating func takeCredits() -> [Credit] {
        defer { credits = [] }
        return credits
    }

    /// Plans a whole file as credits from `issuer`, signed by `signer`, against one snapshot of the
    /// ledger: the problems are the file's own (`file.problems`, with what the ledger says of the
    /// accounts and categories those lines name) and the ledger's, in line order, after any that
    /// concern the import as a whole (an issuer that cannot pay, a key that may not sign for it).
    /// `amount` parses a line's amount at the ledger's scale.
    package static func make(
        _ file: ImportFile.Contents, issuer: AccountID, signer: KeyID, state: LedgerState, builder: CreditBuilder,
        ledgerID: String, amount: (String) throws(AmountProblem) -> Int64
    ) -> (ImportPlan, [ImportFile.Problem]) {
        let (plan, bad) = make(
            file.lines, issuer: issuer, state: state, builder: builder, ledgerID: ledgerID, amount: amount)
        return (
            plan,
            problems(
                bad, file: file.problems, issuer: issuer, signer: signer, state: state, builder: builder,
                amount: amount)
        )
    }

    /// Checks a whole file as `make` does, read line by line by `reader` to its end, keeping the
    /// totals but none of the credits: the first of an import's two passes, which holds no more
    /// than one line of the file beyond its bytes.
    package static func check(
        _ reader: inout ImportFile.Reader, source: String, issuer: AccountID, signer: KeyID, state: LedgerState,
        builder: CreditBuilder, ledgerID: String, amount: (String) throws(AmountProblem) -> Int64
    ) throws -> (ImportPlan, [ImportFile.Problem]) {
        var plan = ImportPlan(keepsCredits: false)
        var bad: [ImportFile.Problem] = []
        while let line = try reader.next() {
            do throws(ImportFile.Problem) {
                try plan.add(line, issuer: issuer, state: state, builder: builder, ledgerID: ledgerID, amount: amount)
            } catch {
                bad.append(error)
            }
        }
        try reader.finish(source: source)
        return (
            plan,
            problems(
                bad, file: reader.problems, issuer: issuer, signer: signer, state: state, builder: builder,
                amount: amount)
        )
    }

    /// The problems of a file: any that concern the import as a whole (an issuer that cannot pay,
    /// a key that may not sign for it), then the file's own (with what the ledger says of the
    /// accounts and categories those lines name) and the ledger's (`bad`), in line order.
    private static func problems(
        _ bad: [ImportFile.Problem], file: [ImportFile.Problem], issuer: AccountID, signer: KeyID,
        state: LedgerState, builder: CreditBuilder, amount: (String) throws(AmountProblem) -> Int64
    ) -> [ImportFile.Problem] {
        var whole: [ImportFile.Problem] = []
        do { _ = try state.payingAccount(issuer, purpose: .credit, signer: signer) } catch {
            whole.append(
                ImportFile.Problem(line: nil, reason: "--issuer \(issuer) cannot pay these credits: \(error.message)"))
        }
        let known = file.map { problem in
            var problem = problem
            problem.reasons += ledgerReasons(problem, state: state, builder: builder, amount: amount)
            return problem
        }
        return whole + (known + bad).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
    }

    /// What the ledger says of the account, category and amount a line names whose form is
    /// already wrong: so that its every fault is named at once.
    static func ledgerReasons(
        _ problem: ImportFile.Problem, state: LedgerState, builder: CreditBuilder,
        amount: (String) throws(AmountProblem) -> Int64
    ) -> [String] {
        var reasons: [String] = []
        if let account = problem.account {
            do { _ = try state.postingAccount(account, purpose: .credit, debit: false) } catch {
                reasons.append(error.message)
            }
        }
        if let category = problem.category, builder.categoryRates[category] == nil {
            reasons.append("category \(category) does not exist")
        }
        if let text = problem.amountText {
            do { _ = try amount(text) } catch { reasons.append(error.message) }
        }
        return reasons
    }

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

    /// Plans `line` as a credit from `issuer`, or names every reason it cannot be one.
    package mutating func add(
        _ line: ImportFile.Line, issuer: AccountID, state: LedgerState, builder: CreditBuilder, ledgerID: String,
        amount: (String) throws(AmountProblem) -> Int64
    ) throws(ImportFile.Problem) {
        func fail(_ why: String) -> ImportFile.Problem { ImportFile.Problem(line: line.number, reason: why) }
        // Every rule is asked, not only until one fails: a line's faults are named together.
        var reasons: [String] = []
        do { _ = try state.postingAccount(line.account, purpose: .credit, debit: false) } catch {
            reasons.append(error.message)
        }
        var size: CreditBuilder.Size?
        if let hours = line.hours {
            size = .hours(hours, category: line.category)
        } else {
            do { size = .amount(try amount(line.amountText ?? "")) } catch { reasons.append(error.message) }
        }
        var built: CreditBuilder.Credit?
        if let size {
            do {
                built = try builder.credit(from: issuer, to: line.account, size, memo: line.memo, careDate: line.date)
            } catch {
                switch error {
                case .unknownCategory(let category): reasons.append("category \(category) does not exist")
                case .hours(let error): reasons.append(error.message)
                }
            }
        }
        guard reasons.isEmpty, let credit = built else {
            throw ImportFile.Problem(line: line.number, reasons: reasons)
        }
        let (sum, overflow) = total.addingReportingOverflow(credit.amount)
        guard !overflow else { throw fail("the file's total overflows") }
        total = sum
        let group = line.category ?? (line.hours == nil ? "(amount)" : "(ledger rate)")
        totals.credits += 1
        totals.volunteers.insert(line.account)
        totals.hundredths += line.hours?.hundredths ?? 0
        totals.byGroup[group, default: 0] += credit.amount
        guard keepsCredits else { return }
        let payload = Payload(
            v: state.ledger?.version ?? Payload.version, ledger: ledgerID, id: ImportFile.entryID(issuer: issuer, line),
            body: .transaction(credit.transaction))
        credits.append(Credit(line: line, payload: payload, amount: credit.amount, group: group))
    }
}
