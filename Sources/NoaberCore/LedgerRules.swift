package import NoaberCrypto

// The rules of the ledger (docs/DESIGN.md, invariants 1–3); those of transactions are in
// TransactionRules.swift, of claims, demurrage and erasure in their folders. `apply` checks everything before it changes
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
        // A credit of a batch holds its id for good (docs/FORMAT.md §17), so no entry may take it.
        if let seq = prior?.creditEntry(payload.id) {
            throw .invalidPayload("id \(payload.id) is already used by a credit of entry \(seq)")
        }
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
        let warnings: [TextWarning]
        do {
            warnings = try checkTextCharacters(payload, seq: seq)
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
            case .credits(let body):
                try applyCredits(body, signer: signer, at: at, entryID: payload.id, prior: prior)
            }
        } catch {
            // Passing over empty periods is a consequence of the time alone, but a refused entry
            // leaves no trace: the next accepted one passes them over the same way.
            settings.demurrageNext = schedule.previousNext
            settings.demurrageCursor = schedule.previousCursor
            throw error
        }
        textWarnings += warnings
        return payload
    }

    /// The character rule over every text field (docs/FORMAT.md §2): a text that breaks it refuses
    /// the entry, except in a version 1 chain replayed with `legacyTexts` `.warn`, whose entries
    /// may predate the rule; there it is returned as a warning.
    private func checkTextCharacters(_ payload: Payload, seq: Int64) throws(LedgerError) -> [TextWarning] {
        var warnings: [TextWarning] = []
        let warn = payload.v < 2 && legacyTexts == .warn
        try payload.forEachTextField { (text, path) throws(LedgerError) in
            guard let problem = Text.characterProblem(in: text) else { return }
            guard warn else { throw .invalidText(field: path(), problem) }
            warnings.append(TextWarning(seq: seq, field: path(), problem: problem))
        }
        return warnings
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
            let isDemurrage =
                if case .transaction(let tx) = payload.body, tx.purpose == .demurrage { true } else { false }
            key = try signingKey(signed.keyID, forDemurrage: isDemurrage)
        }
        guard verifiedWith == key.publicKey || signed.isValid(for: payload, with: key.publicKey) else {
            throw .badSignature(key.id)
        }
        return key
    }

    /// The registered key `id`, if it may sign an entry now: not revoked, and not the daemon's log
    /// key, which signs checkpoints and the demurrage it computes, nothing else.
    func signingKey(_ id: KeyID, forDemurrage: Bool = false) throws(LedgerError) -> Key {
        guard let known = keys[id] else { throw .unknownKey(id) }
        if let revoked = known.revokedSeq { throw .keyRevoked(known.id, seq: revoked) }
        guard known.role != .log || forDemurrage else {
            throw .unauthorized(
                "key \(known.id.hex) is a log key; it signs checkpoints and demurrage, never other entries")
        }
        return known
    }

    func require(_ signer: Key, oneOf roles: Set<KeyRole>, to action: String) throws(LedgerError) {
        guard roles.contains(signer.role) else {
            let allowed = roles.map(\.rawValue).sorted().joined(separator: " or ")
            throw .unauthorized(
                "key \(signer.id.hex) has role \(signer.role.rawValue); only \(allowed) keys may \(action)")
        }
    }

    private mutating func applyInit(_ body: LedgerInit, payload: Payload, admin: Key) throws(LedgerError) {
        try Text.validateForm(body.name, field: "ledger name", maxLength: 200)
        try body.currency.validate()
        try Text.validateForm(body.adminKey.label, field: "key label", maxLength: 100)
        guard body.adminKey.role == .admin else { throw .invalidPayload("admin_key.role must be admin") }
        guard body.hourRate > 0 else { throw .invalidAmount("hour_rate must be more than zero") }
        var logKey: Key?
        if let spec = body.logKey {
            let publicKey = try spec.parsedKey()
            try Text.validateForm(spec.label, field: "key label", maxLength: 100)
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
        try Text.validateForm(body.key.label, field: "key label", maxLength: 100)
        guard keys[publicKey.keyID] == nil else { throw .keyExists(publicKey.keyID) }
        keys[publicKey.keyID] = Key(
            id: publicKey.keyID, publicKey: publicKey, label: body.key.label, role: body.key.role, addedSeq: seq,
            revokedSeq: nil)
    }

    private mutating func applyKeyRevoke(_ body: KeyRevoke, signer: Key, seq: Int64) throws(LedgerError) {
        try require(signer, oneOf: [.admin], to: "revoke keys")
        if let reason = body.reason { try Text.validateForm(reason, field: "reason", maxLength: 500, allowEmpty: true) }
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
        try Text.validateForm(body.name, field: "account name", maxLength: 200)
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
        if let reason = body.reason { try Text.validateForm(reason, field: "reason", maxLength: 500, allowEmpty: true) }
        let currency = ledger?.currency ?? Currency(code: "", name: "", scale: 0)
        if let name = body.name {
            try Text.validateForm(name, field: "account name", maxLength: 200)
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
        try Text.validateForm(body.name, field: "category name", maxLength: 100)
        guard body.hourRate > 0 else { throw .invalidAmount("hour_rate must be more than zero") }
        if let current = categories[body.category], current.name == body.name, current.hourRate == body.hourRate {
            throw .invalidPayload("category \(body.category) already has this name and hour rate")
        }
        categories[body.category] = Category(id: body.category, name: body.name, hourRate: body.hourRate, setSeq: seq)
    }

}
