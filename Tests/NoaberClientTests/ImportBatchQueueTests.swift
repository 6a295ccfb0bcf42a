import Foundation
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberCrypto
import Synchronization
import Testing

/// The queue between an import's plan and the connections that send its batches: they take
/// batches across the windows' ends, and a refusal stops both sides (Benchmarks/README.md, "The
/// import path", fifth round).
@Suite("Import batches queued between the plan and the connections")
struct ImportBatchQueueTests {
    let issuer = try! AccountID("org:zorgkring")

    /// `count` batches of one line each, for volunteer vol:piet on successive days.
    func batches(_ count: Int, from day: Int = 1) throws -> [ImportBatch] {
        let lines = (day..<day + count).map { "vol:piet,2026-11-\(String(format: "%02d", $0)),1\n" }
        let file = try ImportFile.parse(
            "account,date,hours\n" + lines.joined(), source: "f.csv", today: CalendarDate("2026-12-06")!)
        let account = LedgerState.Account(
            id: try AccountID("vol:piet"), kind: .member, name: "piet", minBalance: 0, controllers: [],
            status: .open, balance: 0, openedSeq: 3)
        let state = LedgerState(ledger: nil, keys: [], accounts: [account])
        let (plan, problems) = ImportPlan.make(
            file.lines, issuer: issuer, state: state, builder: CreditBuilder(ledgerRate: 1000), ledgerID: "L",
            amount: { _ throws(AmountProblem) in 0 })
        #expect(problems.isEmpty)
        return ImportBatch.make(plan.credits, issuer: issuer, ledgerID: "L", size: 1)
    }

    /// Waits until `condition` holds (30,000 looks a millisecond apart), sleeping as a task between
    /// looks: a loop of `Task.yield()` took minutes to see the other task when the whole suite ran
    /// at once. The tests bound their waits this way, not by a time limit, which the whole suite's
    /// load on two cores passed (385 s in CI) though nothing was wrong.
    func eventually(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<30_000 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return await condition()
    }

    /// A connection that finds no batch waiting at a window's end waits for the next window's,
    /// rather than ending with the window; every batch keeps its place in the import.
    @Test func aConnectionTakesTheNextWindowsBatchesAsTheyCome() async throws {
        let queue = ImportBatchQueue(ahead: 4)
        let (two, one) = (try batches(2), try batches(1, from: 3))
        #expect(await queue.put(two))
        let first = await queue.take()
        let second = await queue.take()
        let waiting = Task { await queue.take() }
        #expect(await eventually { await queue.waitingConnections == 1 }, "the connection waits for a batch")
        #expect(await queue.put(one))
        let third = await waiting.value
        #expect([first, second, third].map { $0?.index } == [0, 1, 2])
        #expect(third?.batch.lines == [2])
        await queue.finish()
        #expect(await queue.take() == nil)
    }

    /// Once the plan is finished, the batches still waiting are taken, then none.
    @Test func finishingLeavesTheWaitingBatchesToBeTaken() async throws {
        let queue = ImportBatchQueue(ahead: 4)
        let two = try batches(2)
        #expect(await queue.put(two))
        await queue.finish()
        #expect(await queue.take()?.index == 0)
        #expect(await queue.take()?.index == 1)
        #expect(await queue.take() == nil)
    }

    /// A refusal stops the queue: a plan waiting for room and connections waiting for a batch
    /// return, what waits is not sent, and nothing more is put.
    @Test func stoppingReleasesEveryoneAndSendsNothingMore() async throws {
        let queue = ImportBatchQueue(ahead: 1)
        let three = try batches(3)
        let putter = Task { await queue.put(three) }
        // Three batches wait where one may: the plan waits for room.
        #expect(await eventually { await queue.waitingBatches == 3 })
        await queue.stop()
        #expect(await putter.value == false)
        #expect(await queue.waitingBatches == 0)
        #expect(await queue.take() == nil)
        let more = try batches(1)
        #expect(await queue.put(more) == false)
        let emptied = ImportBatchQueue(ahead: 1)
        let taker = Task { await emptied.take() }
        // Stopped only once the connection waits, so that it is the stop that releases it.
        #expect(await eventually { await emptied.waitingConnections == 1 })
        await emptied.stop()
        #expect(await taker.value == nil)
    }

    /// A plan that put more than `ahead` batches waits until the connections have taken enough of
    /// them, and then goes on: without that, an import of more than a few batches a window would
    /// hang with its connections idle.
    @Test func takingMakesRoomForAWaitingPlan() async throws {
        let queue = ImportBatchQueue(ahead: 1)
        let three = try batches(3)
        let returned = Mutex(false)
        let putter = Task {
            let going = await queue.put(three)
            returned.withLock { $0 = true }
            return going
        }
        #expect(await eventually { await queue.waitingBatches == 3 })
        try await Task.sleep(for: .milliseconds(50))
        #expect(!returned.withLock { $0 }, "three wait where one may: the plan waits")
        #expect(await queue.take()?.index == 0)
        #expect(await queue.take()?.index == 1)
        // Bounded, so that a plan never let go fails the test instead of hanging it.
        let wentOn = await eventually { returned.withLock { $0 } }
        #expect(wentOn, "one batch waits now: the plan goes on")
        if !wentOn { await queue.stop() }
        #expect(await putter.value == wentOn)
        if wentOn { #expect(await queue.take()?.index == 2) }
    }

    /// Without waiting, a connection takes what is there and stops at the window's end (the one
    /// connection through ssh sends each window before the next is asked about).
    @Test func withoutWaitingATakeEndsAtTheWindowsEnd() async throws {
        let queue = ImportBatchQueue(ahead: .max)
        let one = try batches(1)
        #expect(await queue.put(one))
        #expect(await queue.take(waiting: false)?.index == 0)
        #expect(await queue.take(waiting: false) == nil)
    }
}
