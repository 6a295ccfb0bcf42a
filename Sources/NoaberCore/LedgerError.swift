package import NoaberCrypto

/// Why the ledger refused an entry or a query. Every case maps to a stable code in docs/PROTOCOL.md.
package enum LedgerError: Error, Equatable, Sendable {
    /// The payload is not JSON of a known entry kind, one of its fields is malformed, or it breaks a
    /// rule of form (code 1000); the text says which, and is the whole message.
    case invalidPayload(String)
    /// The signature does not verify over the signed message with the named key.
    case badSignature(KeyID)
    /// No key with this id was ever added to the ledger.
    case unknownKey(KeyID)
    /// The key was revoked by entry `seq`; it signs nothing after that.
    case keyRevoked(KeyID, seq: Int64)
    /// The signing key lacks the right that this entry needs.
    case unauthorized(String)
    /// The payload names another ledger than this one.
    case wrongLedger(expected: String, actual: String)
    /// The postings of a transaction do not sum to zero.
    case unbalanced(String)
    /// An amount is zero, negative where that is not allowed, too precise for the scale, or beyond Int64.
    case invalidAmount(String)
    /// Hours are zero, negative, too precise, or do not match the amount at the hour rate.
    case invalidHours(String)
    /// No account with this id exists.
    case unknownAccount(AccountID)
    /// The account exists but is not open (frozen or closed).
    case accountNotOpen(AccountID, status: String)
    /// The transaction would take an account below its minimum balance; amounts are formatted decimals.
    case limitExceeded(account: AccountID, wouldBe: String, minimum: String)
    /// An entry with this id exists already with other bytes.
    case conflict(entryID: String)
    /// The ledger already has its `ledger.init` entry.
    case alreadyInitialised
    /// The ledger has no `ledger.init` entry yet.
    case notInitialised
    /// An account with this id already exists.
    case accountExists(AccountID)
    /// A key with this id is already registered.
    case keyExists(KeyID)
    /// A transaction has more postings than the ledger accepts.
    case tooManyPostings(count: Int, limit: Int)
    /// A query named something that does not exist.
    case notFound(String)
    /// Only an account at a zero balance can be closed.
    case accountNotEmpty(AccountID, balance: String)
    /// The claim was approved or rejected already, by entry `seq`.
    case claimDecided(String, seq: Int64)
    /// The claim was not decided in time; it expired at the RFC 3339 time given.
    case claimExpired(String, at: String)
    /// The demurrage of the period starting on the given day is due, and the daemon writes it before
    /// any other entry, so that it is charged on the balances at the period's start.
    case demurrageDue(period: String)
    /// Entry format v2 (docs/FORMAT.md §16): a commitment has no text beside it.
    case personalDataMissing(path: String)
    /// A text beside the entry does not match the commitment at its path.
    case personalDataMismatch(path: String)
    /// A text was given for a path the payload commits nothing to.
    case personalDataUnexpected(path: String)
    /// The entry's format version is not the ledger's (set by its `ledger.init`).
    case versionMismatch(ledger: Int, entry: Int)
    /// A text field (named by its path, or as the rule calls it) breaks the text rule of
    /// docs/FORMAT.md §2: a control or format character, or not in NFC.
    case invalidText(field: String, TextProblem)
    /// Credit `index` of a `credits` batch (docs/FORMAT.md §17) broke a rule: the whole entry is
    /// refused, with the code and reason of what that credit broke.
    indirect case inCredit(index: Int, id: String, LedgerError)

    /// Stable numeric code, sent as the JSON-RPC error code.
    package var code: Int {
        switch self {
        case .invalidPayload: 1000
        case .badSignature: 1001
        case .unknownKey: 1002
        case .keyRevoked: 1003
        case .unauthorized: 1004
        case .wrongLedger: 1005
        case .unbalanced: 1006
        case .invalidAmount: 1007
        case .invalidHours: 1008
        case .unknownAccount: 1009
        case .accountNotOpen: 1010
        case .limitExceeded: 1011
        case .conflict: 1012
        case .alreadyInitialised: 1013
        case .notInitialised: 1014
        case .accountExists: 1015
        case .keyExists: 1016
        case .tooManyPostings: 1017
        case .notFound: 1018
        case .accountNotEmpty: 1019
        case .claimDecided: 1020
        case .claimExpired: 1021
        case .demurrageDue: 1022
        case .personalDataMissing: 1023
        case .personalDataMismatch: 1024
        case .personalDataUnexpected: 1025
        case .versionMismatch: 1026
        case .invalidText: 1027
        case .inCredit(_, _, let error): error.code
        }
    }

    /// Stable machine-readable name, sent as `error.data.reason`.
    package var reason: String {
        switch self {
        case .invalidPayload: "invalid_payload"
        case .badSignature: "bad_signature"
        case .unknownKey: "unknown_key"
        case .keyRevoked: "key_revoked"
        case .unauthorized: "unauthorized"
        case .wrongLedger: "wrong_ledger"
        case .unbalanced: "unbalanced"
        case .invalidAmount: "invalid_amount"
        case .invalidHours: "invalid_hours"
        case .unknownAccount: "unknown_account"
        case .accountNotOpen: "account_not_open"
        case .limitExceeded: "limit_exceeded"
        case .conflict: "conflict"
        case .alreadyInitialised: "already_initialised"
        case .notInitialised: "not_initialised"
        case .accountExists: "account_exists"
        case .keyExists: "key_exists"
        case .tooManyPostings: "too_many_postings"
        case .notFound: "not_found"
        case .accountNotEmpty: "account_not_empty"
        case .claimDecided: "claim_decided"
        case .claimExpired: "claim_expired"
        case .demurrageDue: "demurrage_due"
        case .personalDataMissing: "personal_data_missing"
        case .personalDataMismatch: "personal_data_mismatch"
        case .personalDataUnexpected: "personal_data_unexpected"
        case .versionMismatch: "version_mismatch"
        case .invalidText: "invalid_text"
        case .inCredit(_, _, let error): error.reason
        }
    }

    /// A sentence a person can act on.
    package var message: String {
        switch self {
        // The reason alone: most are rules a person broke ("entry 7 was already reversed by entry
        // 9"), which a prefix about payloads only obscured; the code and reason still say which kind.
        case .invalidPayload(let why): why
        case .badSignature(let key): "signature does not verify with key \(key.hex) over the submitted payload"
        case .unknownKey(let key): "key \(key.hex) is not registered in this ledger"
        case .keyRevoked(let key, let seq): "key \(key.hex) was revoked by entry \(seq) and can no longer sign"
        case .unauthorized(let why): "not authorised: \(why)"
        case .wrongLedger(let expected, let actual):
            "payload is for ledger \(actual), but this is ledger \(expected)"
        case .unbalanced(let why): "unbalanced transaction: \(why)"
        case .invalidAmount(let why): "invalid amount: \(why)"
        case .invalidHours(let why): "invalid hours: \(why)"
        case .unknownAccount(let id): "account \(id) does not exist"
        case .accountNotOpen(let id, let status): "account \(id) is \(status)"
        case .limitExceeded(let id, let wouldBe, let minimum):
            "account \(id) would go to \(wouldBe), below its minimum balance \(minimum)"
        case .conflict(let id): "entry id \(id) is already used by an entry with other bytes"
        case .alreadyInitialised: "the ledger is already initialised"
        case .notInitialised: "the ledger is not initialised yet (run `noaber init`)"
        case .accountExists(let id): "account \(id) already exists"
        case .keyExists(let key): "key \(key.hex) is already registered"
        case .tooManyPostings(let count, let limit): "\(count) postings; a transaction may have at most \(limit)"
        case .notFound(let what): "\(what) not found"
        case .accountNotEmpty(let id, let balance):
            "account \(id) holds \(balance); only an account at zero can be closed (transfer the rest first)"
        case .claimDecided(let id, let seq): "claim \(id) was already decided, by entry \(seq)"
        case .claimExpired(let id, let at):
            "claim \(id) expired at \(at), undecided; the volunteer can make a new claim"
        case .demurrageDue(let period):
            "the demurrage of the period starting \(period) is due first; the daemon writes it with its log key (if it does not, its log key is not the ledger's: see its log)"
        case .personalDataMissing(let path):
            "the payload commits to a personal text at \"\(path)\", but none was sent beside it (params.personal)"
        case .personalDataMismatch(let path):
            "the personal text sent for \"\(path)\" does not match the payload's commitment (wrong text or salt)"
        case .personalDataUnexpected(let path):
            "a personal text was sent for \"\(path)\", but the payload commits to no text there"
        case .versionMismatch(let ledger, let entry) where ledger < 2 && entry >= 2:
            "this ledger's entries are format v\(ledger), which signs personal data into the chain; entries of format v\(entry) (and so erasure) are not possible on it"
        case .versionMismatch(let ledger, let entry):
            "this ledger's entries are format v\(ledger); an entry of format v\(entry) is refused"
        case .invalidText(let field, let problem): "invalid text: \(field) \(problem.explanation)"
        case .inCredit(let index, let id, let error): "credits[\(index)] (credit \(id)): \(error.message)"
        }
    }
}

extension LedgerError: CustomStringConvertible {
    package var description: String { message }
}
