import Foundation
import NoaberTestSupport
import Testing

/// What the CLI says when a person slips (issue #12): a negative number's real reason, the
/// command meant, plurals, amounts in the currency, rule errors as rules, a public key for a private.
@Suite("CLI: saying what is wrong")
struct CLIPolishTests {
    /// The real CLI with no daemon at all: these are refused before one is asked.
    func offline(_ arguments: String...) throws -> CommandResult {
        try runProcess(
            DaemonProcess.binaries.appendingPathComponent("noaber"), arguments,
            in: FileManager.default.temporaryDirectory,
            environment: .inherited(adding: ["NOABER_SOCKET": "/nonexistent/noaberd.sock", "NOABER_HOST": ""]))
    }

    @Test func anUnknownCommandSuggestsTheNearest() throws {
        let typo = try offline("blance", "vol:piet")
        #expect(typo.status == 64 && typo.stderr == "Error: unknown command \"blance\": did you mean \"balance\"?\n")
        let nested = try offline("account", "opn", "vol:x")
        #expect(nested.stderr == "Error: unknown command \"account opn\": did you mean \"account open\"?\n")
        let none = try offline("xyzzy")
        #expect(none.status == 64 && none.stderr == "Error: unknown command \"xyzzy\"; `noaber --help` lists them\n")
    }

    @Test func aNegativeNumberGetsItsRealReason() throws {
        let negative = "Error: --amount: invalid amount: \"-1.00\" is negative; give a positive amount\n"
        for arguments in [
            ["credit", "--from", "org:zorgkring", "--to", "vol:piet", "--amount", "-1.00"],
            ["credit", "--from", "org:zorgkring", "--to", "vol:piet", "--amount=-1.00"],
            ["transfer", "--from", "vol:jan", "--to", "vol:piet", "--amount", "-1.00"],
            ["redeem", "--from", "vol:jan", "--to", "shop:bakker", "--amount", "-1.00"],
        ] {
            let result = try runProcess(
                DaemonProcess.binaries.appendingPathComponent("noaber"), arguments,
                in: FileManager.default.temporaryDirectory,
                environment: .inherited(adding: ["NOABER_SOCKET": "/nonexistent/noaberd.sock", "NOABER_HOST": ""]))
            #expect(result.status == 64 && result.stderr == negative, "\(arguments): \(result.stderr)")
        }
        let hours = try offline("credit", "--from", "org:zorgkring", "--to", "vol:piet", "--hours", "-2")
        #expect(hours.stderr.hasPrefix("Error: --hours: invalid hours: \"-2\" must be a positive number"))
        let limit = try offline("history", "vol:piet", "--limit", "-3")
        #expect(limit.stderr == "Error: --limit must be 1 to 1000\n", "\(limit.stderr)")
        let rate = try offline("category", "set", "tuin", "--rate", "-5")
        #expect(rate.stderr == "Error: --rate: invalid amount: \"-5\" is negative; give a positive amount\n")
    }

    @Test func aPublicKeyGivenAsTheKeyIsNamedAsSuch() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let result = try daemon.noaber("balance", "vol:piet", "--key", "coord.key.pub")
        #expect(
            result.status == 1
                && result.stderr
                    == "Error: coord.key.pub is a public key; --key needs the private key file (keygen writes it beside this one, as coord.key)\n",
            "\(result.stderr)")
    }

    @Test func ruleErrorsSayTheRuleAndAmountsAreInTheCurrency() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let merchant = try daemon.noaber(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "shop:bakker", "--amount", "1.00")
        #expect(
            merchant.stderr == "Error: a credit may only pay to member accounts; shop:bakker is a merchant\n",
            "\(merchant.stderr)")

        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--hours", "1", "--id",
            "credit-piet-1")
        let status = try daemon.ok("status")
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("log key") })
        let logKey = String(line.dropFirst("log key".count)).trimmingCharacters(in: .whitespaces)
        try daemon.ok("proof", "credit-piet-1", "--out", "piet.tlog-proof", "--log-key", logKey)
        let verified = try daemon.ok("verify-proof", "piet.tlog-proof", "--log-key", logKey)
        #expect(verified.contains("  credit, 1 hour\n"), "\(verified)")
        #expect(verified.contains("  org:zorgkring  -10.00 ZMT\n  vol:piet  +10.00 ZMT\n"), "\(verified)")
        // Without a daemon of that ledger the proof still checks; the amounts are minor units, and it says why.
        let alone = try daemon.noaber(
            arguments: ["verify-proof", "piet.tlog-proof", "--log-key", logKey, "--socket", "/nonexistent/n.sock"])
        #expect(alone.status == 0 && alone.stdout.contains("  org:zorgkring  -1000 minor units\n"), "\(alone.stdout)")
        #expect(alone.stdout.contains("no daemon of this ledger answered to say its currency"))
        let verify = try daemon.ok("verify")
        #expect(verify.contains("OK: 13 entries, 4 accounts, 6 keys;"), "\(verify)")
    }
}
