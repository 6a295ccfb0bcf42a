import Foundation
import Logging
import NoaberCore
import NoaberCrypto
import NoaberStore
import NoaberTestSupport
import Testing

@testable import NoaberServer

/// What each unit of one group commit hears when the group's transaction fails: every answer that
/// relied on the group becomes a storage failure, answers that did not rely on it stand, and the
/// writer goes on from the state on disk.
@Suite("Outcomes of a group whose write fails")
struct GroupOutcomeTests {
    let fixture = BatchSubmissionTests()

    func submission(_ signed: SignedEntry) throws -> Submission {
        Submission(signed: signed, payload: try Payload.decode(signed.payload), verifiedWith: nil, peer: nil)
    }

    @Test func aFailedWriteUndoesOnlyWhatReliedOnTheGroup() throws {
        let directory = try makeTemporaryDirectory("noaber-group")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = Database(directory: directory.path)
        let core = try WriterCore(
            store: try LedgerStore(database: database), clock: Timestamp.now, logger: Logger(label: "test"),
            checkpoints: CheckpointSigner(
                key: try .generate(), keyPath: directory.appendingPathComponent("log.key").path, everyCommit: true))
        let setup = try fixture.setup()
        let (written, _) = core.commit(try setup.map { [try submission($0)] })
        #expect(written.allSatisfy { if case .accepted = $0 { true } else { false } })

        // A trigger standing in for a full disk: any group holding entry "boom" fails to commit.
        try #require(core.store).connection.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON entries WHEN NEW.entry_id = 'boom' BEGIN SELECT RAISE(ABORT, 'injected'); END"
        )
        let fresh = try fixture.credit("fresh", to: "vol:jan", 5)
        let sameIDOtherBytes = try fixture.credit("fresh", to: "vol:jan", 6)
        let overdraft = try fixture.credit("overdraft", to: "vol:jan", 5000)
        let units: [[Submission]] = [
            [try submission(fresh)],  // admitted in the group
            [try submission(fresh)],  // a replay of an entry of the group
            [try submission(sameIDOtherBytes)],  // a conflict with an entry of the group
            [try submission(setup[1])],  // a replay of an entry on disk
            [try submission(overdraft)],  // refused on its own merits
            [try submission(try fixture.credit("boom", to: "vol:jan", 1))],
        ]
        let (outcomes, group) = core.commit(units)
        #expect(group.isEmpty)
        for index in [0, 1, 2, 5] {
            guard case .storageFailure(let why) = outcomes[index] else {
                Issue.record("unit \(index) should have failed with the group: \(outcomes[index])")
                continue
            }
            #expect(why.contains("injected"))
        }
        guard case .accepted(let replay) = outcomes[3], case .refused(0, let refusal) = outcomes[4] else {
            Issue.record("the replay from disk and the overdraft should stand: \(outcomes[3]), \(outcomes[4])")
            return
        }
        #expect(replay.map(\.replayed) == [true])
        #expect(refusal.reason == "limit_exceeded")

        // Nothing of the group is on disk, and the writer serves on from the state it reloaded.
        #expect(try database.openReader().entry(id: "fresh") == nil)
        let (again, _) = core.commit([[try submission(fresh)]])
        guard case .accepted(let writes) = again[0] else {
            Issue.record("the writer did not recover: \(again[0])")
            return
        }
        #expect(writes.map(\.entry.seq) == [Int64(setup.count) + 1] && writes.map(\.replayed) == [false])
        core.close()
    }

    @Test func aQueryThatFailsWhileJudgingFailsTheGroupNotTheRule() throws {
        let directory = try makeTemporaryDirectory("noaber-group-read")
        defer { try? FileManager.default.removeItem(at: directory) }
        let core = try WriterCore(
            store: try LedgerStore(database: Database(directory: directory.path)), clock: Timestamp.now,
            logger: Logger(label: "test"),
            checkpoints: CheckpointSigner(
                key: try .generate(), keyPath: directory.appendingPathComponent("log.key").path, everyCommit: true))
        _ = core.commit(try fixture.setup().map { [try submission($0)] })
        let store = try #require(core.store)
        let fresh = try fixture.credit("fresh", to: "vol:jan", 5)

        // A damaged file stands in for a read error: the credits' table is not there to ask whether
        // an entry's id is a credit's (FORMAT.md §17). A plain transaction does not write that table.
        try store.connection.execute("ALTER TABLE batch_credits RENAME TO batch_credits_gone")
        let prior = WriterPriorEntries(store: store)
        #expect(prior.usedID("fresh") == nil)
        #expect(prior.failure != nil)
        // The rules would take that for "unused"; the group is not written instead.
        let (failed, written) = core.commit([[try submission(fresh)]])
        guard case .storageFailure(let why) = failed[0] else {
            Issue.record("a group judged on a failed query was answered \(failed[0])")
            return
        }
        #expect(why.contains("batch_credits"))
        #expect(written.isEmpty)
        #expect(try store.connection.entry(id: "fresh") == nil)

        try store.connection.execute("ALTER TABLE batch_credits_gone RENAME TO batch_credits")
        let (again, _) = core.commit([[try submission(fresh)]])
        guard case .accepted = again[0] else {
            Issue.record("the writer did not go on once the table was back: \(again[0])")
            return
        }
        core.close()
    }
}
