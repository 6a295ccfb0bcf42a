import Foundation
import NoaberCore
import NoaberStore
import NoaberTestSupport
import Synchronization
import Testing

/// The writer's commits at `synchronous=NORMAL`, made durable by `WALSync`: nothing counts as
/// durable, nor is shown to a reader, before a sync begun after its COMMIT has finished.
@Suite("WAL sync of the writer's commits")
struct WALSyncTests {
    /// A store whose WAL syncs pass through `door`.
    func fixture(_ door: Turnstile) throws -> (StoreFixture, WALSync) {
        var made: WALSync?
        let fixture = try StoreFixture { database in
            let sync = WALSync(walPath: database.walPath) { path throws(StoreError) in
                guard door.pass() else { throw .file(path: path, reason: "fdatasync: Input/output error") }
            }
            made = sync
            return sync
        }
        return (fixture, try #require(made))
    }

    @Test func aDeferredCommitIsDurableOnlyOnceItsSyncHasRun() async throws {
        let door = Turnstile()
        let (f, sync) = try fixture(door)
        try f.store.append(try f.openingEntries())
        // Commits that do not defer are synced before they return.
        #expect(sync.isDurable(through: f.store.connection.lastCommit))
        let syncedBefore = door.passed

        door.close()
        try f.store.append([try f.credit("vol:jan", hours: "1")], deferringSync: true)
        let commit = f.store.connection.lastCommit
        #expect(!sync.isDurable(through: commit))
        // Committed (a reader of the file sees it), but not durable: the answer waits.
        #expect(try f.database.openReader().summary().entries == 8)
        let answered = Mutex(false)
        sync.whenDurable(through: commit) { failure in
            #expect(failure == nil)
            answered.withLock { $0 = true }
        }
        let reader = Task { await sync.untilDurable() }
        #expect(await Turnstile.eventually { door.waiting == 1 })
        #expect(!answered.withLock { $0 })

        door.open()
        #expect(await reader.value == nil)
        #expect(await Turnstile.eventually { answered.withLock { $0 } })
        #expect(sync.isDurable(through: commit))
        #expect(door.passed == syncedBefore + 1)
        // Nothing new since: a reader does not wait, and no sync runs for it.
        #expect(await sync.untilDurable() == nil)
        #expect(door.passed == syncedBefore + 1)
    }

    @Test func commitsEndingDuringASyncShareTheNextOne() throws {
        let door = Turnstile()
        let (f, sync) = try fixture(door)
        try f.store.append(try f.openingEntries())
        let syncedBefore = door.passed
        door.close()
        let answered = Mutex(0)
        for hours in ["1", "2", "3"] {
            try f.store.append([try f.credit("vol:jan", hours: hours)], deferringSync: true)
            sync.whenDurable(through: f.store.connection.lastCommit) { _ in answered.withLock { $0 += 1 } }
            // The first commit's sync is running (held at the door) when the other two end.
            if hours == "1" { #expect(Turnstile.eventuallyBlocking { door.waiting == 1 }) }
        }
        door.open()
        #expect(Turnstile.eventuallyBlocking { answered.withLock { $0 } == 3 })
        // The first sync held the other two commits' requests; one more sync took both.
        #expect(door.passed == syncedBefore + 2)
    }

    @Test func aFailedSyncIsToldToEveryoneWaitingAndStays() async throws {
        let door = Turnstile()
        let (f, sync) = try fixture(door)
        try f.store.append(try f.openingEntries())
        door.close()
        try f.store.append([try f.credit("vol:jan", hours: "1")], deferringSync: true)
        let told = Mutex<StoreError?>(nil)
        sync.whenDurable(through: f.store.connection.lastCommit) { failure in told.withLock { $0 = failure } }
        let reader = Task { await sync.untilDurable() }
        #expect(await Turnstile.eventually { door.waiting == 1 })
        door.fail()
        let failure = StoreError.file(path: f.database.walPath, reason: "fdatasync: Input/output error")
        #expect(await reader.value == failure)
        #expect(await Turnstile.eventually { told.withLock { $0 } == failure })
        #expect(sync.failure == failure)
        // From then on no commit is durable: a synced one throws after its COMMIT.
        #expect(throws: failure) { try f.store.append([try f.credit("vol:jan", hours: "2")]) }
        #expect(!sync.isDurable(through: f.store.connection.lastCommit))
        #expect(await sync.untilDurable() == failure)
    }

    @Test func theWritersConnectionRunsAtNormalOthersAtFull() throws {
        let (f, _) = try fixture(Turnstile())
        #expect(try f.integer("PRAGMA synchronous") == 1)
        let plain = try StoreFixture()
        #expect(try plain.integer("PRAGMA synchronous") == 2)
    }

    @Test func theRealSyncHoldsTheWALOpenAndRefusesAnotherFileInItsPlace() throws {
        let directory = try makeTemporaryDirectory("noaber-walsync")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sync = WALSync.fdatasync()
        let wal = directory.appendingPathComponent("noaber.sqlite-wal").path
        // No WAL yet: nothing was written to one, so there is nothing to sync.
        try sync(wal)
        #expect(FileManager.default.createFile(atPath: wal, contents: Data([1, 2, 3])))
        try sync(wal)
        try sync(wal)
        // A file put in its place is not the WAL the commits went to: the sync fails.
        try FileManager.default.removeItem(atPath: wal)
        #expect(FileManager.default.createFile(atPath: wal, contents: Data([4])))
        let replaced = StoreError.file(path: wal, reason: "the WAL was replaced or removed while noaberd ran")
        #expect(throws: replaced) { try sync(wal) }
        try FileManager.default.removeItem(atPath: wal)
        #expect(throws: replaced) { try sync(wal) }
    }
}
