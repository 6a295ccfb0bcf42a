package import NoaberCore

/// Why an export cannot be made. Every case is found before the export is complete, and the CLI
/// then discards its temporary file, so `--out FILE` never holds half an export.
package enum ExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `--from` or `--to` is not a calendar date written as YYYY-MM-DD.
    case invalidDate(option: String, text: String)
    /// `--from` is later than `--to`, so the range holds no day.
    case emptyRange(from: String, to: String)
    /// `--account` is not a valid account id.
    case invalidAccount(String)
    /// `--account` names no account of this ledger.
    case unknownAccount(AccountID)
    /// A filter was given for a format that takes none: a jsonl export is always the whole chain.
    case filterNotSupported(ExportFormat)
    /// The entries did not come as 1, 2, 3, …: accounts and balances need every entry from the first.
    case outOfSequence(expected: Int64, got: Int64)
    /// An entry, or the payload it carries, cannot be read.
    case malformedEntry(seq: Int64, reason: String)
    /// Entry 1 is not the `ledger.init` that names the ledger and its currency.
    case missingLedgerInit
    /// Two Noaber accounts map to the same beancount account name.
    case beancountNameCollision(name: String, first: AccountID, second: AccountID)
    /// The currency code is not a commodity name beancount accepts.
    case beancountCurrency(String)
    /// A Noaber account has the name the journal gives its opening-balances account.
    case reservedAccount(AccountID)
    /// An opening balance does not fit in a 64-bit amount.
    case amountOverflow(String)

    package var description: String {
        switch self {
        case .invalidDate(let option, let text):
            "\(option) \"\(text)\" is not a date; write it as YYYY-MM-DD (UTC), e.g. 2026-11-01"
        case .emptyRange(let from, let to):
            "--from \(from) is later than --to \(to); the range would hold no day"
        case .invalidAccount(let text):
            "--account \"\(text)\" is not an account id (lowercase letters, digits, '-', '_' or '.', in parts joined by ':')"
        case .unknownAccount(let id):
            "--account \(id): the ledger has no such account"
        case .filterNotSupported(let format):
            "--from, --to and --account do not apply to --format \(format.rawValue): it exports the whole chain, so that it can be verified"
        case .outOfSequence(let expected, let got):
            "expected entry \(expected) but got entry \(got); an export needs every entry from 1 on, in order"
        case .malformedEntry(let seq, let reason):
            "entry \(seq) cannot be read: \(reason)"
        case .missingLedgerInit:
            "entry 1 is not a ledger.init entry, so the ledger's name and currency are unknown"
        case .beancountNameCollision(let name, let first, let second):
            "accounts \(first) and \(second) would both be \(name) in beancount, which allows only A-Z a-z 0-9 and '-' in a name part"
        case .beancountCurrency(let code):
            "beancount cannot name a commodity \"\(code)\": its commodity names start with a letter"
        case .reservedAccount(let id):
            "account \(id) has the name the journal gives its opening balances; export without --from"
        case .amountOverflow(let what):
            "\(what) overflows a 64-bit amount"
        }
    }
}
