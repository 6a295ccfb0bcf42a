import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// Account changes through the real CLI and daemon (issue #4): each a signed entry, each refusal
/// clear and harmless, and the audit still passing afterwards.
@Suite("Account changes against a real daemon")
struct AccountChangeTests {
    func refused(_ result: CommandResult, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0, "should be refused: \(result.stdout)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(text), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func freezeCloseLimitsControllersAndNames() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let ledger = try WalkthroughLedger(on: daemon)
        let pay = ["transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "1.00"]

        // Frozen: Piet can neither be paid nor pay, and says so; unfrozen, both work again.
        try daemon.ok("account", "freeze", "vol:piet", "--key", "coord.key", "--reason", "dispute")
        #expect(try daemon.json(AccountInfo.self, "account", "show", "vol:piet").status == "frozen")
        let before = try await daemon.status().entries
        refused(try daemon.noaber(arguments: pay), "account vol:piet is frozen")
        #expect(try await daemon.status().entries == before, "a refusal writes nothing")
        refused(
            try daemon.noaber("account", "freeze", "vol:piet", "--key", "coord.key"),
            "account vol:piet is already frozen")
        try daemon.ok("account", "unfreeze", "vol:piet", "--key", "coord.key")
        try daemon.ok(arguments: pay)

        // Closing needs a zero balance, and the message gives it.
        refused(
            try daemon.noaber("account", "close", "vol:jan-peeters", "--key", "coord.key"),
            "account vol:jan-peeters holds 11.50")
        try daemon.ok(
            "transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "11.50")
        try daemon.ok("account", "close", "vol:jan-peeters", "--key", "coord.key", "--reason", "moved away")
        refused(try daemon.noaber(arguments: pay), "account vol:jan-peeters is closed")
        refused(
            try daemon.noaber("account", "unfreeze", "vol:jan-peeters", "--key", "coord.key"),
            "account vol:jan-peeters is closed")

        // A new minimum the balance already breaks is refused with both numbers; one it keeps is taken.
        refused(
            try daemon.noaber("account", "update", "org:zorgkring", "--key", "coord.key", "--min-balance", "-20.00"),
            "account org:zorgkring holds -25.00, below the new minimum balance -20.00")
        try daemon.ok("account", "update", "org:zorgkring", "--key", "coord.key", "--min-balance", "-30.00")
        refused(
            try daemon.noaber(
                "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--amount", "5.01"),
            "would go to -30.01, below its minimum balance -30.00")

        // Controllers: Jan's key may spend from Piet's account once added, and not after removal.
        try daemon.ok(
            "account", "update", "vol:piet", "--key", "coord.key", "--add-controller", ledger.jan, "--name",
            "Piet de Boer")
        let piet = try daemon.json(AccountInfo.self, "account", "show", "vol:piet")
        #expect(piet.controllers == [ledger.piet, ledger.jan] && piet.name == "Piet de Boer")
        try daemon.ok("redeem", "--key", "jan.key", "--from", "vol:piet", "--to", "shop:bakker", "--amount", "1.00")
        try daemon.ok("account", "update", "vol:piet", "--key", "coord.key", "--remove-controller", "jan.key.pub")
        refused(
            try daemon.noaber(
                "redeem", "--key", "jan.key", "--from", "vol:piet", "--to", "shop:bakker", "--amount", "1.00"),
            "does not control account vol:piet")
        refused(
            try daemon.noaber("account", "update", "vol:piet", "--key", "jan.key", "--name", "x"),
            "only admin or operator keys may change accounts")
        refused(try daemon.noaber("account", "update", "vol:piet", "--key", "coord.key"), "give at least one change")

        // Every change is in the chain: the full audit replays them and matches the stored accounts.
        let verify = try daemon.noaber("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
