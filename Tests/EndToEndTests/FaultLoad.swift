import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport
import Synchronization

/// How many entries the lanes of a round have heard acknowledged so far.
final class AckCounter: Sendable {
    let count = Atomic<Int>(0)
}

/// One submission of a fault-injection lane: one entry, or a batch of four applied all or nothing,
/// with the postings it carries and whether the rules must refuse it.
struct FaultUnit: Sendable {
    var entries: [SignedEntry]
    var ids: [String]
    var postings: [[Posting]]
    var mustBeRefused: Bool
    var isBatch: Bool { entries.count > 1 }

    /// The submission's request: `ledger.submit`, or `ledger.submit_batch` for a batch.
    func submit(on client: RPCClient) async throws -> [SubmitResult] {
        guard isBatch else { return [try await client.call(.submit, SubmitParams(entries[0]), as: SubmitResult.self)] }
        let batch = SubmitBatchParams(entries: entries.map { SubmitParams($0) })
        return try await client.call(.submitBatch, batch, as: SubmitBatchResult.self).results
    }
}

/// What became of the units one lane sent before the daemon died under it.
struct LaneOutcome: Sendable {
    /// Units answered with their results: the daemon promised they are durable.
    var acknowledged: [(unit: FaultUnit, results: [SubmitResult])] = []
    /// Units answered with a typed error (its reason): nothing of them may be stored.
    var refused: [(unit: FaultUnit, reason: String)] = []
    /// The unit in flight when the connection broke: stored whole or not at all, nobody said which.
    var inDoubt: [FaultUnit] = []
}

/// The load of one round of kill -9: lanes of their own connection, each submitting one unit after
/// another until the daemon dies under it. Even lanes move coins from Jan to Piet with Jan's key, odd
/// ones back with Piet's; lanes 12 to 15 send batches. Every seventh single entry (every fifth
/// batch) breaks a rule, alternately naming an account that does not exist and spending far more
/// than anyone holds, so that its refusal does not depend on the order in which the writer takes
/// the lanes' submissions.
struct FaultLoad: Sendable {
    let ledgerID: String
    let jan: Ed25519PrivateKey
    let piet: Ed25519PrivateKey
    static let batchLanes = 12..<16
    static let batchSize = 4
    /// A lane stops here even if the daemon is still alive (it never is: it dies within half a second).
    static let maxUnits = 2000

    func unit(lane: Int, round: Int, index: Int) throws -> FaultUnit {
        let (key, from, to) =
            lane % 2 == 0 ? (jan, "vol:jan-peeters", "vol:piet") : (piet, "vol:piet", "vol:jan-peeters")
        let isBatch = Self.batchLanes.contains(lane)
        let refused = isBatch ? index % 5 == 4 : index % 7 == 6
        var unit = FaultUnit(entries: [], ids: [], postings: [], mustBeRefused: refused)
        for part in 0..<(isBatch ? Self.batchSize : 1) {
            let id = "r\(round)-l\(lane)-\(index)" + (isBatch ? "-\(part)" : "")
            var payee = to
            var amount: Int64 = 1
            if refused && (!isBatch || part == 2) {
                if isBatch || (index / 7) % 2 == 0 { payee = "vol:nobody" } else { amount = 10_000_000 }
            }
            let postings = [
                Posting(account: try AccountID(from), amount: -amount),
                Posting(account: try AccountID(payee), amount: amount),
            ]
            let payload = Payload(
                v: 2, ledger: ledgerID, id: id,
                body: .transaction(Transaction(purpose: .transfer, postings: postings)))
            unit.entries.append(try SignedEntry.sign(payload, with: key))
            unit.ids.append(id)
            unit.postings.append(postings)
        }
        return unit
    }

    /// Runs lane `lane` until its connection breaks (or cannot be made: then nothing is in doubt),
    /// counting the entries acknowledged in `acks`.
    func run(lane: Int, round: Int, socket: String, acks: AckCounter) async -> LaneOutcome {
        var outcome = LaneOutcome()
        do {
            try await RPCClient.withConnection(socketPath: socket) { client in
                for index in 0..<Self.maxUnits {
                    let unit = try self.unit(lane: lane, round: round, index: index)
                    do {
                        outcome.acknowledged.append((unit, try await unit.submit(on: client)))
                        acks.count.add(unit.ids.count, ordering: .relaxed)
                    } catch ClientError.rpc(let error) {
                        outcome.refused.append((unit, error.reason))
                    } catch {
                        outcome.inDoubt.append(unit)
                        return
                    }
                }
            }
        } catch {
            // The connection could not be made, or closed as the daemon died: nothing more was sent.
        }
        return outcome
    }
}

/// A round's or a run's figures, in entries (a batch counts four).
struct FaultTally {
    var acknowledged = 0
    var acknowledgedPresent = 0
    var refused = 0
    var refusedPresent = 0
    var inDoubt = 0
    var inDoubtPresent = 0
    /// Rounds after which `noaber verify` passed, and the balances equalled the clients' replay.
    var verified = 0
    var balanced = 0

    static func += (a: inout FaultTally, b: FaultTally) {
        a.acknowledged += b.acknowledged
        a.acknowledgedPresent += b.acknowledgedPresent
        a.refused += b.refused
        a.refusedPresent += b.refusedPresent
        a.inDoubt += b.inDoubt
        a.inDoubtPresent += b.inDoubtPresent
        a.verified += b.verified
        a.balanced += b.balanced
    }

    var summary: String {
        "\(acknowledged) acknowledged (\(acknowledgedPresent) present once), \(refused) refused (\(refusedPresent) present), \(inDoubt) in doubt (\(inDoubtPresent) present, \(inDoubt - inDoubtPresent) absent)"
    }
}
