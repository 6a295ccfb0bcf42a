package import NoaberCrypto

/// The signed content of an entry: a flat JSON object whose bytes are chosen by the signer and
/// stored verbatim. See docs/FORMAT.md for every field.
package struct Payload: Sendable, Equatable {
    /// The entry format version a payload gets unless told otherwise: 1, whose personal texts are
    /// signed (docs/FORMAT.md §2); version 2 keeps them beside the chain (§16).
    package static let version = 1
    package static let supportedVersions = 1...2
    /// Payloads larger than this are refused before parsing.
    package static let maxBytes = 64 * 1024
    /// Transactions with more postings than this are refused.
    package static let maxPostings = 100

    /// The entry format version, `v`: every entry of a ledger has its `ledger.init`'s.
    package var v: Int
    package var ledger: String
    package var id: String
    package var body: Body

    package init(v: Int = Payload.version, ledger: String, id: String, body: Body) {
        self.v = v
        self.ledger = ledger
        self.id = id
        self.body = body
    }

    package enum Body: Sendable, Equatable {
        case ledgerInit(LedgerInit)
        case keyAdd(KeyAdd)
        case keyRevoke(KeyRevoke)
        case accountOpen(AccountOpen)
        case accountUpdate(AccountUpdate)
        case categorySet(CategorySet)
        case ledgerSettings(LedgerSettings)
        case claim(Claim)
        case claimReject(ClaimReject)
        case transaction(Transaction)
        case erase(Erase)
        case credits(CreditBatch)
    }

    package var kind: EntryKind {
        switch body {
        case .ledgerInit: .ledgerInit
        case .keyAdd: .keyAdd
        case .keyRevoke: .keyRevoke
        case .accountOpen: .accountOpen
        case .accountUpdate: .accountUpdate
        case .categorySet: .categorySet
        case .ledgerSettings: .ledgerSettings
        case .claim: .claim
        case .claimReject: .claimReject
        case .transaction: .transaction
        case .erase: .erase
        case .credits: .credits
        }
    }
}

/// A public key as it appears in payloads: raw 32 bytes in lowercase hex, a label, a role.
package struct KeySpec: Codable, Sendable, Equatable {
    package var publicKey: String
    package var label: String
    package var role: KeyRole

    package init(publicKey: Ed25519PublicKey, label: String, role: KeyRole) {
        self.publicKey = Hex.encode(publicKey.rawRepresentation)
        self.label = label
        self.role = role
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case publicKey = "public_key"
        case label, role
    }

    package func parsedKey() throws(LedgerError) -> Ed25519PublicKey {
        guard let raw = Hex.decodeLowercase(publicKey),
            let key = try? Ed25519PublicKey(rawRepresentation: raw)
        else { throw .invalidPayload("public_key must be 64 lowercase hex characters (a raw Ed25519 key)") }
        guard !key.hasSmallOrder else {
            throw .invalidPayload(
                "public_key is a small-order point, for which signatures can be made without a private key")
        }
        return key
    }
}

/// `ledger.init`: the first entry, signed by the admin key it names.
package struct LedgerInit: Codable, Sendable, Equatable {
    package var name: String
    package var currency: Currency
    /// Minor units credited per hour of care.
    package var hourRate: Int64
    package var adminKey: KeySpec
    /// 16 random bytes in hex; with the admin key it makes the ledger id (see `LedgerIdentity`).
    package var nonce: String
    /// The daemon's log key (role `log`), which signs the ledger's checkpoints from entry 1 on.
    /// Absent in ledgers made before checkpoints; their admin announces one with `key.add`.
    package var logKey: KeySpec?

    package init(
        name: String, currency: Currency, hourRate: Int64, adminKey: KeySpec, nonce: String, logKey: KeySpec? = nil
    ) {
        self.name = name
        self.currency = currency
        self.hourRate = hourRate
        self.adminKey = adminKey
        self.nonce = nonce
        self.logKey = logKey
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, currency
        case hourRate = "hour_rate"
        case adminKey = "admin_key"
        case nonce
        case logKey = "log_key"
    }
}

/// `key.add`: registers a key with a role; signed by an admin.
package struct KeyAdd: Codable, Sendable, Equatable {
    package var key: KeySpec
    package init(key: KeySpec) { self.key = key }
    enum CodingKeys: String, CodingKey, CaseIterable { case key }
}

/// `key.revoke`: the key signs nothing after this entry; signed by an admin.
package struct KeyRevoke: Codable, Sendable, Equatable {
    package var keyID: KeyID
    package var reason: String?
    package init(keyID: KeyID, reason: String?) {
        self.keyID = keyID
        self.reason = reason
    }
    enum CodingKeys: String, CodingKey, CaseIterable {
        case keyID = "key_id"
        case reason
    }
}

