public import NoaberCore
import NoaberHashing
import Foundation

/// Every method the daemon serves (docs/PROTOCOL.md). Property names are camelCase that the
/// snake_case coding turns into `key_id`, `committed_at`, … on the wire.
public enum Method: String, Sendable, CaseIterable {
    /// Submit one signed entry.
    case submit = "ledger.submit"
    /// Submit up to 1000 signed entries, applied all-or-nothing in one commit.
    case submitBatch = "ledger.submit_batch"
    case status = "ledger.status"
    /// Raw entries in sequence order, with their stored postings, for verification.
    case entries = "ledger.entries"
    /// Every account's stored balance and the head they belong to.
    case balances = "ledger.balances"
    /// The whole stored derived state (settings, keys, accounts) and the head it belongs to.
    case state = "ledger.state"
    case entryGet = "entry.get"
    case accountGet = "account.get"
    case accountList = "account.list"
    case accountHistory = "account.history"
    /// An account's statement for a period: opening balance, the entries with running balance, closing balance.
    case accountStatement = "account.statement"
    case keyList = "key.list"
    /// Every care category with the hour rate in force.
    case categoryList = "category.list"
    /// Claims of hours and what became of them, a page at a time.
    case claimList = "claim.list"
    /// The latest signed checkpoint (C2SP tlog-checkpoint) and the daemon's log key.
    case checkpoint = "ledger.checkpoint"
    /// An entry with its Merkle inclusion proof in the tree of a given size.
    case inclusionProof = "ledger.inclusion_proof"
    /// The Merkle consistency proof between two tree sizes.
    case consistencyProof = "ledger.consistency_proof"
}

public struct NoParams: Codable, Sendable {
    public init() {}
}

public struct SubmitParams: Codable, Sendable {
    /// The payload bytes exactly as signed, base64.
    public var payload: String
    /// The 64-byte Ed25519 signature, hex.
    public var signature: String
    public var keyId: String

    public init(_ signed: SignedEntry) {
        payload = Data(signed.payload).base64EncodedString()
        signature = Hex.encode(signed.signature)
        keyId = signed.keyID.hex
    }

    public func signedEntry() throws(RPCError) -> SignedEntry {
        guard let bytes = Data(base64Encoded: payload) else { throw .invalidParams("payload is not base64") }
        guard let signature = Hex.decode(signature), signature.count == 64 else {
            throw .invalidParams("signature must be 128 hex characters")
        }
        guard let key = KeyID(hex: keyId) else { throw .invalidParams("key_id must be 32 hex characters") }
        return SignedEntry(payload: Array(bytes), signature: signature, keyID: key)
    }
}

public struct SubmitBatchParams: Codable, Sendable {
    public static let maxEntries = 1000
    public var entries: [SubmitParams]
    public init(entries: [SubmitParams]) { self.entries = entries }
}

public struct SubmitBatchResult: Codable, Sendable {
    /// One result per entry, in order; `replayed` marks entries committed before.
    public var results: [SubmitResult]
    public init(results: [SubmitResult]) { self.results = results }
}

public struct SubmitResult: Codable, Sendable, Equatable {
    public var seq: Int64
    public var id: String
    public var kind: String
    public var hash: String
    public var committedAt: String
    /// True when this exact entry had been committed before and nothing new was written.
    public var replayed: Bool

    public init(_ entry: CommittedEntry, replayed: Bool) {
        seq = entry.seq
        id = entry.entryID
        kind = entry.kind.rawValue
        hash = entry.hash.hex
        committedAt = entry.committedAt.rfc3339
        self.replayed = replayed
    }
}

public struct StatusResult: Codable, Sendable {
    public var initialised: Bool
    public var ledgerId: String?
    public var name: String?
    public var currency: Currency?
    public var hourRate: Int64?
    public var entries: Int64
    public var headHash: String
    public var headTime: String?
    public var databaseBytes: Int64
    public var uptimeSeconds: Int64
    public var version: String
    public var schemaVersion: Int
    /// SQLite transactions the writer has committed since start; fewer than entries means grouping.
    public var groupCommits: Int64
    public var entriesCommitted: Int64
    /// The daemon's log key, raw public key in hex, whether or not the ledger announced it yet.
    public var logPublicKey: String?
    /// The C2SP verifier key string of that key, once the chain names it an active log key.
    public var logKey: String?
    /// The tree size of the latest signed checkpoint.
    public var checkpointSize: UInt64?
    /// True when the chain registered the daemon's key but revoked it (or gave it another role):
    /// the daemon needs a new log key, which an admin then announces.
    public var logKeyRevoked: Bool?
    /// Claim expiry and demurrage, once initialised.
    public var settings: SettingsInfo?

