public import NoaberHashing

/// Everything the rules need to judge the next entry: the ledger's settings, its keys and its
/// accounts with their balances. It is derived from the chain alone, so the daemon (to accept
/// entries) and the verifier (to replay them) run the very same rules.
public struct LedgerState: Sendable {
    public struct Ledger: Sendable, Equatable {
        public var id: String
        public var name: String
        public var currency: Currency
        public var hourRate: Int64
        public var adminKey: KeyID

        public init(id: String, name: String, currency: Currency, hourRate: Int64, adminKey: KeyID) {
            self.id = id
            self.name = name
            self.currency = currency
            self.hourRate = hourRate
            self.adminKey = adminKey
        }
    }

    public struct Key: Sendable, Equatable {
        public var id: KeyID
        public var publicKey: Ed25519PublicKey
        public var label: String
        public var role: KeyRole
        public var addedSeq: Int64
        public var revokedSeq: Int64?

        public init(id: KeyID, publicKey: Ed25519PublicKey, label: String, role: KeyRole, addedSeq: Int64, revokedSeq: Int64?) {
            self.id = id
            self.publicKey = publicKey
            self.label = label
            self.role = role
            self.addedSeq = addedSeq
            self.revokedSeq = revokedSeq
        }
    }

    public struct Account: Sendable, Equatable {
        public var id: AccountID
        public var kind: AccountKind
        public var name: String
        public var minBalance: Int64
        public var controllers: [KeyID]
        public var status: AccountStatus
        public var balance: Int64
        public var openedSeq: Int64

        public init(
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
    public struct Category: Sendable, Equatable {
        public var id: String
        public var name: String
        public var hourRate: Int64
        /// The entry that last set it.
        public var setSeq: Int64

        public init(id: String, name: String, hourRate: Int64, setSeq: Int64) {
            self.id = id
            self.name = name
            self.hourRate = hourRate
            self.setSeq = setSeq
        }
    }

    /// The settings of the latest `ledger.settings` entry, and how far demurrage has been charged.
    public struct Settings: Sendable, Equatable {
        public var claimExpiryDays: Int
        public var demurrage: Demurrage?
        /// While demurrage is on: the start of the next period to charge.
        public var demurrageNext: Timestamp?
        /// Within the period being charged: the last account charged so far (accounts are charged in
        /// order of their ids, at most 99 per entry).
        public var demurrageCursor: AccountID?

        public init(
            claimExpiryDays: Int = LedgerSettings.defaultClaimExpiryDays, demurrage: Demurrage? = nil, demurrageNext: Timestamp? = nil,
            demurrageCursor: AccountID? = nil
        ) {
            self.claimExpiryDays = claimExpiryDays
            self.demurrage = demurrage
            self.demurrageNext = demurrageNext
            self.demurrageCursor = demurrageCursor
        }
    }

    public internal(set) var ledger: Ledger?
    public internal(set) var keys: [KeyID: Key] = [:]
    public internal(set) var accounts: [AccountID: Account] = [:]
    public internal(set) var categories: [String: Category] = [:]
    public internal(set) var settings = Settings()

    public init() {}

    /// Restores a state saved by the store (its derived tables), without replaying the chain.
    public init(ledger: Ledger?, keys: [Key], accounts: [Account], categories: [Category] = [], settings: Settings = Settings()) {
        self.ledger = ledger
        self.settings = settings
        // Callers check for duplicates where they matter; a restore must never trap on them.
        self.keys = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.accounts = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.categories = Dictionary(categories.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var activeAdminCount: Int {
        keys.values.count { $0.role == .admin && $0.revokedSeq == nil }
    }

    public var activeLogKeyCount: Int {
        keys.values.count { $0.role == .log && $0.revokedSeq == nil }
    }
}