/// `account.open`: signed by an admin or operator.
package struct AccountOpen: Codable, Sendable, Equatable {
    package var account: AccountID
    package var accountKind: AccountKind
    package var name: String
    /// The lowest balance the account may reach: 0 for members and merchants, the negative credit
    /// limit for an issuer.
    package var minBalance: Int64
    /// Keys allowed to sign debits from this account.
    package var controllers: [KeyID]

    package init(account: AccountID, accountKind: AccountKind, name: String, minBalance: Int64, controllers: [KeyID]) {
        self.account = account
        self.accountKind = accountKind
        self.name = name
        self.minBalance = minBalance
        self.controllers = controllers
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case account
        case accountKind = "account_kind"
        case name
        case minBalance = "min_balance"
        case controllers
    }
}

/// `account.update`: changes an account from this entry on; signed by an admin or operator. Every
/// field but `account` is optional, and at least one change is given. Nothing is retroactive: the
/// balance and the entries before stay as they are.
package struct AccountUpdate: Codable, Sendable, Equatable {
    package var account: AccountID
    /// `frozen`: it can neither pay nor be paid; `open` again unfreezes it; `closed` is final and
    /// needs a zero balance.
    package var status: AccountStatus?
    /// The new lowest balance; refused if the balance is already below it.
    package var minBalance: Int64?
    /// The new controllers, the whole list (1 to 16 keys).
    package var controllers: [KeyID]?
    package var name: String?
    /// Why, for the record.
    package var reason: String?

    package init(
        account: AccountID, status: AccountStatus? = nil, minBalance: Int64? = nil, controllers: [KeyID]? = nil,
        name: String? = nil,
        reason: String? = nil
    ) {
        self.account = account
        self.status = status
        self.minBalance = minBalance
        self.controllers = controllers
        self.name = name
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case account, status
        case minBalance = "min_balance"
        case controllers, name, reason
    }
}

/// `category.set`: creates a care category, or changes its name or hour rate, from this entry on
/// (never for credits already made); signed by an admin. Categories let body care pay more per
/// hour than shopping, as Japan's Fureai Kippu does.
package struct CategorySet: Codable, Sendable, Equatable {
    /// The category's id: 1 to 40 of `a-z 0-9 -`, starting with a letter, e.g. `boodschappen`.
    package var category: String
    package var name: String
    /// Minor units credited per hour of care in this category.
    package var hourRate: Int64

    package init(category: String, name: String, hourRate: Int64) {
        self.category = category
        self.name = name
        self.hourRate = hourRate
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case category, name
        case hourRate = "hour_rate"
    }
}

/// One leg of a transaction: negative takes money from the account, positive adds to it.
package struct Posting: Codable, Sendable, Equatable, Hashable {
    package var account: AccountID
    package var amount: Int64
    package init(account: AccountID, amount: Int64) {
        self.account = account
        self.amount = amount
    }
}

/// `tx`: two or more postings that sum to zero, signed by a key controlling every debited account.
package struct Transaction: Codable, Sendable, Equatable {
    package var purpose: Purpose
    package var postings: [Posting]
    package var memo: String?
    /// For credits paid for hours of care: the hours (decimal text) and the hour rate applied.
    package var hours: String?
    package var hourRate: Int64?
    /// The care category whose rate was applied; without one, the ledger's own hour rate.
    package var category: String?
    /// For a credit: the day the care was given, `YYYY-MM-DD` (UTC), not after the entry's commit.
    package var careDate: String?
    /// For a credit that approves a claim: the claim's entry id.
    package var claim: String?
    /// For a `reversal`: the entry id of the transaction it undoes, and why.
    package var reverses: String?
    package var reason: String?
    /// For a `demurrage` charge: the day its period starts, `YYYY-MM-DD`.
    package var period: String?

    package init(
        purpose: Purpose, postings: [Posting], memo: String? = nil, hours: String? = nil, hourRate: Int64? = nil,
        category: String? = nil,
        careDate: String? = nil, claim: String? = nil, reverses: String? = nil, reason: String? = nil,
        period: String? = nil
    ) {
        self.purpose = purpose
        self.postings = postings
        self.memo = memo
        self.hours = hours
        self.hourRate = hourRate
        self.category = category
        self.careDate = careDate
        self.claim = claim
        self.reverses = reverses
        self.reason = reason
        self.period = period
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case purpose, postings, memo, hours
        case hourRate = "hour_rate"
        case category
        case careDate = "care_date"
        case claim, reverses, reason, period
    }

    /// A digest of the postings, in order: what a reversal must mirror. Each posting is
    /// `account "\n" amount "\n"`, so no two lists share a digest.
    package var postingsDigest: SHA256Digest { Self.digest(of: postings) }

    /// `postingsDigest` of these postings.
    package static func digest(of postings: [Posting]) -> SHA256Digest {
        // The bytes written straight into one array: a replay takes every transaction's digest.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(postings.count * 48)
        for posting in postings {
            bytes += posting.account.rawValue.utf8
            bytes.append(0x0A)
            bytes += String(posting.amount).utf8
            bytes.append(0x0A)
        }
        return SHA256.hash(bytes)
    }
}