    public init(
        initialised: Bool, ledgerId: String?, name: String?, currency: Currency?, hourRate: Int64?, entries: Int64,
        headHash: String, headTime: String?, databaseBytes: Int64, uptimeSeconds: Int64, version: String,
        schemaVersion: Int, groupCommits: Int64, entriesCommitted: Int64, logPublicKey: String? = nil, logKey: String? = nil,
        checkpointSize: UInt64? = nil, logKeyRevoked: Bool? = nil
    ) {
        self.logKeyRevoked = logKeyRevoked
        self.logPublicKey = logPublicKey
        self.logKey = logKey
        self.checkpointSize = checkpointSize
        self.initialised = initialised
        self.ledgerId = ledgerId
        self.name = name
        self.currency = currency
        self.hourRate = hourRate
        self.entries = entries
        self.headHash = headHash
        self.headTime = headTime
        self.databaseBytes = databaseBytes
        self.uptimeSeconds = uptimeSeconds
        self.version = version
        self.schemaVersion = schemaVersion
        self.groupCommits = groupCommits
        self.entriesCommitted = entriesCommitted
    }
}

public struct AccountParams: Codable, Sendable {
    public var account: String
    public init(account: String) { self.account = account }
}

public struct AccountInfo: Codable, Sendable, Equatable {
    public var account: String
    public var kind: String
    public var name: String
    public var status: String
    public var minBalance: Int64
    public var balance: Int64
    public var controllers: [String]
    public var openedSeq: Int64

    public init(_ a: LedgerState.Account) {
        account = a.id.rawValue
        kind = a.kind.rawValue
        name = a.name
        status = a.status.rawValue
        minBalance = a.minBalance
        balance = a.balance
        controllers = a.controllers.map(\.hex)
        openedSeq = a.openedSeq
    }
}

public struct AccountList: Codable, Sendable {
    public var accounts: [AccountInfo]
    public init(accounts: [AccountInfo]) { self.accounts = accounts }
}

public struct HistoryParams: Codable, Sendable {
    public var account: String
    public var limit: Int?
    public var beforeSeq: Int64?
    public init(account: String, limit: Int?, beforeSeq: Int64? = nil) {
        self.account = account
        self.limit = limit
        self.beforeSeq = beforeSeq
    }
}

public struct HistoryLineInfo: Codable, Sendable {
    public var seq: Int64
    public var entryId: String
    public var committedAt: String
    public var purpose: String?
    public var memo: String?
    public var hours: String?
    public var category: String?
    public var careDate: String?
    public var amount: Int64
    public var balanceAfter: Int64
    public var counterparties: [String]

    public init(_ line: HistoryLine) {
        category = line.category
        careDate = line.careDate
        seq = line.seq
        entryId = line.entryID
        committedAt = line.committedAt.rfc3339
        purpose = line.purpose?.rawValue
        memo = line.memo
        hours = line.hours
        amount = line.amount
        balanceAfter = line.balanceAfter
        counterparties = line.counterparties.map(\.rawValue)
    }
}

public struct HistoryResult: Codable, Sendable {
    public var account: String
    public var lines: [HistoryLineInfo]
    public init(account: String, lines: [HistoryLineInfo]) {
        self.account = account
        self.lines = lines
    }
}

public struct StatementParams: Codable, Sendable {
    public static let maxLimit = 5000
    public var account: String
    /// The period: entries committed at or after `from_time` and before `to_time` (RFC 3339, UTC);
    /// either may be left out for an open end.
    public var fromTime: String?
    public var toTime: String?
    /// For the next page: the seq of the last line already received.
    public var afterSeq: Int64?
    public var limit: Int?

    public init(account: String, fromTime: String?, toTime: String?, afterSeq: Int64? = nil, limit: Int? = nil) {
        self.account = account
        self.fromTime = fromTime
        self.toTime = toTime
        self.afterSeq = afterSeq
        self.limit = limit
    }
}

public struct StatementResult: Codable, Sendable {
    public var account: AccountInfo
    /// The balance before the first line (before the period, or before `after_seq`).
    public var opening: Int64
    public var lines: [HistoryLineInfo]
    /// The balance after the last line: `opening` plus every line's amount.
    public var closing: Int64
    /// True when the period has more lines: ask again with `after_seq` = the last line's seq.
    public var more: Bool

