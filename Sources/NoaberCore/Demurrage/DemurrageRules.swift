import NoaberCrypto

// Settings and demurrage. Demurrage is computed by the rules themselves from the state and the
// commit time, so the daemon that writes it and every auditor who replays it get the same charges.

extension LedgerState {
    /// How far demurrage stands at some commit time: periods started by then whose charge would
    /// take nothing from anyone are passed over; `due` is the start of the period whose charge must
    /// be written before any other entry.
    struct DemurrageSchedule {
        var next: Timestamp?
        var cursor: AccountID?
        var due: Timestamp?
        /// The due period's next charges, computed once for the gate and the entry.
        var charges: [Posting] = []
        var previousNext: Timestamp?
        var previousCursor: AccountID?
    }

    func demurrageSchedule(at: Timestamp?) throws(LedgerError) -> DemurrageSchedule {
        var schedule = DemurrageSchedule(
            next: settings.demurrageNext, cursor: settings.demurrageCursor, previousNext: settings.demurrageNext,
            previousCursor: settings.demurrageCursor)
        guard let demurrage = settings.demurrage, var next = settings.demurrageNext else { return schedule }
        guard let at else {
            throw .invalidPayload("with demurrage on, an entry cannot be judged without its commit time")
        }
        var cursor = settings.demurrageCursor
        while next <= at {
            let charges = demurrageCharges(demurrage, after: cursor)
            if !charges.isEmpty {
                schedule.due = next
                schedule.charges = charges
                break
            }
            next = demurrage.period.next(after: next)
            cursor = nil
        }
        schedule.next = next
        schedule.cursor = cursor
        return schedule
    }

    /// The next charges of the period being charged: open member and merchant accounts after
    /// `cursor` in order of id, each charged the rate on its balance, rounded down and never below
    /// its minimum balance; those charged nothing are left out; at most 99, one entry's worth.
    package func demurrageCharges(_ demurrage: Demurrage, after cursor: AccountID?) -> [Posting] {
        let candidates = accounts.values.filter { account in
            (account.kind == .member || account.kind == .merchant) && account.status == .open
                && account.balance > account.minBalance
                && cursor.map { account.id > $0 } ?? true
        }
        var charges: [Posting] = []
        for account in candidates.sorted(by: { $0.id < $1.id }) {
            let charge = min(demurrage.charge(on: account.balance), account.balance - account.minBalance)
            guard charge > 0 else { continue }
            charges.append(Posting(account: account.id, amount: -charge))
            if charges.count == Payload.maxPostings - 1 { break }
        }
        return charges
    }

    /// The demurrage entry the daemon writes at `at`, if one is due: exactly what the rules accept.
    package func dueDemurrage(at: Timestamp) -> Transaction? {
        guard let demurrage = settings.demurrage, let schedule = try? demurrageSchedule(at: at), let due = schedule.due
        else { return nil }
        let charges = schedule.charges
        let total = charges.reduce(Int64(0)) { $0 - $1.amount }
        return Transaction(
            purpose: .demurrage, postings: charges + [Posting(account: demurrage.account, amount: total)],
            period: DemurragePeriod.label(due))
    }

    mutating func applySettings(_ body: LedgerSettings, signer: Key, at: Timestamp?) throws(LedgerError) {
        try require(signer, oneOf: [.admin], to: "change the ledger's settings")
        if let days = body.claimExpiryDays, !(1...3650).contains(days) {
            throw .invalidPayload("claim_expiry_days must be 1 to 3650")
        }
        if let language = body.language, !LedgerSettings.languages.contains(language) {
            throw .invalidPayload("language must be nl or en, not \"\(language)\"")
        }
        if let contact = body.contact {
            try Text.validate(contact, field: "contact", maxLength: LedgerSettings.maxContactLength)
        }
        var next: Timestamp?
        var cursor: AccountID?
        if let demurrage = body.demurrage {
            guard (1...500_000).contains(demurrage.ratePPM) else {
                throw .invalidAmount("demurrage rate_ppm must be 1 to 500000 (0.0001 % to 50 % per period)")
            }
            guard let account = accounts[demurrage.account] else { throw .unknownAccount(demurrage.account) }
            guard account.kind == .issuer else {
                throw .invalidPayload("demurrage goes back to an issuer; \(account.id) is \(account.kind.rawValue)")
            }
            guard account.status == .open else { throw .accountNotOpen(account.id, status: account.status.rawValue) }
            guard activeLogKeyCount > 0 else {
                throw .invalidPayload(
                    "demurrage is written by the daemon's log key, and this ledger has no active log key")
            }
            if let current = settings.demurrage, current.period == demurrage.period {
                // The same periods go on; a new rate or account applies from the next charge.
                (next, cursor) = (settings.demurrageNext, settings.demurrageCursor)
            } else {
                guard let at else { throw .invalidPayload("demurrage cannot be set without the entry's commit time") }
                next = demurrage.period.firstStart(after: at)
            }
        }
        settings = Settings(
            claimExpiryDays: body.claimExpiryDays ?? LedgerSettings.defaultClaimExpiryDays, demurrage: body.demurrage,
            demurrageNext: next, demurrageCursor: cursor, language: body.language, contact: body.contact)
    }

    /// A demurrage entry is the one the rules compute for the period due, signed by a log key.
    mutating func applyDemurrage(_ tx: Transaction, signer: Key, schedule: DemurrageSchedule) throws(LedgerError) {
        guard signer.role == .log else {
            throw .unauthorized(
                "key \(signer.id.hex) has role \(signer.role.rawValue); only the daemon's log key writes demurrage")
        }
        guard let demurrage = settings.demurrage, let due = schedule.due else {
            throw .invalidPayload("no demurrage is due at this entry's commit time")
        }
        let label = DemurragePeriod.label(due)
        guard tx.period == label else {
            throw .invalidPayload(
                "this demurrage names period \(tx.period ?? "(none)"), but the period due is the one starting \(label)")
        }
        guard tx.memo == nil, tx.hours == nil, tx.hourRate == nil, tx.category == nil, tx.careDate == nil,
            tx.claim == nil,
            tx.reverses == nil, tx.reason == nil
        else { throw .invalidPayload("a demurrage entry carries only its purpose, period and postings") }
        let charges = schedule.charges
        var total: Int64 = 0
        for charge in charges { total = try Money.add(total, -charge.amount, "the demurrage total") }
        guard tx.postings == charges + [Posting(account: demurrage.account, amount: total)] else {
            throw .invalidPayload(
                "the demurrage of the period starting \(label) is \(charges.count) charges of \(demurrage.ratePPM) ppm, in order of account, then \(money(total)) to \(demurrage.account)"
            )
        }
        guard var receiver = accounts[demurrage.account], receiver.status == .open else {
            throw .accountNotOpen(demurrage.account, status: accounts[demurrage.account]?.status.rawValue ?? "missing")
        }
        receiver.balance = try Money.add(receiver.balance, total, "the balance of \(receiver.id)")
        for charge in charges { accounts[charge.account]?.balance += charge.amount }
        accounts[receiver.id] = receiver
        let cursor = charges.last?.account
        if demurrageCharges(demurrage, after: cursor).isEmpty {
            settings.demurrageNext = demurrage.period.next(after: due)
            settings.demurrageCursor = nil
        } else {
            settings.demurrageCursor = cursor
        }
    }
}
