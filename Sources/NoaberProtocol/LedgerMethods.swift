import Foundation
package import NoaberCore
import NoaberCrypto

// Parameters and results of the ledger methods (docs/PROTOCOL.md): `ledger.status`, `ledger.submit`,
// `ledger.submit_batch`, `ledger.entries`, `entry.get`, `ledger.balances` and `ledger.state`.

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
    /// Present while the ledger is a restored backup whose checkpoints are held.
    package var checkpointHold: CheckpointHoldInfo?

    package init(
        initialised: Bool, ledgerId: String?, name: String?, currency: Currency?, hourRate: Int64?, entries: Int64,
        headHash: String, headTime: String?, databaseBytes: Int64, uptimeSeconds: Int64, version: String,
        schemaVersion: Int, groupCommits: Int64, entriesCommitted: Int64, logPublicKey: String? = nil,
        logKey: String? = nil,
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

package struct SubmitParams: Codable, Sendable {
    /// The payload bytes exactly as signed, base64.
    package var payload: String
    /// The 64-byte Ed25519 signature, hex.
    package var signature: String
    package var keyId: String
    /// Entry format v2: the personal texts the payload commits to, with their salts.
    package var personal: [PersonalTextInfo]?

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

/// One entry, by its entry id or by its seq (exactly one of the two).
package struct EntryGetParams: Codable, Sendable {
    package var id: String?
    package var seq: Int64?
    package init(id: String) { self.id = id }
    package init(seq: Int64) { self.seq = seq }
}

package struct PostingInfo: Codable, Sendable, Equatable {
    package var account: String
    package var amount: Int64
    /// The care date stored with the posting (docs/FORMAT.md §2 and §6), served so that a verifier
    /// checks it too; exports leave it out, their postings being the payload's alone.
    package var careDate: String?
    package init(account: String, amount: Int64, careDate: String? = nil) {
        self.account = account
        self.amount = amount
        self.careDate = careDate
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
    /// Entry format v2, for a reader entitled to them: the personal texts still stored beside the
    /// entry (an erased one is absent). Absent: none were served.
    package var personal: [PersonalTextInfo]?

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
        postings = stored.postings.enumerated().map { index, posting in
            PostingInfo(
                account: posting.account.rawValue, amount: posting.amount,
                careDate: stored.careDates.flatMap { index < $0.count ? $0[index] : nil })
        }
        personal = stored.personal.map { $0.map(PersonalTextInfo.init) }
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
        var careDates: [String] = []
        for p in self.postings {
            guard let account = try? AccountID(p.account) else { throw bad("posting account") }
            postings.append(Posting(account: account, amount: p.amount))
            if let careDate = p.careDate { careDates.append(careDate) }
        }
        let entry = CommittedEntry(
            seq: seq, entryID: id, kind: kind,
            signed: SignedEntry(payload: Array(payload), signature: signature, keyID: key),
            committedAt: time, prevHash: prev, hash: hash)
        // Care dates are checked when every posting came with one (from a daemon that stores them).
        return StoredEntry(
            entry: entry, postings: postings, personal: try personalTexts(),
            careDates: !postings.isEmpty && careDates.count == postings.count ? careDates : nil)
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
        func bad(_ what: String) -> VerificationFailure {
            VerificationFailure(seq: nil, reason: "the stored state has a malformed \(what)")
        }
        var ledgerValue: LedgerState.Ledger?
        if let ledger {
            guard let admin = KeyID(hex: ledger.adminKey) else { throw bad("admin key id") }
            ledgerValue = LedgerState.Ledger(
                id: ledger.ledgerId, name: ledger.name, currency: ledger.currency, hourRate: ledger.hourRate,
                adminKey: admin, version: ledger.entryVersion ?? 1)
        }
        var keyValues: [LedgerState.Key] = []
        for k in keys {
            guard let id = KeyID(hex: k.keyId), let raw = Hex.decode(k.publicKey),
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
                guard let key = KeyID(hex: c) else { throw bad("controller of \(a.account)") }
                controllers.append(key)
            }
            accountValues.append(
                LedgerState.Account(
                    id: id, kind: kind, name: a.name, minBalance: a.minBalance, controllers: controllers,
                    status: status,
                    balance: a.balance, openedSeq: a.openedSeq))
        }
        guard Set(keyValues.map(\.id)).count == keyValues.count,
            Set(accountValues.map(\.id)).count == accountValues.count
        else {
            throw bad("list: an id appears twice")
        }
        let categoryValues = (categories ?? []).map {
            LedgerState.Category(id: $0.category, name: $0.name, hourRate: $0.hourRate, setSeq: $0.setSeq)
        }
        guard Set(categoryValues.map(\.id)).count == categoryValues.count else {
            throw bad("category list: an id appears twice")
        }
        var settingsValue = LedgerState.Settings()
        if let settings {
            guard let parsed = settings.settings() else { throw bad("settings") }
            settingsValue = parsed
        }
        return LedgerState(
            ledger: ledgerValue, keys: keyValues, accounts: accountValues, categories: categoryValues,
            settings: settingsValue)
    }
}
