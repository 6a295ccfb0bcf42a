package import NoaberCore
import NoaberCrypto

// `ledger.state` (docs/PROTOCOL.md): the stored derived state as one snapshot, which `noaber verify`
// compares with its replay and a jsonl export carries in its header (docs/FORMAT.md §13).

package struct LedgerInfo: Codable, Sendable {
    package var ledgerId: String
    package var name: String
    package var currency: Currency
    package var hourRate: Int64
    package var adminKey: String
    /// The entry format version (docs/FORMAT.md §16); absent means 1.
    package var entryVersion: Int?

    package init(_ l: LedgerState.Ledger) {
        entryVersion = l.version == 1 ? nil : l.version
        ledgerId = l.id
        name = l.name
        currency = l.currency
        hourRate = l.hourRate
        adminKey = l.adminKey.hex
    }
}

/// The stored derived state as one snapshot: a verifier fetches this first, replays entries
/// 1…headSeq, and compares.
package struct StateResult: Codable, Sendable {
    package var headSeq: Int64
    /// Rows in the journal's tables, so that rows outside the chain 1…head_seq cannot hide.
    package var entryRows: Int64
    package var postingRows: Int64
    package var ledger: LedgerInfo?
    package var keys: [KeyInfo]
    package var accounts: [AccountInfo]
    /// The latest signed checkpoint (a C2SP signed note) in the same snapshot: its tree size is at
    /// most `head_seq`. Nil while the ledger has no log key.
    package var checkpoint: String?
    /// Care categories; absent (not merely empty) from daemons that predate them.
    package var categories: [CategoryInfo]?
    /// The settings in force; absent from daemons that predate them (the defaults).
    package var settings: SettingsInfo?
    /// How many rows each derived table holds, so that rows no entry explains cannot hide;
    /// absent from daemons that predate it.
    package var tableRows: TableRowsInfo?
    /// The checkpoint row's tree size, root and time beside `checkpoint`, its note.
    package var checkpointRow: CheckpointRowInfo?

    package init(
        headSeq: Int64, rows: JournalRows, ledger: LedgerInfo?, keys: [KeyInfo], accounts: [AccountInfo],
        checkpoint: String? = nil, categories: [CategoryInfo]? = nil, settings: SettingsInfo? = nil,
        tableRows: TableRowsInfo? = nil, checkpointRow: CheckpointRowInfo? = nil
    ) {
        self.tableRows = tableRows
        self.checkpointRow = checkpointRow
        self.settings = settings
        self.headSeq = headSeq
        self.checkpoint = checkpoint
        self.categories = categories
        entryRows = rows.entries
        postingRows = rows.postings
        self.ledger = ledger
        self.keys = keys
        self.accounts = accounts
    }

    package var rows: JournalRows { JournalRows(entries: entryRows, postings: postingRows) }

    /// Back to Core values; anything malformed is itself a verification failure.
    package func ledgerState() throws(VerificationFailure) -> LedgerState {
        func bad(_ what: String) -> VerificationFailure {
            VerificationFailure(seq: nil, reason: "the stored state has a malformed \(what)")
        }
        // Ids and keys in lowercase hex only, one spelling per value (docs/FORMAT.md §13).
        func keyID(_ hex: String) -> KeyID? { KeyID(hex: hex).flatMap { $0.hex == hex ? $0 : nil } }
        var ledgerValue: LedgerState.Ledger?
        if let ledger {
            guard let admin = keyID(ledger.adminKey) else { throw bad("admin key id") }
            ledgerValue = LedgerState.Ledger(
                id: ledger.ledgerId, name: ledger.name, currency: ledger.currency, hourRate: ledger.hourRate,
                adminKey: admin, version: ledger.entryVersion ?? 1)
        }
        var keyValues: [LedgerState.Key] = []
        for k in keys {
            guard let id = keyID(k.keyId), let raw = Hex.decodeLowercase(k.publicKey),
                let publicKey = try? Ed25519PublicKey(rawRepresentation: raw), let role = KeyRole(rawValue: k.role)
            else { throw bad("key \(k.keyId)") }
            keyValues.append(
                LedgerState.Key(
                    id: id, publicKey: publicKey, label: k.label, role: role, addedSeq: k.addedSeq,
                    revokedSeq: k.revokedSeq))
        }
        var accountValues: [LedgerState.Account] = []
        for a in accounts {
            guard let id = try? AccountID(a.account), let kind = AccountKind(rawValue: a.kind),
                let status = AccountStatus(rawValue: a.status)
            else { throw bad("account \(a.account)") }
            var controllers: [KeyID] = []
            for c in a.controllers {
                guard let key = keyID(c) else { throw bad("controller of \(a.account)") }
                controllers.append(key)
            }
            accountValues.append(
                LedgerState.Account(
                    id: id, kind: kind, name: a.name, minBalance: a.minBalance, controllers: controllers,
                    status: status,
                    balance: a.balance, openedSeq: a.openedSeq))
        }
        let categoryValues = (categories ?? []).map {
            LedgerState.Category(id: $0.category, name: $0.name, hourRate: $0.hourRate, setSeq: $0.setSeq)
        }
        try Self.checkOrder(keys: keyValues, accounts: accountValues, categories: categoryValues)
        var settingsValue = LedgerState.Settings()
        if let settings {
            guard let parsed = settings.settings() else { throw bad("settings") }
            settingsValue = parsed
        }
        return LedgerState(
            ledger: ledgerValue, keys: keyValues, accounts: accountValues, categories: categoryValues,
            settings: settingsValue)
    }

    /// The one order of each list (docs/FORMAT.md §13), which also rules out an id listed twice:
    /// keys by the entry that added them, entry 1's admin key before its log key; accounts and
    /// categories by id, byte-wise.
    private static func checkOrder(
        keys: [LedgerState.Key], accounts: [LedgerState.Account], categories: [LedgerState.Category]
    ) throws(VerificationFailure) {
        func fail(_ list: String, _ id: String) -> VerificationFailure {
            VerificationFailure(
                seq: nil,
                reason: "the stored state lists \(list) out of order, or twice: \(id) is not after the one before it")
        }
        for (a, b) in zip(keys, keys.dropFirst())
        where (a.addedSeq, a.role == .log ? 1 : 0) >= (b.addedSeq, b.role == .log ? 1 : 0) {
            throw fail("its keys", "key \(b.id.hex)")
        }
        for (a, b) in zip(accounts, accounts.dropFirst())
        where Array(a.id.rawValue.utf8).lexicographicallyPrecedes(Array(b.id.rawValue.utf8)) == false {
            throw fail("its accounts", "account \(b.id)")
        }
        for (a, b) in zip(categories, categories.dropFirst())
        where !Array(a.id.utf8).lexicographicallyPrecedes(Array(b.id.utf8)) {
            throw fail("its categories", "category \(b.id)")
        }
    }
}
