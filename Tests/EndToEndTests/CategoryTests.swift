import Foundation
import NoaberProtocol
import NoaberStore
import NoaberTestSupport
import Testing

/// Care categories through the real CLI and daemon (issue #4).
@Suite("Care categories against a real daemon")
struct CategoryTests {
    @Test func creditsPayTheirCategorysRateAndTheAuditChecksIt() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        #expect(try daemon.ok("category", "list").contains("no categories yet"))
        try daemon.ok(
            "category", "set", "boodschappen", "--rate", "10.00", "--name", "Boodschappen", "--key", "admin.key")
        try daemon.ok(
            "category", "set", "persoonlijke-verzorging", "--rate", "20.00", "--name", "Persoonlijke verzorging",
            "--key", "admin.key")

        let printed = try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--hours", "1.5",
            "--category",
            "persoonlijke-verzorging")
        #expect(printed.contains("credit 1.5 hours at 20.00 (persoonlijke-verzorging) = 30.00 ZMT"), "\(printed)")
        #expect(try daemon.balance("vol:piet") == 3500)

        // A new rate holds from its entry on; the earlier credit keeps its own.
        try daemon.ok(
            "category", "set", "persoonlijke-verzorging", "--rate", "22.00", "--name", "Persoonlijke verzorging",
            "--key", "admin.key")
        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--hours", "1", "--category",
            "persoonlijke-verzorging")
        #expect(try daemon.balance("vol:piet") == 5700)
        let list = try daemon.json(CategoryList.self, "category", "list")
        #expect(list.categories.map(\.category) == ["boodschappen", "persoonlijke-verzorging"])
        #expect(list.categories.last?.hourRate == 2200)

        // Bad input: each a clear message, nothing written.
        let before = try await daemon.status().entries
        for (arguments, message) in [
            (
                [
                    "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--hours", "1",
                    "--category", "tuin",
                ], "--category tuin does not exist"
            ),
            (
                [
                    "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--amount", "5",
                    "--category", "boodschappen",
                ], "--category goes with --hours"
            ),
            (
                [
                    "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--hours", "0.125",
                    "--category", "boodschappen",
                ], "--hours"
            ),
            (["category", "set", "boodschappen", "--rate", "0", "--key", "admin.key"], "more than zero"),
            (["category", "set", "boodschappen", "--rate", "-1", "--key", "admin.key"], "--rate"),
            (["category", "set", "Tuin", "--rate", "5", "--key", "admin.key"], "a-z 0-9 -"),
            (
                ["category", "set", "tuin", "--rate", "5", "--key", "coord.key"],
                "only admin keys may set care categories"
            ),
        ] {
            let result = try daemon.noaber(arguments: arguments)
            #expect(result.status != 0 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try await daemon.status().entries == before)

        #expect(try daemon.noaber("verify").status == 0)
        // The daemon pays by the stored rates, so a forged one fails the audit.
        let db = try Connection(path: Database(directory: daemon.dataDirectory).path)
        try db.execute("UPDATE categories SET hour_rate = 99900 WHERE category = 'boodschappen'")
        let forged = try daemon.noaber("verify")
        #expect(
            forged.status == 2
                && forged.stderr.contains("category boodschappen: the stored category differs from the chain"),
            "\(forged.stderr)")
    }
}
