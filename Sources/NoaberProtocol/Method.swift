/// Every method the daemon serves (docs/PROTOCOL.md). Property names are camelCase that the
/// snake_case coding turns into `key_id`, `committed_at`, … on the wire.
package enum Method: String, Sendable, CaseIterable {
    /// Submit one signed entry.
    case submit = "ledger.submit"
    /// Submit up to 1000 signed entries, applied all-or-nothing in one commit.
    case submitBatch = "ledger.submit_batch"
    case status = "ledger.status"
    /// Entry 1, the ledger's own definition (name, currency, admin and log keys), which every
    /// client checks before it signs anything; served to anyone, like the status.
    case firstEntry = "ledger.first_entry"
    /// Raw entries in sequence order, with their stored postings, for verification.
    case entries = "ledger.entries"
    /// Every account's stored balance and the head they belong to.
    case balances = "ledger.balances"
    /// The whole stored derived state (settings, keys, accounts) and the head it belongs to.
    case state = "ledger.state"
    /// The stored Merkle nodes a span of entries completes, for verification.
    case treeNodes = "ledger.tree_nodes"
    /// A page of one derived table (claims, reversals, personal subjects) as stored, for verification.
    case rows = "ledger.rows"
    case entryGet = "entry.get"
    /// Which of the given ids an entry or a batch's credit has already.
    case usedIDs = "ledger.used_ids"
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
    /// Who read whose data: the daemon's read log (admin and auditor keys).
    case accessLog = "access.log"
    /// A consistent copy of the whole ledger, made by the daemon (admin and auditor keys).
    case backupStart = "backup.start"
    /// A piece of that copy.
    case backupRead = "backup.read"
    /// A fresh challenge for this connection, which `session.open` signs.
    case sessionChallenge = "session.challenge"
    /// Authenticates the connection once: its later reads without `auth` are read as that key.
    case sessionOpen = "session.open"

    /// What a request of this method must carry.
    package enum Access: Sendable {
        /// Nothing: the answer holds no account's or person's data.
        case open
        /// Signed entries, which carry their own authority.
        case write
        /// A read authorisation by a registered, active key (`ReadAuthorization`), or a session
        /// opened on the connection.
        case read
        /// A read authorisation under the session context (`ReadAuthorization.sessionContext`),
        /// over params that answer the connection's challenge.
        case session
    }

    package var access: Access {
        switch self {
        case .status, .firstEntry, .categoryList, .checkpoint, .consistencyProof, .sessionChallenge: .open
        case .submit, .submitBatch: .write
        case .entries, .balances, .state, .treeNodes, .rows, .entryGet, .usedIDs, .accountGet, .accountList,
            .accountHistory,
            .accountStatement, .keyList, .claimList, .inclusionProof, .accessLog, .backupStart, .backupRead:
            .read
        case .sessionOpen: .session
        }
    }
}

package struct NoParams: Codable, Sendable {
    package init() {}
}
