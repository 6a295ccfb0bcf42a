import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// Corrections through the real CLI and daemon (issue #4).
@Suite("Reversals against a real daemon")
struct ReversalTests {
    @Test func reverseOnceWithinLimitsAndTheAuditAgrees() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let history = try daemon.json(HistoryOutput.self, "history", "vol:jan-peeters").lines.map(\.entryId)
        let (redeem, credit) = (history[0], history[2])

        // Jan spent most of the credit: taking it back would break his minimum, and the message says so.
        let refused = try daemon.noaber("reverse", credit, "--reason", "wrong volunteer", "--key", "coord.key")
        #expect(
            refused.status != 0
                && refused.stderr.contains("account vol:jan-peeters would go to -12.50, below its minimum balance 0.00"),
            "\(refused.stderr)")

        // The bakery's sale (seq 12, as history shows it) is undone by the coordinator, once.
        let done = try daemon.ok("reverse", "12", "--reason", "returned the bread", "--key", "coord.key")
        #expect(done.contains("entry 12 (\(redeem)) reversed: entry 13"), "\(done)")
        #expect(try daemon.balance("vol:jan-peeters") == 2000 && daemon.balance("shop:bakker") == 0)
        let twice = try daemon.noaber("reverse", redeem, "--reason", "again", "--key", "coord.key")
        #expect(twice.status != 0 && twice.stderr.contains("was already reversed by entry 13"), "\(twice.stderr)")

        let reversalID = try #require(
            try daemon.json(HistoryOutput.self, "history", "vol:jan-peeters").lines.first?.entryId)
        let ofReversal = try daemon.noaber("reverse", reversalID, "--reason", "undo the undo", "--key", "coord.key")
        #expect(ofReversal.status != 0 && ofReversal.stderr.contains("is itself a reversal"), "\(ofReversal.stderr)")
        let unknown = try daemon.noaber("reverse", "no-such-entry", "--reason", "x", "--key", "coord.key")
        #expect(unknown.status != 0 && unknown.stderr.contains("entry no-such-entry not found"), "\(unknown.stderr)")
        let noReason = try daemon.noaber("reverse", redeem, "--key", "coord.key")
        #expect(noReason.status != 0 && noReason.stderr.contains("--reason"))

        #expect(try daemon.ok("history", "vol:jan-peeters").contains("reverses 12: returned the bread"))
        let verify = try daemon.noaber("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        // The daemon restarts with the reversal remembered: still only once.
        try await daemon.restart()
        #expect(try daemon.noaber("reverse", redeem, "--reason", "again", "--key", "coord.key").status != 0)
    }
}
