// size: the rules of every kind in one place, so that a reader sees them side by side; erase's are in
// Personal/Erase.swift.
package import NoaberCrypto

// size: the rules every entry kind shares stay in one file (claims and demurrage have folders of
// their own); the transaction rules move out when the v2 entry format lands.
// The rules of the ledger (docs/DESIGN.md, invariants 1–3). `apply` checks everything before it changes
// anything, so a refused entry leaves the state exactly as it was.

extension LedgerState {
    /// Judges `signed` as entry number `seq`, committed at `at`; on success the state includes it
    /// and the parsed payload is returned, on failure the state is unchanged.
    @discardableResult
    package mutating func apply(
        _ signed: SignedEntry, seq: Int64, at: Timestamp? = nil, prior: (any PriorEntries)? = nil
    ) throws(LedgerError)
        -> Payload
    {
        try apply(signed, decoded: Payload.decode(signed.payload), seq: seq, at: at, prior: prior)
    }

    /// As `apply(_:seq:)`, for a caller that has parsed `signed.payload` already and may have
    /// checked its signature already: `verifiedWith` is the public key that signature verified with.
    /// Only when that is exactly the key the rules pick is the check skipped, so a caller can
    /// verify in parallel and never weaken it.
    ///
    /// `at` is the entry's commit time. Claims expire and demurrage falls due by it; without it,
    /// entries that depend on time are refused.
    @discardableResult
    package mutating func apply(
        _ signed: SignedEntry, decoded payload: Payload, seq: Int64, at: Timestamp? = nil,
        verifiedWith: Ed25519PublicKey? = nil,
        prior: (any PriorEntries)? = nil
    ) throws(LedgerError) -> Payload {
        try Identifier.validateEntryID(payload.id)
        // A second ledger.init is refused as such (below), whatever its version.
        if let ledger, payload.kind != .ledgerInit, payload.v != ledger.version {
            throw .versionMismatch(ledger: ledger.version, entry: payload.v)
        }
        let signer = try authenticate(signed, payload: payload, seq: seq, verifiedWith: verifiedWith)
        // Demurrage due at this time comes before anything else; periods that charge nobody pass.
        let schedule = try demurrageSchedule(at: at)
        if let due = schedule.due {
            guard case .transaction(let tx) = payload.body, tx.purpose == .demurrage else {
                throw .demurrageDue(period: DemurragePeriod.label(due))
            }
        }
        settings.demurrageNext = schedule.next
        settings.demurrageCursor = schedule.cursor
        do {
            switch payload.body {
            case .ledgerInit(let body): try applyInit(body, payload: payload, admin: signer)
            case .keyAdd(let body): try applyKeyAdd(body, signer: signer, seq: seq)
            case .keyRevoke(let body): try applyKeyRevoke(body, signer: signer, seq: seq)
            case .accountOpen(let body): try applyAccountOpen(body, signer: signer, seq: seq)
            case .accountUpdate(let body): try applyAccountUpdate(body, signer: signer)
            case .categorySet(let body): try applyCategorySet(body, signer: signer, seq: seq)
            case .ledgerSettings(let body): try applySettings(body, signer: signer, at: at)
            case .claim(let body): try applyClaim(body, signer: signer, at: at)
            case .claimReject(let body): try applyClaimReject(body, signer: signer, at: at, prior: prior)
            case .transaction(let body) where body.purpose == .demurrage:
                try applyDemurrage(body, signer: signer, schedule: schedule)
            case .transaction(let body): try applyTransaction(body, signer: signer, at: at, prior: prior)
            case .erase(let body): try applyErase(body, signer: signer, prior: prior)
            }
        } catch {
            // Passing over empty periods is a consequence of the time alone, but a refused entry
            // leaves no trace: the next accepted one passes them over the same way.
            settings.demurrageNext = schedule.previousNext
            settings.demurrageCursor = schedule.previousCursor
            throw error
        }
        return payload
    }

