import Foundation
import NoaberCore
import NoaberProtocol
import NoaberStore
import NoaberTestSupport
import Testing

/// docs/examples/audit_sqlite.py and audit_export.py were written from docs/FORMAT.md alone; that
/// they agree with `noaber verify` on real ledgers shows the document is enough to audit without
/// Noaber code.
@Suite("The independent audit scripts")
struct AuditScriptTests {
    static let tools = ["/usr/bin/python3", "/usr/bin/openssl"].allSatisfy(
        FileManager.default.isExecutableFile(atPath:))
    static let examples = PackagePaths.root.appendingPathComponent("docs/examples")
    static let script = examples.appendingPathComponent("audit_sqlite.py").path

    func audit(_ daemon: DaemonProcess) async throws -> CommandResult {
        try await runProcessOffloaded(
            URL(fileURLWithPath: "/usr/bin/python3"), [Self.script, daemon.dataDirectory + "/noaber.sqlite"],
            in: daemon.directory)
    }

    /// Both entry formats: version 2's personal texts are checked against their commitments.
    @Test(.enabled(if: tools, "python3 or openssl is missing; scripts/setup.sh installs them"), arguments: [1, 2])
    func agreesWithVerifyOnAGoodLedgerAndCatchesTampering(entryVersion: Int) async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let ledger = try WalkthroughLedger(on: daemon, entryVersion: entryVersion)
        try daemon.ok("key", "revoke", "--key", "admin.key", ledger.piet, "--reason", "left the project")
        let status = try await daemon.status()

        let good = try await audit(daemon)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("OK: 13 entries, 4 accounts, 6 keys, head \(status.headHash)"))
        #expect(good.stdout.contains("checkpoint 13"), "the daemon's checkpoint, checked with openssl: \(good.stdout)")

        // The export script reads the same ledger from a jsonl export, pinned to the published log key.
        let logKey = try #require(status.logKey)
        try daemon.ok("export", "--format", "jsonl", "--out", "ledger.jsonl")
        let export = try await runProcessOffloaded(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [Self.examples.appendingPathComponent("audit_export.py").path, "ledger.jsonl", "--log-key", logKey],
            in: daemon.directory)
        #expect(export.status == 0, "\(export.stdout)\(export.stderr)")
        #expect(
            export.stdout.contains("OK: 13 entries, 4 accounts, 6 keys, head \(status.headHash)"), "\(export.stdout)")

        let db = try Connection(path: Database(directory: daemon.dataDirectory).path)
        try db.execute("DROP TRIGGER postings_append_only_update")
        try db.execute("UPDATE postings SET amount = 50000 WHERE seq = 11 AND amount > 0")
        let bad = try await audit(daemon)
        #expect(bad.status == 2)
        #expect(bad.stdout.contains("FAIL entry 11"), "\(bad.stdout)\(bad.stderr)")
        #expect(try daemon.noaber("verify").status == 2, "noaber verify agrees")
    }

    /// The postings' care dates (FORMAT.md §6, schema version 6) are derived, and checked: one moved
    /// to another month, around the triggers, fails the script, the store's scan and `noaber verify`.
    @Test(.enabled(if: tools, "python3 or openssl is missing; scripts/setup.sh installs them"))
    func aMovedCareDateFailsTheAudit() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let good = try await audit(daemon)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        let db = try Connection(path: Database(directory: daemon.dataDirectory).path)
        try db.execute("DROP TRIGGER postings_append_only_update")
        try db.execute("UPDATE postings SET care_date = '2000-01-01' WHERE seq = 10")
        let bad = try await audit(daemon)
        #expect(bad.status == 2)
        #expect(
            bad.stdout.contains("FAIL entry 10: the care_date of posting 0 is '2000-01-01'"),
            "\(bad.stdout)\(bad.stderr)")
        #expect(throws: VerificationFailure.self) { _ = try LedgerStore.verify(db) }
        let verify = try daemon.noaber("verify")
        #expect(verify.status == 2, "noaber verify agrees: \(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("entry 10: stored care dates differ from the transaction's care date"))
    }

    /// The worked example of FORMAT.md §14, built with openssl alone, and its tampered copies.
    @Test(.enabled(if: tools, "python3 or openssl is missing; scripts/setup.sh installs them"))
    func workedExampleAndItsTamperedCopies() async throws {
        let result = try await runProcessOffloaded(
            URL(fileURLWithPath: "/bin/bash"), [Self.examples.appendingPathComponent("test_examples.sh").path],
            in: Self.examples)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
