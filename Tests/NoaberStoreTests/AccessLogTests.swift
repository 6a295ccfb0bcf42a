import Foundation
import NoaberCore
import NoaberStore
import NoaberTestSupport
import Testing

/// The read log beside the ledger: records appended to the pending file and moved in bulk, found
/// by account and period, pruned by age, and never changed.
@Suite("The access log")
struct AccessLogTests {
    func record(_ at: Int64, _ accounts: [String]?, method: String = "account.get") throws -> AccessRecord {
        AccessRecord(
            at: Timestamp(millisecondsSinceEpoch: at), keyID: "k", role: "member", method: method,
            accounts: try accounts.map { try $0.map { try AccountID($0) } }, peerUID: 1000, peerPID: 42)
    }

    @Test func recordsAreFoundByAccountPeriodAndPageAndPrunedByAge() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let log = try AccessLog(directory: directory.path)
            try log.insert([
                (1, try record(1_000, ["vol:0042"])), (2, try record(2_000, nil, method: "ledger.entries")),
                (3, try record(3_000, ["vol:0043"])), (4, try record(4_000, [])),
            ])
            let jan = try AccountID("vol:0042")
            let shown = try log.records(account: jan, from: nil, to: nil, afterID: 0, limit: 10)
            // Jan's own read and the ledger-wide one showed vol:0042; the others did not.
            #expect(shown.map(\.record.method) == ["account.get", "ledger.entries"])
            #expect(shown[0].record == (try record(1_000, ["vol:0042"])))
            let period = try log.records(
                account: nil, from: Timestamp(millisecondsSinceEpoch: 2_000),
                to: Timestamp(millisecondsSinceEpoch: 4_000),
                afterID: 0, limit: 10)
            #expect(period.map(\.record.at.millisecondsSinceEpoch) == [2_000, 3_000])
            let page = try log.records(account: nil, from: nil, to: nil, afterID: shown[0].id, limit: 2)
            #expect(page.map(\.record.at.millisecondsSinceEpoch) == [2_000, 3_000])
            #expect(try log.prune(before: Timestamp(millisecondsSinceEpoch: 3_000)) == 2)
            #expect(try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 10).count == 2)
        }
    }

    @Test func aRecordCannotBeChanged() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let log = try AccessLog(directory: directory.path)
            try log.insert([(1, try record(1_000, ["vol:0042"]))])
            let db = try Connection(path: directory.appendingPathComponent(AccessLog.fileName).path)
            #expect(throws: StoreError.self) { try db.execute("UPDATE access_log SET key_id = 'someone else'") }
        }
    }

    /// Writing never checkpoints by itself (that would hold up the reads waiting for their
    /// records); the checkpointer does, and past its limit it restarts the WAL so that the file
    /// stops growing, with every record kept.
    @Test func theCheckpointerNotTheWriterEmptiesTheWAL() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let log = try AccessLog(directory: directory.path)
            let wal = directory.appendingPathComponent(AccessLog.fileName + "-wal").path
            func walBytes() throws -> Int {
                (try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
            }
            // Far past the thousand pages at which SQLite would checkpoint by itself.
            for i in 0..<1500 { try log.insert([(Int64(i + 1), try record(Int64(i), ["vol:0042"]))]) }
            let grown = try walBytes()
            #expect(grown > 1000 * 4096)
            let checkpointer = try WALCheckpointer(path: AccessLog.path(in: directory.path), restartAbove: 100)
            let first = try checkpointer.checkpoint()
            #expect(first.walPages * 4096 < grown + 4096 && first.walPages > 1000)
            #expect(first.restarted)
            // The next writes start the WAL over: the file is reused from its start, not grown.
            for i in 0..<1000 { try log.insert([(Int64(2_001 + i), try record(Int64(2_000 + i), nil))]) }
            #expect(try walBytes() == grown)
            #expect(try checkpointer.checkpoint().walPages < first.walPages)
            #expect(try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 3000).count == 2500)
        }
    }

    /// Records appended to the pending file reach the log, in order and with their ids, when they
    /// are moved; a file moved twice (a crash before its removal) adds nothing the second time.
    @Test func pendingRecordsAreMovedOnceInOrder() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let log = try AccessLog(directory: directory.path)
            try log.insert([(7, try record(500, ["vol:0001"]))])
            let pending = try PendingAccessRecords(directory: directory.path, log: log)
            let appended = [
                try record(1_000, ["vol:0042"]), try record(2_000, nil, method: "ledger.entries"),
                try record(3_000, [], method: "key.list"),
                AccessRecord(
                    at: Timestamp(millisecondsSinceEpoch: 4_000), keyID: "k", role: "admin", method: "account.list",
                    accounts: [try AccountID("vol:0042"), try AccountID("org:o001")], peerUID: nil, peerPID: nil),
            ]
            for record in appended { try pending.append(record) }
            // Nothing reaches the log before the move.
            #expect(try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 10).count == 1)
            let file = directory.appendingPathComponent(PendingAccessRecords.fileName)
            let copy = try Data(contentsOf: file)
            #expect(try pending.move(into: log) == (moved: 4, unreadable: 0))
            let rows = try log.records(account: nil, from: nil, to: nil, afterID: 7, limit: 10)
            #expect(rows.map(\.id) == [8, 9, 10, 11])
            #expect(rows.map(\.record) == appended)
            // The same file again, as a crash between the move's commit and its removal leaves it.
            try copy.write(to: directory.appendingPathComponent(PendingAccessRecords.movingName))
            #expect(try pending.move(into: log) == (moved: 4, unreadable: 0))
            #expect(try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 10).count == 5)
            #expect(try pending.move(into: log) == (moved: 0, unreadable: 0))
        }
    }

    /// What a previous run left pending is moved at the next open, a torn last line counted and
    /// left out, and the new records' ids follow the last moved.
    @Test func aRestartMovesWhatWasLeftPending() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            do {
                let log = try AccessLog(directory: directory.path)
                let pending = try PendingAccessRecords(directory: directory.path, log: log)
                try pending.append(try record(1_000, ["vol:0042"]))
                try pending.append(try record(2_000, ["vol:0043"]))
            }
            // A power loss may tear the last line.
            let handle = try FileHandle(forWritingTo: directory.appendingPathComponent(PendingAccessRecords.fileName))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("3\t3000\tk\tmem".utf8))
            try handle.close()
            let log = try AccessLog(directory: directory.path)
            let pending = try PendingAccessRecords(directory: directory.path, log: log)
            #expect(pending.recovered == (moved: 2, unreadable: 1))
            try pending.append(try record(5_000, nil))
            #expect(try pending.move(into: log) == (moved: 1, unreadable: 0))
            let rows = try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 10)
            #expect(rows.map(\.id) == [1, 2, 3])
            #expect(rows.map(\.record.at.millisecondsSinceEpoch) == [1_000, 2_000, 5_000])
        }
    }

    /// A crash in the middle of a move can leave the file set aside, the old file and the one that
    /// took over from it: the next open moves all three, oldest first.
    @Test func aCrashInTheMiddleOfAMoveLosesNothing() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let names = [
                PendingAccessRecords.movingName, PendingAccessRecords.fileName, PendingAccessRecords.nextName,
            ]
            for (index, name) in names.enumerated() {
                let line = PendingAccessRecords.line(
                    Int64(index + 1), try record(Int64(index + 1) * 1_000, ["vol:0042"]))
                try Data(line).write(to: directory.appendingPathComponent(name))
            }
            let log = try AccessLog(directory: directory.path)
            let pending = try PendingAccessRecords(directory: directory.path, log: log)
            #expect(pending.recovered == (moved: 3, unreadable: 0))
            try pending.append(try record(4_000, nil))
            #expect(try pending.move(into: log) == (moved: 1, unreadable: 0))
            let rows = try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 10)
            #expect(rows.map(\.id) == [1, 2, 3, 4])
            #expect(rows.map(\.record.at.millisecondsSinceEpoch) == [1_000, 2_000, 3_000, 4_000])
            let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
                $0.hasPrefix(PendingAccessRecords.fileName)
            }
            #expect(left == [PendingAccessRecords.fileName])
        }
    }

    /// A file longer than a chunk (one the mover could not keep up with) is moved whole, a
    /// transaction per chunk, its records in order.
    @Test func aLongFileIsMovedByChunks() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            var bytes: [UInt8] = []
            var count = 0
            while bytes.count <= 2 * PendingAccessRecords.moveChunkBytes {
                count += 1
                bytes += PendingAccessRecords.line(Int64(count), try record(Int64(count), ["vol:0042"]))
            }
            try Data(bytes).write(to: directory.appendingPathComponent(PendingAccessRecords.fileName))
            let log = try AccessLog(directory: directory.path)
            let pending = try PendingAccessRecords(directory: directory.path, log: log)
            #expect(pending.recovered == (moved: count, unreadable: 0))
            let rows = try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: count + 1)
            #expect(rows.map(\.id) == (1...Int64(count)).map { $0 })
        }
    }

    /// A record longer than a chunk (an `account.list` of a key that controls thousands of
    /// accounts) was answered, so it is moved whole wherever the chunks' boundaries fall.
    @Test(arguments: [0, 1, 3])
    func aRecordLongerThanAChunkIsMoved(before: Int) throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let log = try AccessLog(directory: directory.path)
            let pending = try PendingAccessRecords(directory: directory.path, log: log)
            // Short records before it move the chunks' boundaries through the long one.
            for n in 0..<before * 5_000 { try pending.append(try record(Int64(n), ["vol:0042"])) }
            let many = try (0..<70_000).map { try AccountID("vol:\($0)") }
            let long = AccessRecord(
                at: Timestamp(millisecondsSinceEpoch: 9_000_000), keyID: "k", role: "coordinator",
                method: "account.list", accounts: many, peerUID: nil, peerPID: nil)
            #expect(PendingAccessRecords.line(1, long).count > 2 * PendingAccessRecords.moveChunkBytes)
            try pending.append(long)
            try pending.append(try record(9_000_001, ["vol:0043"]))
            #expect(try pending.move(into: log) == (moved: before * 5_000 + 2, unreadable: 0))
            let rows = try log.records(account: nil, from: nil, to: nil, afterID: Int64(before * 5_000), limit: 10)
            #expect(rows.map(\.record) == [long, try record(9_000_001, ["vol:0043"])])
        }
    }

    /// A move whose renames failed after the descriptors were swapped leaves the file being written
    /// under the next file's name and the one set aside under the pending name: the next move
    /// finishes the renames, moves both in order, and later moves work again.
    @Test func aMoveWhoseRenamesFailedIsFinishedByTheNext() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let log = try AccessLog(directory: directory.path)
            try log.insert([(2, try record(200, ["vol:0001"]))])
            let pending = try PendingAccessRecords(directory: directory.path, log: log)
            try pending.append(try record(1_000, ["vol:0042"]))
            let file = directory.appendingPathComponent(PendingAccessRecords.fileName)
            // The state a failed rename leaves: the live file under the next name, the older
            // records, set aside, still under the pending name.
            try FileManager.default.moveItem(
                at: file, to: directory.appendingPathComponent(PendingAccessRecords.nextName))
            try Data(PendingAccessRecords.line(1, try record(100, ["vol:0040"]))).write(to: file)
            try pending.append(try record(2_000, ["vol:0043"]))
            #expect(try pending.move(into: log) == (moved: 3, unreadable: 0))
            let rows = try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 10)
            #expect(rows.map(\.id) == [1, 2, 3, 4])
            #expect(rows.map(\.record.at.millisecondsSinceEpoch) == [100, 200, 1_000, 2_000])
            try pending.append(try record(3_000, nil))
            #expect(try pending.move(into: log) == (moved: 1, unreadable: 0))
            let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
                $0.hasPrefix(PendingAccessRecords.fileName)
            }
            #expect(left == [PendingAccessRecords.fileName])
        }
    }

    /// A link in place of the pending file is refused, not followed: the records would land, or be
    /// read from, wherever it points.
    @Test func aLinkInPlaceOfThePendingFileIsRefused() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let elsewhere = directory.appendingPathComponent("elsewhere")
            try Data("kept\n".utf8).write(to: elsewhere)
            try FileManager.default.createSymbolicLink(
                at: directory.appendingPathComponent(PendingAccessRecords.fileName), withDestinationURL: elsewhere)
            let log = try AccessLog(directory: directory.path)
            #expect(throws: StoreError.self) { _ = try PendingAccessRecords(directory: directory.path, log: log) }
            #expect(try Data(contentsOf: elsewhere) == Data("kept\n".utf8))
            #expect(try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 10).isEmpty)
        }
    }
}
