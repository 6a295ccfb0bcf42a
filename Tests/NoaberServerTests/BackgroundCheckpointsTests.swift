import Foundation
import Logging
import NoaberCore
import NoaberCrypto
import NoaberStore
import NoaberTestSupport
import Synchronization
import Testing

@testable import NoaberServer

/// The ledger's writer leaves the copying of its WAL to `BackgroundCheckpoints`; what shows that a
/// checkpoint ran is that the WAL starts over: once every page is in the file, the next
/// transaction writes from the WAL's start instead of growing it.
@Suite("Background checkpoints")
struct BackgroundCheckpointsTests {
    @Test func everyNthTransactionCopiesTheWALAndLetsItStartOver() throws {
        try withWALTable { db, path in
            func write() throws { try db.execute("INSERT INTO t VALUES (randomblob(8000))") }
            func walBytes() throws -> Int { try Self.walBytes(path) }
            let checkpoints = try BackgroundCheckpoints(
                path: path, name: "test", every: 4, restartAbove: .max, logger: Logger(label: "test"))
            for _ in 0..<3 {
                try write()
                checkpoints.committed()
            }
            checkpoints.finish()
            let three = try walBytes()
            // Not due yet: the fourth transaction still grows the WAL.
            try write()
            let four = try walBytes()
            #expect(four > three)
            checkpoints.committed()
            checkpoints.finish()
            // Due: everything was copied, so the fifth starts the WAL over.
            try write()
            #expect(try walBytes() == four)
            #expect(try db.statement("SELECT COUNT(*) FROM t").rows { $0.int64(0) } == [5])
        }
    }

    /// A table `t` in a WAL database of its own, with no checkpoint inside a commit, as the
    /// writer's connection has none but past `restartAbove`.
    private func withWALTable(_ body: (Connection, String) throws -> Void) throws {
        try withTemporaryDirectory("noaber-checkpoints") { directory in
            let path = directory.appendingPathComponent("t.sqlite").path
            let db = try Connection(path: path)
            try db.execute("PRAGMA journal_mode = WAL")
            try db.execute("PRAGMA wal_autocheckpoint = 0")
            try db.execute("CREATE TABLE t (x BLOB NOT NULL)")
            try body(db, path)
        }
    }

    private static func walBytes(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
    }

    /// A transaction that wrote many pages counts for more than one: once the pages since the last
    /// checkpoint reach `everyPages`, the checkpoint runs, however few transactions there were.
    @Test func manyPagesWrittenBringTheCheckpointSooner() throws {
        try withWALTable { db, path in
            _ = db.takePagesWritten()
            func walBytes() throws -> Int { try Self.walBytes(path) }
            let checkpoints = try BackgroundCheckpoints(
                path: path, name: "test", every: 100, everyPages: 12, restartAbove: .max,
                logger: Logger(label: "test"))
            // Two pages of blob and the table's page: three pages, read once and then reset.
            try db.execute("INSERT INTO t VALUES (randomblob(8000))")
            let pages = db.takePagesWritten()
            #expect(pages >= 3)
            #expect(db.takePagesWritten() == 0)
            checkpoints.committed(pages: pages)
            checkpoints.finish()
            let small = try walBytes()
            try db.execute("INSERT INTO t VALUES (randomblob(40000))")
            let grown = try walBytes()
            #expect(grown > small)
            // Past twelve pages since the last checkpoint: due, so the next write starts over.
            checkpoints.committed(pages: db.takePagesWritten())
            checkpoints.finish()
            try db.execute("INSERT INTO t VALUES (randomblob(8000))")
            #expect(try walBytes() == grown)
            #expect(checkpoints.started.load(ordering: .relaxed) == 1)
            // The count starts again after a checkpoint: a few pages more are not due.
            checkpoints.committed(pages: db.takePagesWritten())
            #expect(checkpoints.started.load(ordering: .relaxed) == 1)
        }
    }

    /// The writer counts each group's pages: with a threshold of one page, its first group
    /// starts a checkpoint, where counting groups alone would take eight.
    @Test func theWriterCountsTheWALPagesOfItsGroups() async throws {
        let directory = try makeTemporaryDirectory("noaber-checkpoints")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = Database(directory: directory.path)
        let store = try LedgerStore(database: database)
        let writer = try GroupCommitWriter(
            store: store, clock: Timestamp.now, logger: Logger(label: "test"), logKey: try .generate(),
            logKeyPath: directory.appendingPathComponent("log.key").path, pagesPerCheckpoint: 1)
        let started = { writer.walCheckpoints.started.load(ordering: .relaxed) }
        #expect(started() == 0)
        _ = try await writer.write(try BatchSubmissionTests().setup()[0])
        #expect(started() == 1)
        await writer.shutdown()
    }
}