    /// Finds the signing key as of this point in the chain and checks the signature over the
    /// domain-separated message bound to this ledger's id.
    private func authenticate(
        _ signed: SignedEntry, payload: Payload, seq: Int64, verifiedWith: Ed25519PublicKey?
    ) throws(LedgerError) -> Key {
        let key: Key
        if case .ledgerInit(let body) = payload.body {
            guard ledger == nil else { throw .alreadyInitialised }
            try Identifier.validateLedgerID(payload.ledger)
            let admin = try body.adminKey.parsedKey()
            guard admin.keyID == signed.keyID else {
                throw .unauthorized("ledger.init must be signed by the admin key it names (\(admin.keyID.hex))")
            }
            try LedgerIdentity.check(payload.ledger, for: body, adminKey: admin)
            key = Key(
                id: admin.keyID, publicKey: admin, label: body.adminKey.label, role: .admin, addedSeq: seq,
                revokedSeq: nil)
        } else {
            guard let ledger else { throw .notInitialised }
            guard payload.ledger == ledger.id else { throw .wrongLedger(expected: ledger.id, actual: payload.ledger) }
            guard let known = keys[signed.keyID] else { throw .unknownKey(signed.keyID) }
            if let revoked = known.revokedSeq { throw .keyRevoked(known.id, seq: revoked) }
            // The daemon's log key signs checkpoints and the demurrage it computes, nothing else.
            let isDemurrage =
                if case .transaction(let tx) = payload.body, tx.purpose == .demurrage { true } else { false }
            guard known.role != .log || isDemurrage else {
                throw .unauthorized(
                    "key \(known.id.hex) is a log key; it signs checkpoints and demurrage, never other entries")
            }
            key = known
        }
        guard verifiedWith == key.publicKey || signed.isValid(for: payload, with: key.publicKey) else {
            throw .badSignature(key.id)
        }
        return key
    }

    func require(_ signer: Key, oneOf roles: Set<KeyRole>, to action: String) throws(LedgerError) {
        guard roles.contains(signer.role) else {
            let allowed = roles.map(\.rawValue).sorted().joined(separator: " or ")
            throw .unauthorized(
                "key \(signer.id.hex) has role \(signer.role.rawValue); only \(allowed) keys may \(action)")
        }
    }

    private mutating func applyInit(_ body: LedgerInit, payload: Payload, admin: Key) throws(LedgerError) {
        try Text.validate(body.name, field: "ledger name", maxLength: 200)
        try body.currency.validate()
        try Text.validate(body.adminKey.label, field: "key label", maxLength: 100)
        guard body.adminKey.role == .admin else { throw .invalidPayload("admin_key.role must be admin") }
        guard body.hourRate > 0 else { throw .invalidAmount("hour_rate must be more than zero") }
        var logKey: Key?
        if let spec = body.logKey {
            let publicKey = try spec.parsedKey()
            try Text.validate(spec.label, field: "key label", maxLength: 100)
            guard spec.role == .log else { throw .invalidPayload("log_key.role must be log") }
            guard publicKey.keyID != admin.id else {
                throw .invalidPayload("the log key must differ from the admin key: the server holds it")
            }
            logKey = Key(
                id: publicKey.keyID, publicKey: publicKey, label: spec.label, role: .log, addedSeq: admin.addedSeq,
                revokedSeq: nil)
        }
        ledger = Ledger(
            id: payload.ledger, name: body.name, currency: body.currency, hourRate: body.hourRate, adminKey: admin.id,
            version: payload.v)
        keys[admin.id] = admin
        if let logKey { keys[logKey.id] = logKey }
    }

    private mutating func applyKeyAdd(_ body: KeyAdd, signer: Key, seq: Int64) throws(LedgerError) {
        try require(signer, oneOf: [.admin], to: "add keys")
        let publicKey = try body.key.parsedKey()
        try Text.validate(body.key.label, field: "key label", maxLength: 100)
        guard keys[publicKey.keyID] == nil else { throw .keyExists(publicKey.keyID) }
        keys[publicKey.keyID] = Key(
            id: publicKey.keyID, publicKey: publicKey, label: body.key.label, role: body.key.role, addedSeq: seq,
            revokedSeq: nil)
    }

