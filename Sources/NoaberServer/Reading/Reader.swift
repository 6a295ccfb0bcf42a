import NoaberCore
import NoaberCrypto
import NoaberProtocol

/// Who signed a read, and so what it may see (docs/PROTOCOL.md, "Read authorisation"): admin,
/// operator and auditor keys read every account, a member key only the accounts it controls, and
/// a log key none.
struct Reader: Sendable {
    var keyID: KeyID
    var role: KeyRole
    var accounts: Set<AccountID>

    var readsEverything: Bool { [.admin, .operator, .auditor].contains(role) }

    func mayRead(_ account: AccountID) -> Bool { readsEverything || accounts.contains(account) }

    /// Refuses an account the key does not control, naming the key's role.
    func require(_ account: AccountID) throws(RPCError) {
        guard mayRead(account) else {
            throw .readForbidden(
                "a \(role.rawValue) key reads only the accounts it controls, and \(account) is not one of them")
        }
    }

    /// Refuses a read of the whole ledger to keys that may not see every account.
    func requireEverything(_ what: String) throws(RPCError) {
        guard readsEverything else {
            throw .readForbidden("\(what) shows every account; only admin, operator and auditor keys read it")
        }
    }

    /// Only admins and auditors: the read log tells whose data others looked at.
    func requireOverseer(_ what: String) throws(RPCError) {
        guard role == .admin || role == .auditor else {
            throw .readForbidden("only admin and auditor keys read \(what)")
        }
    }
}
