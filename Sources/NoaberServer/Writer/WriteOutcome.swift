import NoaberCore

/// What became of one client's submission (a single entry, or a batch applied all-or-nothing), in
/// the ledger's own terms. Only the service turns it into a JSON-RPC answer.
enum WriteOutcome: Sendable, Equatable {
    /// Every entry is in the chain, in the order given: written now, or found there already with
    /// the same bytes (`replayed`).
    case accepted([AcceptedWrite])
    /// The entry at `index` was refused; nothing of the submission was written. In a batch, every
    /// other entry was aborted by this one.
    case refused(index: Int, LedgerError)
    /// The database failed, or the writer stopped after a failed commit; nothing was written.
    case storageFailure(String)
    /// The group was committed, but its sync failed: whether it survives a power loss is not
    /// known. The writer has stopped; after a restart, what the disk kept counts.
    case syncFailed(String)
    /// The daemon is stopping and takes no new writes.
    case shuttingDown
}

/// One entry of an accepted submission.
struct AcceptedWrite: Sendable, Equatable {
    var entry: CommittedEntry
    /// True when the same signed bytes were committed before and nothing new was written.
    var replayed: Bool
}