    private mutating func applyKeyRevoke(_ body: KeyRevoke, signer: Key, seq: Int64) throws(LedgerError) {
        try require(signer, oneOf: [.admin], to: "revoke keys")
        if let reason = body.reason { try Text.validate(reason, field: "reason", maxLength: 500, allowEmpty: true) }
        guard let target = keys[body.keyID] else { throw .unknownKey(body.keyID) }
        guard target.revokedSeq == nil else { throw .invalidPayload("key \(target.id.hex) is already revoked") }
        if target.role == .admin && activeAdminCount == 1 {
            throw .unauthorized("key \(target.id.hex) is the last active admin key; add another admin first")
        }
        if target.role == .log && settings.demurrage != nil && activeLogKeyCount == 1 {
            throw .unauthorized(
                "key \(target.id.hex) is the last active log key, which signs the demurrage; add another log key or turn demurrage off first"
            )
        }
        keys[body.keyID]?.revokedSeq = seq
    }

    private mutating func applyAccountOpen(_ body: AccountOpen, signer: Key, seq: Int64) throws(LedgerError) {
        try require(signer, oneOf: [.admin, .operator], to: "open accounts")
        guard accounts[body.account] == nil else { throw .accountExists(body.account) }
        try Text.validate(body.name, field: "account name", maxLength: 200)
        try checkMinimum(body.minBalance, kind: body.accountKind)
        try checkControllers(body.controllers)
        accounts[body.account] = Account(
            id: body.account, kind: body.accountKind, name: body.name, minBalance: body.minBalance,
            controllers: body.controllers, status: .open, balance: 0, openedSeq: seq)
    }

    private func checkMinimum(_ minBalance: Int64, kind: AccountKind) throws(LedgerError) {
        switch kind {
        case .issuer where minBalance > 0:
            throw .invalidAmount("an issuer's minimum balance is its credit limit and must be zero or negative")
        case .member where minBalance < 0, .merchant where minBalance < 0:
            throw .invalidAmount("a \(kind.rawValue) account cannot have a negative minimum balance")
        default: break
        }
    }

    private func checkControllers(_ controllers: [KeyID]) throws(LedgerError) {
        guard (1...16).contains(controllers.count) else {
            throw .invalidPayload("an account needs 1 to 16 controller keys")
        }
        guard Set(controllers).count == controllers.count else {
            throw .invalidPayload("a controller key is listed twice")
        }
        for id in controllers {
            guard let key = keys[id] else { throw .unknownKey(id) }
            if let revoked = key.revokedSeq { throw .keyRevoked(id, seq: revoked) }
            guard key.role != .auditor && key.role != .log else {
                throw .invalidPayload("\(key.role.rawValue) key \(id.hex) cannot control an account")
            }
        }
    }

    /// Freezing, unfreezing, closing, a new minimum, new controllers or a new name, from this
    /// entry on. A closed account is final; closing needs a zero balance, and a new minimum must
    /// not already be broken by the balance, so no update ever puts an account outside the rules.
    private mutating func applyAccountUpdate(_ body: AccountUpdate, signer: Key) throws(LedgerError) {
        try require(signer, oneOf: [.admin, .operator], to: "change accounts")
        guard var account = accounts[body.account] else { throw .unknownAccount(body.account) }
        guard account.status != .closed else {
            throw .accountNotOpen(account.id, status: AccountStatus.closed.rawValue)
        }
        guard body.status != nil || body.minBalance != nil || body.controllers != nil || body.name != nil else {
            throw .invalidPayload("account.update changes nothing: give status, min_balance, controllers or name")
        }
        if let reason = body.reason { try Text.validate(reason, field: "reason", maxLength: 500, allowEmpty: true) }
        let currency = ledger?.currency ?? Currency(code: "", name: "", scale: 0)
        if let name = body.name {
            try Text.validate(name, field: "account name", maxLength: 200)
            account.name = name
        }
        if let controllers = body.controllers {
            try checkControllers(controllers)
            account.controllers = controllers
        }
        if let minimum = body.minBalance {
            try checkMinimum(minimum, kind: account.kind)
            guard account.balance >= minimum else {
                throw .invalidAmount(
                    "account \(account.id) holds \(currency.format(account.balance)), below the new minimum balance \(currency.format(minimum))"
                )
            }
            account.minBalance = minimum
        }
        if let status = body.status {
            if status != .open, settings.demurrage?.account == account.id {
                throw .invalidPayload(
                    "account \(account.id) receives the ledger's demurrage; change the settings before freezing or closing it"
                )
            }
            guard status != account.status else {
                throw .invalidPayload("account \(account.id) is already \(status.rawValue)")
            }
            if status == .closed, account.balance != 0 {
                throw .accountNotEmpty(account.id, balance: currency.format(account.balance))
            }
            account.status = status
        }
        accounts[account.id] = account
    }

