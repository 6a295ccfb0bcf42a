package import NoaberCore
import NoaberCrypto
import Foundation
import NoaberTransparency

/// Every method the daemon serves (docs/PROTOCOL.md). Property names are camelCase that the
/// snake_case coding turns into `key_id`, `committed_at`, … on the wire.
package enum Method: String, Sendable, CaseIterable {
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

package struct NoParams: Codable, Sendable {
    package init() {}
}

package struct SubmitParams: Codable, Sendable {
    /// The payload bytes exactly as signed, base64.
    package var payload: String
    /// The 64-byte Ed25519 signature, hex.
    package var signature: String
    package var keyId: String

    package init(_ signed: SignedEntry) {
        payload = Data(signed.payload).base64EncodedString()
        signature = Hex.encode(signed.signature)
        keyId = signed.keyID.hex
    }

    package func signedEntry() throws(RPCError) -> SignedEntry {
        guard let bytes = Data(base64Encoded: payload) else { throw .invalidParams("payload is not base64") }
        guard let signature = Hex.decode(signature), signature.count == 64 else {
            throw .invalidParams("signature must be 128 hex characters")
        }
        guard let key = KeyID(hex: keyId) else { throw .invalidParams("key_id must be 32 hex characters") }
        return SignedEntry(payload: Array(bytes), signature: signature, keyID: key)
    }
}

package struct SubmitBatchParams: Codable, Sendable {
    package static let maxEntries = 1000
    package var entries: [SubmitParams]
    package init(entries: [SubmitParams]) { self.entries = entries }
}

package struct SubmitBatchResult: Codable, Sendable {
    /// One result per entry, in order; `replayed` marks entries committed before.
    package var results: [SubmitResult]
    package init(results: [SubmitResult]) { self.results = results }
}

package struct SubmitResult: Codable, Sendable, Equatable {
    package var seq: Int64
    package var id: String
    package var kind: String
    package var hash: String
    package var committedAt: String
    /// True when this exact entry had been committed before and nothing new was written.
    package var replayed: Bool

    package init(_ entry: CommittedEntry, replayed: Bool) {
        seq = entry.seq
        id = entry.entryID
        kind = entry.kind.rawValue
        hash = entry.hash.hex
        committedAt = entry.committedAt.rfc3339
        self.replayed = replayed
    }
}

package struct StatusResult: Codable, Sendable {
    package var initialised: Bool
    package var ledgerId: String?
    package var name: String?
    package var currency: Currency?
    package var hourRate: Int64?
    package var entries: Int64
    package var headHash: String
    package var headTime: String?
    package var databaseBytes: Int64
    package var uptimeSeconds: Int64
    package var version: String
    package var schemaVersion: Int
    /// SQLite transactions the writer has committed since start; fewer than entries means grouping.
    package var groupCommits: Int64
    package var entriesCommitted: Int64
    /// The daemon's log key, raw public key in hex, whether or not the ledger announced it yet.
    package var logPublicKey: String?
    /// The C2SP verifier key string of that key, once the chain names it an active log key.
    package var logKey: String?
    /// The tree size of the latest signed checkpoint.
    package var checkpointSize: UInt64?
    /// True when the chain registered the daemon's key but revoked it (or gave it another role):
    /// the daemon needs a new log key, which an admin then announces.
    package var logKeyRevoked: Bool?
    /// Claim expiry and demurrage, once initialised.
    package var settings: SettingsInfo?

    package init(
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

package struct AccountParams: Codable, Sendable {
    package var account: String
    package init(account: String) { self.account = account }
}

package struct AccountInfo: Codable, Sendable, Equatable {
    package var account: String
    package var kind: String
    package var name: String
    package var status: String
    package var minBalance: Int64
    package var balance: Int64
    package var controllers: [String]
    package var openedSeq: Int64

    package init(_ a: LedgerState.Account) {
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

package struct AccountList: Codable, Sendable {
    package var accounts: [AccountInfo]
    package init(accounts: [AccountInfo]) { self.accounts = accounts }
}

package struct HistoryParams: Codable, Sendable {
    package var account: String
    package var limit: Int?
    package var beforeSeq: Int64?
    package init(account: String, limit: Int?, beforeSeq: Int64? = nil) {
        self.account = account
        self.limit = limit
        self.beforeSeq = beforeSeq
    }
}

package struct HistoryLineInfo: Codable, Sendable {
    package var seq: Int64
    package var entryId: String
    package var committedAt: String
    package var purpose: String?
    package var memo: String?
    package var hours: String?
    package var category: String?
    package var careDate: String?
    package var amount: Int64
    package var balanceAfter: Int64
    package var counterparties: [String]

    package init(_ line: HistoryLine) {
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

package struct HistoryResult: Codable, Sendable {
    package var account: String
    package var lines: [HistoryLineInfo]
    package init(account: String, lines: [HistoryLineInfo]) {
        self.account = account
        self.lines = lines
    }
}

package struct StatementParams: Codable, Sendable {
    package static let maxLimit = 5000
    package var account: String
    /// The period: entries committed at or after `from_time` and before `to_time` (RFC 3339, UTC);
    /// either may be left out for an open end.
    package var fromTime: String?
    package var toTime: String?
    /// For the next page: the seq of the last line already received.
    package var afterSeq: Int64?
    package var limit: Int?

    package init(account: String, fromTime: String?, toTime: String?, afterSeq: Int64? = nil, limit: Int? = nil) {
        self.account = account
        self.fromTime = fromTime
        self.toTime = toTime
        self.afterSeq = afterSeq
        self.limit = limit
    }
}

package struct StatementResult: Codable, Sendable {
    package var account: AccountInfo
    /// The balance before the first line (before the period, or before `after_seq`).
    package var opening: Int64
    package var lines: [HistoryLineInfo]
    /// The balance after the last line: `opening` plus every line's amount.
    package var closing: Int64
    /// True when the period has more lines: ask again with `after_seq` = the last line's seq.
    package var more: Bool

    package init(account: AccountInfo, opening: Int64, lines: [HistoryLineInfo], closing: Int64, more: Bool) {
        self.account = account
        self.opening = opening
        self.lines = lines
        self.closing = closing
        self.more = more
    }
}

package struct KeyInfo: Codable, Sendable {
    package var keyId: String
    package var publicKey: String
    package var label: String
    package var role: String
    package var addedSeq: Int64
    package var revokedSeq: Int64?

    package init(_ k: LedgerState.Key) {
        keyId = k.id.hex
        publicKey = Hex.encode(k.publicKey.rawRepresentation)
        label = k.label
        role = k.role.rawValue
        addedSeq = k.addedSeq
        revokedSeq = k.revokedSeq
    }
}

package struct CategoryInfo: Codable, Sendable, Equatable {
    package var category: String
    package var name: String
    package var hourRate: Int64
    package var setSeq: Int64

    package init(_ c: LedgerState.Category) {
        category = c.id
        name = c.name
        hourRate = c.hourRate
        setSeq = c.setSeq
    }
}

package struct CategoryList: Codable, Sendable {
    package var categories: [CategoryInfo]
    package init(categories: [CategoryInfo]) { self.categories = categories }
}

package struct KeyList: Codable, Sendable {
    package var keys: [KeyInfo]
    package init(keys: [KeyInfo]) { self.keys = keys }
}

package struct EntriesParams: Codable, Sendable {
    package static let maxLimit = 1000
    /// A page carries at most this many payload bytes (but always at least one entry).
    package static let maxPageBytes = 8 << 20
    package var fromSeq: Int64
    package var limit: Int?
    package init(fromSeq: Int64, limit: Int?) {
        self.fromSeq = fromSeq
        self.limit = limit
    }
}

package struct EntryGetParams: Codable, Sendable {
    package var id: String
    package init(id: String) { self.id = id }
}

package struct PostingInfo: Codable, Sendable, Equatable {
    package var account: String
    package var amount: Int64
    package init(account: String, amount: Int64) {
        self.account = account
        self.amount = amount
    }
}

/// An entry as stored, with everything a verifier needs and nothing it has to trust.
package struct EntryInfo: Codable, Sendable {
    package var seq: Int64
    package var id: String
    package var kind: String
    package var keyId: String
    package var payload: String
    package var signature: String
    package var committedAt: String
    package var prevHash: String
    package var hash: String
    package var postings: [PostingInfo]

    package init(_ stored: StoredEntry) {
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
    package func storedEntry() throws(VerificationFailure) -> StoredEntry {
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

package struct EntriesResult: Codable, Sendable {
    package var entries: [EntryInfo]
    package init(entries: [EntryInfo]) { self.entries = entries }
}

package struct AccountBalance: Codable, Sendable {
    package var account: String
    package var balance: Int64
    package init(account: String, balance: Int64) {
        self.account = account
        self.balance = balance
    }
}

/// Balances and the head they are consistent with: a verifier fetches these first, then entries 1…headSeq.
package struct BalancesResult: Codable, Sendable {
    package var headSeq: Int64
    package var balances: [AccountBalance]
    package init(headSeq: Int64, balances: [AccountBalance]) {
        self.headSeq = headSeq
        self.balances = balances
    }
}

package struct LedgerInfo: Codable, Sendable {
    package var ledgerId: String
    package var name: String
    package var currency: Currency
    package var hourRate: Int64
    package var adminKey: String

    package init(_ l: LedgerState.Ledger) {
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

    package init(
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

    package var rows: JournalRows { JournalRows(entries: entryRows, postings: postingRows) }

    /// Back to Core values; anything malformed is itself a verification failure.
    package func ledgerState() throws(VerificationFailure) -> LedgerState {
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
