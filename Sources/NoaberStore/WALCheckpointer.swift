/// Moves a database's WAL into its file on a connection of its own, so that the thread that
/// commits never stops for it. Used for the access log and for the ledger itself.
///
/// SQLite's automatic checkpoint runs inside a commit: every thousand pages, that commit copies
/// the WAL back into the file and fsyncs it while everything waiting for the commit waits too
/// (the access log's reads: most of the 99th percentile of their latency; the ledger's writer:
/// about as long as its own commits, and longer as the ledger grows, see Benchmarks/README.md).
/// A passive checkpoint here runs beside the writer instead. It cannot empty a WAL that is
/// written to without pause, since new pages arrive while it copies, so past `restartAbove` pages
/// it briefly holds the writer back to restart the WAL from its start: a short wait, as it copies
/// only what the passive pass left, instead of an unbounded file.
package final class WALCheckpointer {
    /// WAL pages past which a checkpoint restarts the WAL (16 MiB of 4 KiB pages).
    package static let defaultRestartAbove = 4096
    private let db: Connection
    private let restartAbove: Int

    /// A checkpointer of the database at `path` (its WAL is `path`-wal).
    package init(path: String, restartAbove: Int = WALCheckpointer.defaultRestartAbove) throws(StoreError) {
        db = try Connection(path: path)
        // Said, not assumed from how SQLite was built: a checkpoint syncs the WAL before it copies
        // and the file before the WAL may start over, whatever the writer's connection runs at.
        try db.execute("PRAGMA synchronous = FULL")
        self.restartAbove = restartAbove
    }

    /// Copies the WAL's pages into the database file; returns the pages the WAL held before it
    /// and whether it was restarted.
    @discardableResult
    package func checkpoint() throws(StoreError) -> (walPages: Int, restarted: Bool) {
        let passive = try db.checkpointWAL(.passive) ?? (false, 0)
        guard passive.walPages > restartAbove else { return (passive.walPages, false) }
        return (passive.walPages, !(try db.checkpointWAL(.restart)?.busy ?? false))
    }
}
