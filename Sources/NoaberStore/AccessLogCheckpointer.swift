/// Moves the access log's WAL into its database file on a connection of its own, so that the
/// thread that writes records never stops for it.
///
/// Each read adds a small transaction to the log, a few WAL pages each; SQLite's automatic
/// checkpoint would copy them back and fsync the file inside one of those commits every thousand
/// pages, and every read waiting for its record waits for that fsync too (at 7,000 signed reads a
/// second, some ten times a second: it was most of the 99th percentile of their latency). A
/// passive checkpoint here runs beside the writer instead. It cannot empty a WAL that is written
/// to without pause, since new pages arrive while it copies, so past `restartAbove` pages it
/// briefly holds the writer back to restart the WAL from its start: a short wait, as it copies
/// only what the passive pass left, instead of an unbounded file.
package final class AccessLogCheckpointer {
    /// WAL pages past which a checkpoint restarts the WAL (16 MiB of 4 KiB pages).
    package static let defaultRestartAbove = 4096
    private let db: Connection
    private let restartAbove: Int

    package init(
        directory: String, restartAbove: Int = AccessLogCheckpointer.defaultRestartAbove
    )
        throws(StoreError)
    {
        db = try Connection(path: AccessLog.path(in: directory))
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
