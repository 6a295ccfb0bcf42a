import Foundation
import NoaberStore
import NoaberTestSupport
import Synchronization
import Testing

@testable import NoaberServer

/// The pool is what bounds the memory reads can take (see `ReadPool`), so its bound is tested
/// directly: no more queries run at once than it allows, however many are waiting.
@Suite("Read pool")
struct ReadPoolTests {
    /// A database file in a fresh directory; the pool only needs it to exist and be readable.
    static func makeDatabase() throws -> (Database, URL) {
        let directory = try makeTemporaryDirectory("noaber-readpool")
        let database = Database(directory: directory.path)
        _ = try database.openWriter()
        return (database, directory)
    }

    /// Counts the queries inside the pool and remembers the most seen at once.
    final class Occupancy: Sendable {
        private let state = Mutex((now: 0, most: 0))
        func enter() {
            state.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
        }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
        var now: Int { state.withLock { $0.now } }
    }

    @Test(arguments: [1, 2, 4])
    func neverRunsMoreThanItsBound(bound: Int) async throws {
        let (database, directory) = try Self.makeDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = ReadPool(database: database, maxConcurrent: bound)
        let occupancy = Occupancy()
        let queries = 24
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<queries {
                group.addTask {
                    try await pool.read { connection in
                        occupancy.enter()
                        defer { occupancy.leave() }
                        // Long enough that, without the bound, all of them would overlap.
                        usleep(20_000)
                        return try connection.statement("SELECT ?1 * 2").rows([.integer(Int64(i))]) { $0.int64(0) }
                            .first.map(Int.init) ?? -1
                    }
                }
            }
            var answers: [Int] = []
            for try await answer in group { answers.append(answer) }
            return answers.sorted()
        }
        #expect(answers == (0..<queries).map { $0 * 2 })
        // How many run at once below the bound depends on the machine's threads, so only the
        // bound itself is checked; with a bound of 1 this is strict serialisation.
        #expect((1...bound).contains(occupancy.most), "at most \(bound) at once, saw \(occupancy.most)")
        #expect(occupancy.now == 0)
    }

    /// Each of the pool's threads keeps its reader, so a busy pool opens no more connections
    /// than it has threads, and reopens none between queries.
    @Test func keepsOneReaderPerThread() async throws {
        let (database, directory) = try Self.makeDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = ReadPool(database: database, maxConcurrent: 2)
        let connections = try await withThrowingTaskGroup(of: ObjectIdentifier.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await pool.read { connection in
                        usleep(1_000)
                        return ObjectIdentifier(connection)
                    }
                }
            }
            var seen = Set<ObjectIdentifier>()
            for try await connection in group { seen.insert(connection) }
            return seen
        }
        #expect((1...2).contains(connections.count), "\(connections.count) readers for 2 threads")
    }

    @Test func aFailingQueryFreesItsSlot() async throws {
        let (database, directory) = try Self.makeDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = ReadPool(database: database, maxConcurrent: 1)
        for _ in 0..<3 {
            await #expect(throws: StoreError.self) {
                try await pool.read { try $0.execute("SELECT * FROM no_such_table") }
            }
        }
        // The only slot was handed back each time, so this does not wait forever.
        let one = try await pool.read { try $0.statement("SELECT 1").rows { $0.int64(0) } }
        #expect(one == [1])
    }

    /// A quick query does not wait behind a queue of pages: pages leave it a thread of its own.
    @Test func aQuickQueryPassesAQueueOfPages() async throws {
        let (database, directory) = try Self.makeDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = ReadPool(database: database, maxConcurrent: 2)
        let occupancy = Occupancy()
        let pagesDone = Occupancy()
        let (quickAfter, most) = try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    try await pool.read(.page) { _ in
                        occupancy.enter()
                        defer { occupancy.leave() }
                        usleep(100_000)
                    }
                    pagesDone.enter()
                }
            }
            // Let the pages fill the queue first.
            try await Task.sleep(for: .milliseconds(50))
            try await pool.read { _ in }
            let quickAfter = pagesDone.now
            try await group.waitForAll()
            return (quickAfter, occupancy.most)
        }
        #expect(quickAfter <= 2, "the quick query waited for \(quickAfter) of 10 pages")
        #expect(most == 1, "pages take at most maxConcurrent - 1 threads, saw \(most)")
        #expect(pagesDone.now == 10)
    }

    @Test func readersCannotWrite() async throws {
        let (database, directory) = try Self.makeDatabase()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = ReadPool(database: database)
        await #expect(throws: StoreError.self) {
            try await pool.read { try $0.execute("CREATE TABLE sneaky (x)") }
        }
    }
}
