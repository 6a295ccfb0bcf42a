import Dispatch
import Foundation
import NoaberCore
import NoaberStore
import NoaberTestSupport
import Testing

/// The pending access records of several threads (the event loops): each thread appends to a
/// file of its own, sets it aside itself, and a move of everything leaves no id behind.
@Suite("Pending access records, a file per thread")
struct PendingAccessSlotsTests {
    func record(_ at: Int64, _ account: String) throws -> AccessRecord {
        AccessRecord(
            at: Timestamp(millisecondsSinceEpoch: at), keyID: "k", role: "member", method: "account.get",
            accounts: [try AccountID(account)], peerUID: 1000, peerPID: 42)
    }

    /// Runs `body` on `count` threads of their own at once, each given its number, and waits for
    /// them all; the first error any of them threw is thrown.
    func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        let group = DispatchGroup()
        let failures = FailureBox()
        for index in 0..<count {
            group.enter()
            Thread {
                do { try body(index) } catch { failures.add(error) }
                group.leave()
            }.start()
        }
        group.wait()
        if let first = failures.first { throw first }
    }

    final class FailureBox: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [any Error] = []
        func add(_ error: any Error) { lock.withLock { errors.append(error) } }
        var first: (any Error)? { lock.withLock { errors.first } }
    }

    func files(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasPrefix(PendingAccessRecords.fileName)
        }.sorted()
    }

    /// Two threads appending at once write two files, and a move of everything brings every
    /// record into the log under ids that follow the log's last, none missing and none twice.
    @Test func eachThreadAppendsToAFileOfItsOwn() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let log = try AccessLog(directory: directory.path)
            try log.insert([(5, try record(1, "vol:0001"))])
            let pending = try PendingAccessRecords(directory: directory.path, log: log, slots: 2)
            let each = 500
            try onThreads(2) { thread in
                for n in 0..<each { try pending.append(try record(Int64(thread * 10_000 + n), "vol:000\(thread + 2)")) }
            }
            let written = try files(directory)
            #expect(written == [PendingAccessRecords.fileName, PendingAccessRecords.fileName + ".1"])
            for name in written {
                let lines = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                    .split(separator: "\n")
                #expect(lines.count == each)
            }
            #expect(try pending.move(into: log) == (moved: 2 * each, unreadable: 0))
            let rows = try log.records(account: nil, from: nil, to: nil, afterID: 5, limit: 2 * each + 1)
            #expect(rows.map(\.id) == (6...Int64(5 + 2 * each)).map { $0 })
            // Each thread's records keep their order.
            for thread in 0..<2 {
                let times = rows.map(\.record.at.millisecondsSinceEpoch).filter { $0 / 10_000 == thread }
                #expect(times == (0..<Int64(each)).map { Int64(thread * 10_000) + $0 })
            }
        }
    }

    /// A thread sets its own file aside once it holds enough, and the mover's move takes only the
    /// files set aside: another thread's file, still being written, stays until a move of
    /// everything.
    @Test func aFileSetAsideIsMovedAndTheOthersStay() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let log = try AccessLog(directory: directory.path)
            let pending = try PendingAccessRecords(directory: directory.path, log: log, slots: 2)
            try onThreads(1) { _ in
                try pending.append(try record(1_000, "vol:0042"))
                #expect(try pending.setAside(above: 1 << 20) == false)
                try pending.append(try record(2_000, "vol:0042"))
                #expect(try pending.setAside(above: 1))
                // Nothing more to set aside until the new file holds something.
                #expect(try pending.setAside(above: 1) == false)
            }
            try onThreads(1) { _ in try pending.append(try record(3_000, "vol:0043")) }
            #expect(try files(directory).contains(PendingAccessRecords.movingName + ".1"))
            var between = 0
            #expect(try pending.moveSetAside(into: log, between: { between += 1 }) == (moved: 2, unreadable: 0))
            #expect(between == 0)
            var rows = try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 10)
            #expect(rows.map(\.record.at.millisecondsSinceEpoch) == [1_000, 2_000])
            #expect(try files(directory) == [PendingAccessRecords.fileName, PendingAccessRecords.fileName + ".1"])
            #expect(try pending.move(into: log) == (moved: 1, unreadable: 0))
            rows = try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 10)
            #expect(rows.map(\.id) == [1, 2, 3])
            #expect(rows.map(\.record.at.millisecondsSinceEpoch) == [1_000, 2_000, 3_000])
        }
    }

    /// The mover's move runs `between` every `AccessLog.rowsBetweenPauses` lines it reads and rows
    /// it inserts, where it yields its core to the event loops.
    @Test func aLongMovePausesEveryFewRows() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let log = try AccessLog(directory: directory.path)
            let pending = try PendingAccessRecords(directory: directory.path, log: log)
            let count = 3 * AccessLog.rowsBetweenPauses + 1
            for n in 0..<count { try pending.append(try record(Int64(n), "vol:0042")) }
            #expect(try pending.setAside(above: 1))
            var between = 0
            #expect(try pending.moveSetAside(into: log, between: { between += 1 }) == (moved: count, unreadable: 0))
            #expect(between == 3 + 3)
        }
    }

    /// A set-aside whose renames failed after the new file took over leaves the records set aside
    /// under the slot's name and the new file under the next name: a move of everything finishes
    /// it even when nothing was appended since, so that a listing of the log misses nothing.
    @Test func aFailedSetAsideIsFinishedByAMoveOfEverything() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let log = try AccessLog(directory: directory.path)
            try log.insert([(5, try record(500, "vol:0001"))])
            let pending = try PendingAccessRecords(directory: directory.path, log: log)
            let file = directory.appendingPathComponent(PendingAccessRecords.fileName)
            try FileManager.default.moveItem(
                at: file, to: directory.appendingPathComponent(PendingAccessRecords.nextName))
            // Records given out before the failed set-aside (ids below the next).
            try Data(PendingAccessRecords.line(4, try record(1_000, "vol:0042"))).write(to: file)
            #expect(try pending.move(into: log) == (moved: 1, unreadable: 0))
            try pending.append(try record(2_000, "vol:0043"))
            #expect(try pending.move(into: log) == (moved: 1, unreadable: 0))
            let rows = try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 10)
            #expect(rows.map(\.id) == [4, 5, 6])
            #expect(rows.map(\.record.at.millisecondsSinceEpoch) == [1_000, 500, 2_000])
            #expect(try files(directory) == [PendingAccessRecords.fileName])
        }
    }

    /// What a crash leaves of several threads' files (each slot's, one taking over, several set
    /// aside) is moved at the next open, whatever their order, and the new ids follow.
    @Test func aRestartMovesEveryThreadsFiles() throws {
        try withTemporaryDirectory("noaber-access") { directory in
            let names = [
                PendingAccessRecords.movingName + ".3", PendingAccessRecords.fileName + ".1",
                PendingAccessRecords.nextName + ".1", PendingAccessRecords.movingName + ".12",
                PendingAccessRecords.fileName,
            ]
            for (index, name) in names.enumerated() {
                let id = Int64(names.count - index)
                try Data(PendingAccessRecords.line(id, try record(id * 1_000, "vol:0042")))
                    .write(to: directory.appendingPathComponent(name))
            }
            let log = try AccessLog(directory: directory.path)
            let pending = try PendingAccessRecords(directory: directory.path, log: log, slots: 2)
            #expect(pending.recovered == (moved: 5, unreadable: 0))
            #expect(try files(directory) == [PendingAccessRecords.fileName, PendingAccessRecords.fileName + ".1"])
            try pending.append(try record(6_000, "vol:0043"))
            #expect(try pending.move(into: log) == (moved: 1, unreadable: 0))
            let rows = try log.records(account: nil, from: nil, to: nil, afterID: 0, limit: 10)
            #expect(rows.map(\.id) == [1, 2, 3, 4, 5, 6])
            #expect(rows.map(\.record.at.millisecondsSinceEpoch) == [1_000, 2_000, 3_000, 4_000, 5_000, 6_000])
        }
    }
}