    public init(account: AccountInfo, opening: Int64, lines: [HistoryLineInfo], closing: Int64, more: Bool) {
        self.account = account
        self.opening = opening
        self.lines = lines
        self.closing = closing
        self.more = more
    }
}

public struct KeyInfo: Codable, Sendable {
    public var keyId: String
    public var publicKey: String
    public var label: String
    public var role: String
    public var addedSeq: Int64
    public var revokedSeq: Int64?

    public init(_ k: LedgerState.Key) {
        keyId = k.id.hex
        publicKey = Hex.encode(k.publicKey.rawRepresentation)
        label = k.label
        role = k.role.rawValue
        addedSeq = k.addedSeq
        revokedSeq = k.revokedSeq
    }
}

public struct CategoryInfo: Codable, Sendable, Equatable {
    public var category: String
    public var name: String
    public var hourRate: Int64
    public var setSeq: Int64

    public init(_ c: LedgerState.Category) {
        category = c.id
        name = c.name
        hourRate = c.hourRate
        setSeq = c.setSeq
    }
}

public struct CategoryList: Codable, Sendable {
    public var categories: [CategoryInfo]
    public init(categories: [CategoryInfo]) { self.categories = categories }
}

public struct KeyList: Codable, Sendable {
    public var keys: [KeyInfo]
    public init(keys: [KeyInfo]) { self.keys = keys }
}

public struct EntriesParams: Codable, Sendable {
    public static let maxLimit = 1000
    /// A page carries at most this many payload bytes (but always at least one entry).
    public static let maxPageBytes = 8 << 20
    public var fromSeq: Int64
    public var limit: Int?
    public init(fromSeq: Int64, limit: Int?) {
        self.fromSeq = fromSeq
        self.limit = limit
    }
}

public struct EntryGetParams: Codable, Sendable {
    public var id: String
    public init(id: String) { self.id = id }
}

public struct PostingInfo: Codable, Sendable, Equatable {
    public var account: String
    public var amount: Int64
    public init(account: String, amount: Int64) {
        self.account = account
        self.amount = amount
    }
}

/// An entry as stored, with everything a verifier needs and nothing it has to trust.
public struct EntryInfo: Codable, Sendable {
    public var seq: Int64
    public var id: String
    public var kind: String
    public var keyId: String
    public var payload: String
    public var signature: String
    public var committedAt: String
    public var prevHash: String
    public var hash: String
    public var postings: [PostingInfo]

    public init(_ stored: StoredEntry) {
        let e = stored.entry
        seq = e.seq
        id = e.entryID
        kind = e.kind.rawValue
        keyId = e.signed.keyID.hex
        payload = Data(e.signed.payload).base64EncodedString()
        signature = Hex.encode(e.signed.signature)
        committedAt = e.committedAt.rfc3339
        prevHash = e.prevHash.hex
        hash = e.hash.hex
        postings = stored.postings.map { PostingInfo(account: $0.account.rawValue, amount: $0.amount) }
    }

    /// Back to a Core value; a malformed field is reported as a failure at this entry.
    public func storedEntry() throws(VerificationFailure) -> StoredEntry {
        func bad(_ what: String) -> VerificationFailure { VerificationFailure(seq: seq, reason: "malformed \(what)") }
        guard let kind = EntryKind(rawValue: kind) else { throw bad("kind") }
        guard let key = KeyID(hex: keyId) else { throw bad("key id") }
        guard let payload = Data(base64Encoded: payload) else { throw bad("payload") }
        guard let signature = Hex.decode(signature) else { throw bad("signature") }
        guard let time = Timestamp(rfc3339: committedAt) else { throw bad("commit time") }
        guard let prev = SHA256Digest(hex: prevHash), let hash = SHA256Digest(hex: hash) else { throw bad("hash") }
        var postings: [Posting] = []
        for p in self.postings {
            guard let account = try? AccountID(p.account) else { throw bad("posting account") }
            postings.append(Posting(account: account, amount: p.amount))
        }
        let entry = CommittedEntry(
            seq: seq, entryID: id, kind: kind, signed: SignedEntry(payload: Array(payload), signature: signature, keyID: key),
            committedAt: time, prevHash: prev, hash: hash)
        return StoredEntry(entry: entry, postings: postings)
    }
}

public struct EntriesResult: Codable, Sendable {
    public var entries: [EntryInfo]
    public init(entries: [EntryInfo]) { self.entries = entries }
}

public struct AccountBalance: Codable, Sendable {
    public var account: String
    public var balance: Int64
    public init(account: String, balance: Int64) {
        self.account = account
        self.balance = balance
    }
}