    private mutating func applyCategorySet(_ body: CategorySet, signer: Key, seq: Int64) throws(LedgerError) {
        try require(signer, oneOf: [.admin], to: "set care categories")
        try Identifier.validateCategory(body.category)
        try Text.validate(body.name, field: "category name", maxLength: 100)
        guard body.hourRate > 0 else { throw .invalidAmount("hour_rate must be more than zero") }
        if let current = categories[body.category], current.name == body.name, current.hourRate == body.hourRate {
            throw .invalidPayload("category \(body.category) already has this name and hour rate")
        }
        categories[body.category] = Category(id: body.category, name: body.name, hourRate: body.hourRate, setSeq: seq)
    }

    private mutating func applyTransaction(
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
        if let memo = tx.memo { try Text.validate(memo, field: "memo", maxLength: 500, allowEmpty: true) }

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
                guard account.controllers.contains(signer.id) else {
                    throw .unauthorized("key \(signer.id.hex) does not control account \(account.id)")
                }
            } else {
                credited = try Money.add(credited, posting.amount, "the credited total")
            }
            account.balance = try Money.add(account.balance, posting.amount, "the balance of \(account.id)")
            if posting.amount < 0 && account.balance < account.minBalance {
                throw .limitExceeded(
                    account: account.id, wouldBe: currency.format(account.balance),
                    minimum: currency.format(account.minBalance))
            }
            updated.append(account)
        }
        guard sum == 0 else { throw .unbalanced("the postings sum to \(currency.format(sum)), not zero") }
        try checkHours(tx, credited: credited, claim: claim)
        for account in updated { accounts[account.id] = account }
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
        try Text.validate(reason, field: "reason", maxLength: 500)
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

    private func checkPurpose(_ purpose: Purpose, account: Account, debit: Bool) throws(LedgerError) {
        let allowed: Set<AccountKind> =
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
    private func checkHours(_ tx: Transaction, credited: Int64, claim: Claim?) throws(LedgerError) {
        guard let text = tx.hours else {
            guard tx.hourRate == nil else { throw .invalidPayload("hour_rate is given without hours") }
            guard tx.category == nil else { throw .invalidPayload("category is given without hours") }
            return
        }
        var hourRate = ledger?.hourRate ?? 0
        var rateName = "the ledger's hour rate"
        if let id = tx.category {
            guard let category = categories[id] else {
                throw .invalidPayload("category \(id) does not exist (see `noaber category list`)")
            }
            hourRate = category.hourRate
            rateName = "the hour rate of category \(id)"
        }
        guard tx.purpose == .credit else { throw .invalidHours("only a credit can be paid for hours") }
        if let claim {
            hourRate = claim.hourRate
            rateName = "the claim's hour rate"
        }
        let hours = try Hours(text)
        guard let rate = tx.hourRate else { throw .invalidHours("hours are given without the hour_rate applied") }
        guard rate == hourRate else {
            throw .invalidHours("hour_rate \(rate) is not \(rateName), \(hourRate)")
        }
        let expected = try hours.amount(atRate: rate)
        guard expected == credited else {
            throw .invalidHours(
                "\(hours) hours at rate \(rate) is \(expected) minor units, but \(credited) are credited")
        }
    }
}
