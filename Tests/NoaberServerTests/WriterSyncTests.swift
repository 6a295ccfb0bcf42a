import Foundation
import Logging
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import NoaberTestSupport
import Synchronization
import Testing

@testable import NoaberServer

/// The writer with a WAL sync of its own (`WALSync`), as the daemon runs it: a group is answered
/// only once its sync has run, the next group gathers while it runs, and a failed sync stops the
/// writer and the reads that wait on it.
@Suite("Group commits answered after their WAL sync")
struct WriterSyncTests {
    let batches = BatchSubmissionTests()
    let log = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x44, count: 32))

    /// `BatchSubmissionTests`' ledger, with the writer's log key in it, so that every group signs
    /// a checkpoint.
    func setup() throws -> [SignedEntry] {
        var entries = try batches.setup()
        entries[0] = try batches.signed(
            "init",
            .ledgerInit(
                LedgerInit(
                    name: "Batch", currency: Currency(code: "ZMT", name: "zorgmunt", scale: 2), hourRate: 1000,
                    adminKey: KeySpec(publicKey: batches.admin.publicKey, label: "admin", role: .admin),
                    nonce: Hex.encode(batches.nonce),
                    logKey: KeySpec(publicKey: log.publicKey, label: "log", role: .log))))
        return entries
    }

    /// A writer in `directory` whose WAL syncs pass through `door`.
    func writer(_ directory: URL, _ door: Turnstile) throws -> GroupCommitWriter {
        let database = Database(directory: directory.path)
        let sync = WALSync(walPath: database.walPath) { path throws(StoreError) in
            guard door.pass() else { throw .file(path: path, reason: "fdatasync: Input/output error") }
        }
        return try GroupCommitWriter(
            store: try LedgerStore(database: database, walSync: sync), clock: Timestamp.now,
            logger: Logger(label: "test"), logKey: log,
            logKeyPath: directory.appendingPathComponent("log.key").path)
    }

    /// A writer in `directory` with the ledger set up, its WAL syncs passing through the door.
    func setUpWriter(in directory: URL) async throws -> (GroupCommitWriter, Turnstile) {
        let door = Turnstile()
        let writer = try writer(directory, door)
        for entry in try setup() { _ = try await writer.write(entry) }
        return (writer, door)
    }

    func entries(in directory: URL) throws -> Int64 {
        try Database(directory: directory.path).openReader().summary().entries
    }

    @Test func anAnswerWaitsForItsSyncAndSoDoesTheCheckpointBesideTheKey() async throws {
        let directory = try makeTemporaryDirectory("noaber-writer-sync")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (writer, door) = try await setUpWriter(in: directory)
        let signedHead = SignedHeadFile(logKeyPath: directory.appendingPathComponent("log.key").path)
        let before = try #require(try signedHead.read())
        #expect(before.size == 3)

        door.close()
        let answer = Task { try await writer.write(try batches.credit("c1", to: "vol:jan", 100)) }
        // Committed, and its checkpoint with it, but not yet synced: no answer, no read, and the
        // checkpoint is not yet recorded beside the log key.
        #expect(await Turnstile.eventually { door.waiting == 1 })
        #expect(try entries(in: directory) == 4)
        #expect(try Database(directory: directory.path).openReader().latestCheckpoint()?.treeSize == 4)
        #expect(try signedHead.read() == before)
        let read = Task { await writer.untilDurable() }
        #expect(writer.unanswered.load(ordering: .relaxed) == 1)

        door.open()
        let written = try await answer.value
        #expect(written.entry.seq == 4 && !written.replayed)
        #expect(await read.value == nil)
        #expect(try signedHead.read()?.size == 4)
        await writer.shutdown()
    }

    @Test func theNextGroupGathersWhileTheLastOnesSyncRuns() async throws {
        let directory = try makeTemporaryDirectory("noaber-writer-gather")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (writer, door) = try await setUpWriter(in: directory)
        let groupsBefore = writer.groupCommits.load(ordering: .relaxed)

        door.close()
        let first = Task { try await writer.write(try batches.credit("first", to: "vol:jan", 1)) }
        #expect(await Turnstile.eventually { door.waiting == 1 })
        let later = (1...3).map { n in
            Task { try await writer.write(try batches.credit("later-\(n)", to: "vol:jan", 1)) }
        }
        // The three are taken into one group, which waits for the first one's sync unwritten.
        #expect(await Turnstile.eventually { writer.unanswered.load(ordering: .relaxed) == 4 })
        #expect(try entries(in: directory) == 4)

        door.open()
        let seqs = try await later.asyncMap { try await $0.value.entry }
        _ = try await first.value
        #expect(Set(seqs.map(\.seq)) == [5, 6, 7])
        // One group for the first, one for the three: they share their commit time.
        #expect(writer.groupCommits.load(ordering: .relaxed) == groupsBefore + 2)
        #expect(Set(seqs.map(\.committedAt)).count == 1)
        await writer.shutdown()
    }

    @Test func aFailedSyncStopsTheWriterAndTheReadsThatWait() async throws {
        let directory = try makeTemporaryDirectory("noaber-writer-syncfail")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (writer, door) = try await setUpWriter(in: directory)

        door.close()
        let answer = Task { await writer.submit([try batches.credit("lost", to: "vol:jan", 1)], peer: nil) }
        #expect(await Turnstile.eventually { door.waiting == 1 })
        let read = Task { await writer.untilDurable() }
        door.fail()
        // Committed, but not known to be on the disk: the client is told it may be in.
        guard case .syncFailed(let why) = try await answer.value else {
            Issue.record("a group whose sync failed was answered otherwise")
            return
        }
        #expect(why.contains("Input/output error"))
        #expect(throws: RPCError.syncFailed(why)) { try WriteOutcome.syncFailed(why).written(batch: false) }
        #expect(await read.value != nil)
        // Nothing more is written; the writer answers each submission with why.
        let next = await writer.submit([try batches.credit("after", to: "vol:jan", 1)], peer: nil)
        guard case .storageFailure(let stopped) = next else {
            Issue.record("the writer wrote on after a failed sync: \(next)")
            return
        }
        #expect(stopped.contains("restart noaberd"))
        #expect(try entries(in: directory) == 4)
        await writer.shutdown()
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
