package import NoaberCrypto

/// Everything the rules need to judge the next entry: the ledger's settings, its keys and its
/// accounts with their balances. It is derived from the chain alone, so the daemon (to accept
/// entries) and the verifier (to replay them) run the very same rules.
package struct LedgerState: Sendable {
    package struct Ledger: Sendable, Equatable {
        package var id: String
        package var name: String
        package var currency: Currency
        package var hourRate: Int64
        package var adminKey: KeyID
        /// The entry format version of every entry (its `ledger.init`'s `v`, docs/FORMAT.md §16).
        package var version: Int

        package init(
            id: String, name: String, currency: Currency, hourRate: Int64, adminKey: KeyID, version: Int = 1
        ) {
            self.version = version
            self.id = id
            self.name = name
            self.currency = currency
            self.hourRate = hourRate
            self.adminKey = adminKey
        }
    }

    package struct Key: Sendable, Equatable {
        package var id: KeyID
        package var publicKey: Ed25519PublicKey
        package var label: String
        package var role: KeyRole
        package var addedSeq: Int64
        package var revokedSeq: Int64?

        package init(
            id: KeyID, publicKey: Ed25519PublicKey, label: String, role: KeyRole, addedSeq: Int64, revokedSeq: Int64?
        ) {
            self.id = id
            self.publicKey = publicKey
            self.label = label
            self.role = role
            self.addedSeq = addedSeq
            self.revokedSeq = revokedSeq
        }
    }

    package struct Account: Sendable, Equatable {
        package var id: AccountID
        package var kind: AccountKind
        package var name: String
        package var minBalance: Int64
        package var controllers: [KeyID]
        package var status: AccountStatus
        package var balance: Int64
        package var openedSeq: Int64

        package init(
            id: AccountID, kind: AccountKind, name: String, minBalance: Int64, controllers: [KeyID],
            status: AccountStatus, balance: Int64, openedSeq: Int64
        ) {
            self.id = id
            self.kind = kind
            self.name = name
            self.minBalance = minBalance
            self.controllers = controllers
            self.status = status
            self.balance = balance
            self.openedSeq = openedSeq
        }
    }

    /// A care category and the hour rate in force for it.
    package struct Category: Sendable, Equatable {
        package var id: String
        package var name: String
        package var hourRate: Int64
        /// The entry that last set it.
        package var setSeq: Int64

        package init(id: String, name: String, hourRate: Int64, setSeq: Int64) {
            self.id = id
            self.name = name
            self.hourRate = hourRate
            self.setSeq = setSeq
        }
    }

    /// The settings of the latest `ledger.settings` entry, and how far demurrage has been charged.
    package struct Settings: Sendable, Equatable {
        package var claimExpiryDays: Int
        package var demurrage: Demurrage?
        /// While demurrage is on: the start of the next period to charge.
        package var demurrageNext: Timestamp?
        /// Within the period being charged: the last account charged so far (accounts are charged in
        /// order of their ids, at most 99 per entry).
        package var demurrageCursor: AccountID?
        /// Statements' and reports' language (`LedgerSettings.languages`); nil: the default, Dutch.
        package var language: String?
        /// The organisation's contact line for statements; nil: none.
        package var contact: String?

        package init(
            claimExpiryDays: Int = LedgerSettings.defaultClaimExpiryDays, demurrage: Demurrage? = nil,
            demurrageNext: Timestamp? = nil,
            demurrageCursor: AccountID? = nil, language: String? = nil, contact: String? = nil
        ) {
            self.claimExpiryDays = claimExpiryDays
            self.demurrage = demurrage
            self.demurrageNext = demurrageNext
            self.demurrageCursor = demurrageCursor
            self.language = language
            self.contact = contact
        }
    }

    package internal(set) var ledger: Ledger?
    package internal(set) var keys: [KeyID: Key] = [:]
    package internal(set) var accounts: [AccountID: Account] = [:]
    package internal(set) var categories: [String: Category] = [:]
    package internal(set) var settings = Settings()
    /// How a version 1 chain's texts that break the character rule (docs/FORMAT.md §2, format
    /// characters and NFC) are met: refused, as the daemon refuses new ones, or noted in
    /// `textWarnings`, as `verify` replays entries written before the rule. Version 2 texts are
    /// always refused.
    package var legacyTexts = LegacyTexts.refuse
    /// What a replay with `legacyTexts` `.warn` noted, in chain order.
    package internal(set) var textWarnings: [TextWarning] = []

    package enum LegacyTexts: Sendable { case refuse, warn }

    package init() {}

    /// Restores a state saved by the store (its derived tables), without replaying the chain.
    package init(
        ledger: Ledger?, keys: [Key], accounts: [Account], categories: [Category] = [], settings: Settings = Settings()
    ) {
        self.ledger = ledger
        self.settings = settings
        // Callers check for duplicates where they matter; a restore must never trap on them.
        self.keys = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.accounts = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.categories = Dictionary(categories.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    package var activeAdminCount: Int {
        keys.values.count { $0.role == .admin && $0.revokedSeq == nil }
    }

    package var activeLogKeyCount: Int {
        keys.values.count { $0.role == .log && $0.revokedSeq == nil }
    }
}
