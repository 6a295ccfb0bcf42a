import Foundation
import Logging
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import NoaberTestSupport
import Testing

@testable import NoaberServer

/// `ledger.submit_batch` in the writer: a batch is committed whole or not at all, whatever other
/// clients' entries share its group commit.
@Suite("Batch submissions in the group-commit writer")
struct BatchSubmissionTests {
    let admin = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x31, count: 32))
    let nonce = [UInt8](repeating: 0x09, count: 16)
    var ledger: String { LedgerIdentity.derive(adminKey: admin.publicKey, nonce: nonce) }

    func signed(_ id: String, _ body: Payload.Body) throws -> SignedEntry {
        try SignedEntry.sign(Payload(ledger: ledger, id: id, body: body), with: admin)
    }

    func credit(_ id: String, to account: String, _ amount: Int64) throws -> SignedEntry {
        try signed(
            id,
            .transaction(
                Transaction(
                    purpose: .credit,
                    postings: [
                        Posting(account: try AccountID("org:z"), amount: -amount),
                        Posting(account: try AccountID(account), amount: amount),
                    ])))
    }

    /// A ledger with an issuer `org:z` (credit limit 10.00) and a volunteer `vol:jan`.
    func setup() throws -> [SignedEntry] {
        [
            try signed(
                "init",
                .ledgerInit(
                    LedgerInit(
                        name: "Batch", currency: Currency(code: "ZMT", name: "zorgmunt", scale: 2), hourRate: 1000,
                        adminKey: KeySpec(publicKey: admin.publicKey, label: "admin", role: .admin),
                        nonce: Hex.encode(nonce)))),
            try signed(
                "org",
                .accountOpen(
                    AccountOpen(
                        account: try AccountID("org:z"), accountKind: .issuer, name: "Z", minBalance: -1000,
                        controllers: [admin.publicKey.keyID]))),
            try signed(
                "jan",
                .accountOpen(
                    AccountOpen(
                        account: try AccountID("vol:jan"), accountKind: .member, name: "Jan", minBalance: 0,
                        controllers: [admin.publicKey.keyID]))),
        ]
    }

    @Test func aRefusedBatchLeavesNothingAndOthersInItsGroupStand() async throws {
        let directory = try makeTemporaryDirectory("noaber-batch")
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try GroupCommitWriter(
            store: try LedgerStore(database: Database(directory: directory.path)), clock: Timestamp.now,
            logger: Logger(label: "test"),
            logKey: try .generate(), logKeyPath: directory.appendingPathComponent("log.key").path)
        let setup = try setup()
        for entry in setup { _ = try await writer.write(entry) }

        // Many rounds, so that batches and single entries often share a group commit.
        for round in 0..<20 {
            let entries = [
                try credit("b\(round)-1", to: "vol:jan", 1), try credit("b\(round)-2", to: "vol:jan", 5000),
                try credit("b\(round)-3", to: "vol:jan", 1),
            ]
            let alone = try credit("s\(round)", to: "vol:jan", 10)
            async let batch = writer.submit(entries, peer: nil)
            async let single = writer.write(alone)
            let (batchOutcome, singleOutcome) = await (batch, try? single)
            // The second entry overdraws the issuer; the batch is refused at it, whole.
            guard case .refused(let index, let refusal) = batchOutcome else {
                Issue.record("the batch of round \(round) was not refused: \(batchOutcome)")
                continue
            }
            #expect(index == 1)
            #expect(refusal.reason == "limit_exceeded")
            #expect(throws: RPCError.self) { try batchOutcome.written(batch: true) }
            do { _ = try batchOutcome.written(batch: true) } catch {
                #expect(
                    error.message
                        == "batch entry 2 was refused (\(refusal.message)), so nothing of the batch was written")
            }
            #expect(singleOutcome != nil, "the single entry in round \(round) stands")
        }
        // A batch the rules accept is committed whole, and sending it again replays every entry.
        let good = [try credit("g1", to: "vol:jan", 1), try credit("g2", to: "vol:jan", 2)]
        let first = await writer.submit(good, peer: nil)
        #expect(try first.written(batch: true).map(\.replayed) == [false, false])
        let again = await writer.submit(good, peer: nil)
        #expect(try again.written(batch: true).map(\.replayed) == [true, true])
        #expect(try again.written(batch: true).map(\.entry) == first.written(batch: true).map(\.entry))
        await writer.shutdown()

        // On disk: the setup, 20 singles and the good batch; no entry of a refused batch.
        let reader = try Database(directory: directory.path).openReader()
        #expect(try reader.summary().entries == 3 + 20 + 2)
        #expect(try reader.entry(id: "b0-1") == nil && reader.entry(id: "b19-3") == nil)
        #expect(try reader.account(try AccountID("vol:jan"))?.balance == 20 * 10 + 3)
    }
}
