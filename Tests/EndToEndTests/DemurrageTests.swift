import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// Demurrage through the real CLI and daemon (issue #4): off by default; once set, the daemon
/// charges each period once, catching up after downtime. The daemon's clock is run ahead with
/// faketime; nothing waits for a month to pass.
@Suite("Demurrage against a real daemon")
struct DemurrageTests {
    struct Settings: Decodable {
        var claimExpiryDays: Int
        var demurrage: SettingsInfo.DemurrageInfo?
    }

    @Test func theDaemonCatchesUpOnEveryMissedPeriodOnce() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        #expect(try daemon.json(Settings.self, "settings", "show").demurrage == nil, "off by default")
        let refused = try daemon.noaber("settings", "set", "--demurrage-percent", "1", "--key", "admin.key")
        #expect(refused.status != 0 && refused.stderr.contains("to turn it on give"), "\(refused.stderr)")
        let notAdmin = try daemon.noaber(
            "settings", "set", "--demurrage-percent", "1", "--demurrage-period", "month", "--demurrage-account",
            "org:zorgkring", "--key", "coord.key")
        #expect(
            notAdmin.status != 0 && notAdmin.stderr.contains("only admin keys may change the ledger's settings"),
            "\(notAdmin.stderr)")
        let set = try daemon.ok(
            "settings", "set", "--demurrage-percent", "1", "--demurrage-period", "month", "--demurrage-account",
            "org:zorgkring", "--key", "admin.key")
        #expect(set.contains("demurrage 1 % per month, back to org:zorgkring"), "\(set)")
        let settings = try daemon.json(Settings.self, "settings", "show")
        let firstPeriod = try #require(settings.demurrage?.next)
        let held = try daemon.balance("vol:jan-peeters")
        let entries = try await daemon.status().entries

        // Down for a little over three months: at start-up the daemon charges every month it missed.
        try await daemon.restart(clockAhead: "+100d")
        let afterCatchUp = try await daemon.status()
        let charged = afterCatchUp.entries - entries
        #expect((3...4).contains(charged), "three or four month starts fall in 100 days")
        let history = try daemon.ok("history", "vol:jan-peeters")
        #expect(history.contains("demurrage"), "\(history)")
        // Each month 1 % of what was left, rounded down.
        var expected = held
        for _ in 0..<charged { expected -= expected / 100 }
        #expect(try daemon.balance("vol:jan-peeters") == expected)
        let next = try #require(try daemon.json(Settings.self, "settings", "show").demurrage?.next)
        #expect(next > firstPeriod)

        // Restarting at the same time charges nothing again, and the audit replays every charge.
        try await daemon.restart(clockAhead: "+100d")
        #expect(try await daemon.status().entries == afterCatchUp.entries)
        let verify = try daemon.noaber("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let report = try daemon.ok("report", "--format", "csv")
        #expect(report.contains("demurrage"), "\(report)")

        // Turned off, nothing more is charged, however much time passes.
        try daemon.ok("settings", "set", "--no-demurrage", "--key", "admin.key")
        let off = try await daemon.status().entries
        try await daemon.restart(clockAhead: "+200d")
        #expect(try await daemon.status().entries == off)
    }
}
