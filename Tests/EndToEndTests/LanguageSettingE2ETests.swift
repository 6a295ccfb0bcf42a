import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// `noaber settings set --language/--contact` against a real daemon: kept in the settings table
/// (schema 8), served, verified by `noaber verify` and by both independent audit scripts (the
/// SQLite file's settings row, and a jsonl export's header state).
@Suite("The statements' language and contact line as a setting")
struct LanguageSettingE2ETests {
    @Test func theSettingIsServedVerifiedAndAuditedAndBadValuesChangeNothing() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let before = try await daemon.status().entries
        for (arguments, message) in [
            (["--language", "de"], "--language"),
            (["--contact", "tel.\u{202E} 053"], "U+202E"),
            (["--contact", "x", "--no-contact"], "--no-contact goes without --contact"),
        ] {
            let result = try daemon.noaber(arguments: ["settings", "set"] + arguments)
            #expect(result.status != 0 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try await daemon.status().entries == before, "a refused setting writes nothing")
        #expect(try daemon.ok("settings").contains("statements and reports in en"), "English until one is chosen")

        try daemon.ok("settings", "set", "--language", "nl", "--contact", "tel. 053 123 4567")
        let shown = try daemon.ok("settings")
        #expect(shown.contains("statements and reports in nl") && shown.contains("contact line: tel. 053 123 4567"))
        let settings = try #require(try await daemon.status().settings)
        #expect(settings.language == "nl" && settings.contact == "tel. 053 123 4567")
        #expect(try daemon.ok("statement", "vol:jan-peeters").hasPrefix("Zorgkring Noord: overzicht van"))
        #expect(try daemon.ok("statement", "vol:jan-peeters", "--lang", "en").contains("opening balance"))
        #expect(try daemon.ok("report").contains("in omloop aan het eind"))
        // Another setting keeps them; --no-contact drops the line.
        try daemon.ok("settings", "set", "--claim-expiry-days", "30")
        #expect(try await daemon.status().settings?.contact == "tel. 053 123 4567")
        try daemon.ok("settings", "set", "--no-contact")
        let after = try #require(try await daemon.status().settings)
        #expect(after.contact == nil && after.language == "nl" && after.claimExpiryDays == 30)

        #expect(try daemon.ok("verify").contains("OK: "))
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            let audit = try await runProcessOffloaded(
                URL(fileURLWithPath: "/usr/bin/python3"),
                [AuditScriptTests.script, daemon.dataDirectory + "/noaber.sqlite"], in: daemon.directory)
            #expect(audit.status == 0 && audit.stdout.contains("OK: "), "\(audit.stdout)\(audit.stderr)")
            try daemon.ok("export", "--format", "jsonl", "--out", "ledger.jsonl")
            let logKey = try #require(try await daemon.status().logKey)
            let export = try await runProcessOffloaded(
                URL(fileURLWithPath: "/usr/bin/python3"),
                [
                    AuditScriptTests.examples.appendingPathComponent("audit_export.py").path, "ledger.jsonl",
                    "--log-key", logKey,
                ],
                in: daemon.directory)
            #expect(export.status == 0 && export.stdout.contains("OK: "), "\(export.stdout)\(export.stderr)")
        }
    }
}
