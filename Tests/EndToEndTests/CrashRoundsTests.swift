import Foundation
import NoaberCore
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Synchronization
import Testing

/// Fault injection (issue #11): noaberd killed with SIGKILL at random moments while 16 clients
/// submit, round after round on the same data. After each restart: every acknowledged entry is
/// stored exactly once, at the seq its client was told; no refused entry is stored; an entry whose
/// answer was lost is stored whole or not at all (a batch too), and resending it replays or
/// commits it; the balances equal the clients' own replay of what is stored; `noaber verify`
/// passes. The seed is printed, and `NOABER_FAULT_SEED` replays a run.
@Suite("Fault injection: kill -9 under 16 clients")
struct CrashRoundsTests {
    static let rounds = 10
    static let lanes = 16

    @Test func everyAcknowledgedEntrySurvivesKill9AtRandomMoments() async throws {
        let seed = ProcessInfo.processInfo.environment["NOABER_FAULT_SEED"].flatMap(UInt64.init) ?? 20_261_111
        var rng = SplitMix64(seed: seed)
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        for volunteer in ["vol:jan-peeters", "vol:piet"] {
            try daemon.ok(
                "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", volunteer, "--amount", "4000.00")
        }
        let load = FaultLoad(
            ledgerID: try #require(try await daemon.status().ledgerId), jan: try daemon.privateKey("jan.key"),
            piet: try daemon.privateKey("piet.key"))
        var totals = FaultTally()
        for round in 1...Self.rounds {
            let head = try await daemon.status().entries
            let balances = try await Self.balances(daemon)
            // The moment: once the lanes have heard a random number of entries acknowledged (so
            // that a slow machine still puts the daemon under load), plus a random few milliseconds.
            let (target, delay) = (Int.random(in: 20...400, using: &rng), Int.random(in: 0...40, using: &rng))
            let acks = AckCounter()
            let outcomes = await withTaskGroup(of: LaneOutcome.self) { group in
                for lane in 0..<Self.lanes {
                    group.addTask { await load.run(lane: lane, round: round, socket: daemon.socket, acks: acks) }
                }
                let deadline = ContinuousClock.now + .seconds(20)
                while acks.count.load(ordering: .relaxed) < target && ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(2))
                }
                try? await Task.sleep(for: .milliseconds(delay))
                daemon.kill9()
                return await group.reduce(into: []) { $0.append($1) }
            }
            try await daemon.restart()
            let tally = try await check(
                outcomes, on: daemon, after: head, balances: balances, load: load, round: round)
            totals += tally
            print(
                "kill -9 round \(round) of \(Self.rounds), \(delay) ms after \(target) acknowledgements: \(tally.summary)"
            )
        }
        #expect(totals.acknowledged > 0 && totals.refused > 0, "the rounds put the daemon under load")
        print(
            "kill -9 totals, \(Self.rounds) rounds of \(Self.lanes) clients (seed \(seed)): \(totals.summary); verify clean after \(totals.verified) of \(Self.rounds) rounds, balances equal to the replay after \(totals.balanced)"
        )
    }

    /// Checks one round's outcomes against what the restarted daemon stores; returns its figures.
    // size: one round's checks in the order a reader follows them: stored, refused, in doubt,
    // balances, verify, resending.
    private func check(
        _ outcomes: [LaneOutcome], on daemon: DaemonProcess, after head: Int64, balances: [String: Int64],
        load: FaultLoad, round: Int
    ) async throws -> FaultTally {
        let stored = try await Self.entries(after: head, daemon)
        var tally = FaultTally()
        var expected = balances
        var explained = Set<String>()
        func apply(_ unit: FaultUnit) {
            for postings in unit.postings {
                for posting in postings { expected[posting.account.rawValue, default: 0] += posting.amount }
            }
            explained.formUnion(unit.ids)
        }
        for (unit, results) in outcomes.flatMap(\.acknowledged) {
            #expect(!unit.mustBeRefused, "round \(round): \(unit.ids) broke a rule and was accepted")
            tally.acknowledged += unit.ids.count
            for (id, result) in zip(unit.ids, results) where stored[id] == result.seq && result.id == id {
                tally.acknowledgedPresent += 1
            }
            apply(unit)
        }
        for (unit, reason) in outcomes.flatMap(\.refused) {
            #expect(
                unit.mustBeRefused && ["unknown_account", "limit_exceeded"].contains(reason),
                "round \(round): \(unit.ids) refused with \(reason)")
            tally.refused += unit.ids.count
            tally.refusedPresent += unit.ids.count { stored[$0] != nil }
        }
        var resent: [(FaultUnit, present: Bool)] = []
        for unit in outcomes.flatMap(\.inDoubt) {
            let present = unit.ids.count { stored[$0] != nil }
            #expect(present == 0 || present == unit.ids.count, "round \(round): \(unit.ids) stored in part")
            #expect(present == 0 || !unit.mustBeRefused, "round \(round): \(unit.ids) broke a rule and is stored")
            tally.inDoubt += unit.ids.count
            tally.inDoubtPresent += present
            if present > 0 { apply(unit) }
            if !unit.mustBeRefused { resent.append((unit, present > 0)) }
        }
        #expect(tally.acknowledgedPresent == tally.acknowledged, "round \(round): acknowledged entries are missing")
        #expect(tally.refusedPresent == 0, "round \(round): refused entries are stored")
        let phantoms = Set(stored.keys).subtracting(explained)
        #expect(phantoms.isEmpty, "round \(round): stored entries no client sent: \(phantoms.sorted().prefix(5))")
        let after = try await Self.balances(daemon)
        let balanced = after.filter { $0.value != 0 } == expected.filter { $0.value != 0 }
        #expect(balanced, "round \(round): the balances differ from the replay of the stored entries")
        tally.balanced += balanced ? 1 : 0
        let verify = try daemon.noaber("verify")
        #expect(verify.status == 0, "round \(round): \(verify.stdout)\(verify.stderr)")
        tally.verified += verify.status == 0 ? 1 : 0

        // A client that lost its answer resends unchanged: a replay if it was stored, else a commit.
        // One acknowledged unit per lane is resent too: replayed at the seq it was given.
        let again = outcomes.compactMap { $0.acknowledged.first }.filter { !$0.unit.mustBeRefused }
        try await RPCClient.withConnection(socketPath: daemon.socket) { client in
            for (unit, present) in resent {
                let results = try await unit.submit(on: client)
                #expect(results.allSatisfy { $0.replayed == present }, "round \(round): resending \(unit.ids)")
            }
            for (unit, first) in again {
                let results = try await unit.submit(on: client)
                #expect(results.map(\.seq) == first.map(\.seq) && results.allSatisfy(\.replayed))
            }
        }
        return tally
    }

    /// Each entry after seq `head`, by id, with its seq.
    static func entries(after head: Int64, _ daemon: DaemonProcess) async throws -> [String: Int64] {
        try await daemon.withAdminReads { client in
            var seqs: [String: Int64] = [:]
            var next = head + 1
            while true {
                let page = try await client.call(
                    .entries, EntriesParams(fromSeq: next, limit: EntriesParams.maxLimit), as: EntriesResult.self)
                guard let last = page.entries.last else { return seqs }
                for entry in page.entries {
                    #expect(seqs[entry.id] == nil, "entry id \(entry.id) is stored twice")
                    seqs[entry.id] = entry.seq
                }
                next = last.seq + 1
            }
        }
    }

    static func balances(_ daemon: DaemonProcess) async throws -> [String: Int64] {
        try await daemon.withAdminReads { client in
            let result = try await client.call(.balances, NoParams(), as: BalancesResult.self)
            return Dictionary(uniqueKeysWithValues: result.balances.map { ($0.account, $0.balance) })
        }
    }
}