/// Balances and the head they are consistent with: a verifier fetches these first, then entries 1…headSeq.
public struct BalancesResult: Codable, Sendable {
    public var headSeq: Int64
    public var balances: [AccountBalance]
    public init(headSeq: Int64, balances: [AccountBalance]) {
        self.headSeq = headSeq
        self.balances = balances
    }
}

public struct LedgerInfo: Codable, Sendable {
    public var ledgerId: String
    public var name: String
    public var currency: Currency
    public var hourRate: Int64
    public var adminKey: String

    public init(_ l: LedgerState.Ledger) {
        ledgerId = l.id
        name = l.name
        currency = l.currency
        hourRate = l.hourRate
        adminKey = l.adminKey.hex
    }
}

/// The stored derived state as one snapshot: a verifier fetches this first, replays entries
/// 1…headSeq, and compares.
public struct StateResult: Codable, Sendable {
    public var headSeq: Int64
    /// Rows in the journal's tables, so that rows outside the chain 1…head_seq cannot hide.
    public var entryRows: Int64
    public var postingRows: Int64
    public var ledger: LedgerInfo?
    public var keys: [KeyInfo]
    public var accounts: [AccountInfo]
    /// The latest signed checkpoint (a C2SP signed note) in the same snapshot: its tree size is at
    /// most `head_seq`. Nil while the ledger has no log key.
    public var checkpoint: String?
    /// Care categories; absent (not merely empty) from daemons that predate them.
    public var categories: [CategoryInfo]?
    /// The settings in force; absent from daemons that predate them (the defaults).
    public var settings: SettingsInfo?

    public init(
        headSeq: Int64, rows: JournalRows, ledger: LedgerInfo?, keys: [KeyInfo], accounts: [AccountInfo],
        checkpoint: String? = nil, categories: [CategoryInfo]? = nil, settings: SettingsInfo? = nil
    ) {
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

    public var rows: JournalRows { JournalRows(entries: entryRows, postings: postingRows) }

    /// Back to Core values; anything malformed is itself a verification failure.
    public func ledgerState() throws(VerificationFailure) -> LedgerState {
        func bad(_ what: String) -> VerificationFailure { VerificationFailure(seq: nil, reason: "the stored state has a malformed \(what)") }
        var ledgerValue: LedgerState.Ledger?
        if let ledger {
            guard let admin = KeyID(hex: ledger.adminKey) else { throw bad("admin key id") }
            ledgerValue = LedgerState.Ledger(
                id: ledger.ledgerId, name: ledger.name, currency: ledger.currency, hourRate: ledger.hourRate, adminKey: admin)
        }
        var keyValues: [LedgerState.Key] = []
        for k in keys {
            guard let id = KeyID(hex: k.keyId), let raw = Hex.decode(k.publicKey),
                let publicKey = try? Ed25519PublicKey(rawRepresentation: raw), let role = KeyRole(rawValue: k.role)
            else { throw bad("key \(k.keyId)") }
            keyValues.append(LedgerState.Key(id: id, publicKey: publicKey, label: k.label, role: role, addedSeq: k.addedSeq, revokedSeq: k.revokedSeq))
        }
        var accountValues: [LedgerState.Account] = []
        for a in accounts {
            guard let id = try? AccountID(a.account), let kind = AccountKind(rawValue: a.kind),
                let status = AccountStatus(rawValue: a.status)
            else { throw bad("account \(a.account)") }
            var controllers: [KeyID] = []
            for c in a.controllers {
                guard let key = KeyID(hex: c) else { throw bad("controller of \(a.account)") }
                controllers.append(key)
            }
            accountValues.append(
                LedgerState.Account(
                    id: id, kind: kind, name: a.name, minBalance: a.minBalance, controllers: controllers, status: status,
                    balance: a.balance, openedSeq: a.openedSeq))
        }
        guard Set(keyValues.map(\.id)).count == keyValues.count, Set(accountValues.map(\.id)).count == accountValues.count else {
            throw bad("list: an id appears twice")
        }
        let categoryValues = (categories ?? []).map {
            LedgerState.Category(id: $0.category, name: $0.name, hourRate: $0.hourRate, setSeq: $0.setSeq)
        }
        guard Set(categoryValues.map(\.id)).count == categoryValues.count else { throw bad("category list: an id appears twice") }
        var settingsValue = LedgerState.Settings()
        if let settings {
            guard let parsed = settings.settings() else { throw bad("settings") }
            settingsValue = parsed
        }
        return LedgerState(
            ledger: ledgerValue, keys: keyValues, accounts: accountValues, categories: categoryValues, settings: settingsValue)
    }
}
