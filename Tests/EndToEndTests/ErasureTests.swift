import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import NoaberTestSupport
import Testing

/// Entry format v2 against real daemons (docs/FORMAT.md §16): personal data beside the chain,
/// erased for good while every signature, hash, checkpoint and audit still holds.
@Suite("Erasing personal data")
struct ErasureTests {
    /// Texts that occur nowhere else, so that finding their bytes means they were kept.
    static let name = "Jannigje Peeterszoon-Wolters"
    static let memos = ["douchen mevrouw Hendrikje Jansen-Bos", "steunkousen aantrekken bij Gerritsen-Vos"]

    /// A v2 ledger in the README's shape, with a pseudonymous volunteer `vol:0042` named and
    /// credited with memos about the people cared for.
    static func ledger(on daemon: DaemonProcess) throws {
        _ = try WalkthroughLedger(on: daemon)
        let jan = try daemon.ok("keygen", "--out", "v42.key").trimmingCharacters(in: .whitespacesAndNewlines)
        try daemon.ok(
            "key", "add", "--key", "admin.key", "--pub", "v42.key.pub", "--label", "telefoon van vol:0042", "--role",
            "member")
        try daemon.ok(
            "account", "open", "vol:0042", "--key", "coord.key", "--kind", "member", "--name", name, "--controller", jan
        )
        for memo in memos {
            try daemon.ok(
                "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:0042", "--hours", "1.5",
                "--memo", memo)
        }
        try daemon.ok(
            "transfer", "--key", "v42.key", "--from", "vol:0042", "--to", "vol:piet", "--amount", "2.00", "--memo",
            "voor \(name)")
    }

    func python(_ arguments: String..., in daemon: DaemonProcess) async throws -> CommandResult {
        try await runProcessOffloaded(URL(fileURLWithPath: "/usr/bin/python3"), arguments, in: daemon.directory)
    }

    func bytes(_ path: String) -> Data { (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data() }

    func containsAny(_ data: Data, _ texts: [String]) -> String? {
        texts.first { data.range(of: Data($0.utf8)) != nil }
    }

    @Test func erasingAnAccountLeavesNoByteOfItsTextsAndEverythingStillVerifies() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        try Self.ledger(on: daemon)
        let secrets = [Self.name] + Self.memos
        let logKey = try #require(try await daemon.status().logKey)
        try daemon.ok("checkpoint", "--log-key", logKey, "--out", "before.txt")
        try daemon.ok("export", "--format", "jsonl", "--out", "before.jsonl")
        #expect(containsAny(bytes(daemon.directory.appendingPathComponent("before.jsonl").path), secrets) != nil)
        let history = try daemon.ok("history", "vol:0042")
        #expect(history.contains(Self.memos[0]), "an entitled reader sees the memo: \(history)")

        try daemon.ok(
            "erase", "--account", "vol:0042", "--reason", "art. 17 request of 2026-12-01", "--key", "admin.key")

        let database = daemon.dataDirectory + "/noaber.sqlite"
        #expect(containsAny(bytes(database), secrets) == nil, "the database file keeps an erased text")
        #expect(containsAny(bytes(database + "-wal"), secrets) == nil, "the WAL keeps an erased text")
        try daemon.ok("export", "--format", "jsonl", "--out", "after.jsonl")
        let after = bytes(daemon.directory.appendingPathComponent("after.jsonl").path)
        #expect(containsAny(after, secrets) == nil, "a fresh export keeps an erased text")
        #expect(after.range(of: Data(#""part":"personal-data""#.utf8)) != nil, "the export has its personal part")
        // The key label is not the account's (keys are erased by entry), so it stays until asked.
        #expect(after.range(of: Data("telefoon van".utf8)) != nil)

        #expect(try daemon.ok("verify").contains("OK:"))
        let offline = try daemon.noaber("verify", "--file", "after.jsonl", "--checkpoint", "before.txt")
        #expect(offline.status == 0, "\(offline.stdout)\(offline.stderr)")
        #expect(try daemon.noaber("verify", "--file", "before.jsonl").status == 0, "an older export stays valid")
        try daemon.ok("export", "--format", "jsonl", "--without-personal-data", "--out", "bare.jsonl")
        #expect(try daemon.noaber("verify", "--file", "bare.jsonl", "--checkpoint", "before.txt").status == 0)

        // The auditors' own scripts, written from FORMAT.md, agree.
        if AuditScriptTests.tools {
            let sqlite = try await python(AuditScriptTests.script, database, in: daemon)
            #expect(sqlite.status == 0 && sqlite.stdout.hasPrefix("OK:"), "\(sqlite.stdout)\(sqlite.stderr)")
            let export = try await python(
                AuditScriptTests.examples.appendingPathComponent("audit_export.py").path, "after.jsonl",
                "--checkpoint", "before.txt", in: daemon)
            #expect(export.status == 0 && export.stdout.hasPrefix("OK:"), "\(export.stdout)\(export.stderr)")
        }

        let shown = try daemon.ok("history", "vol:0042")
        #expect(shown.contains("[erased]") && !shown.contains(Self.memos[0]), "\(shown)")
        #expect(try daemon.ok("account", "show", "vol:0042").contains("[erased]"))
        #expect(try daemon.ok("balance", "vol:0042").contains("28.00"), "amounts stay: 2 × 15.00 − 2.00")
    }

    @Test func aTextChangedBehindTheDaemonsBackIsNamedByVerify() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        try Self.ledger(on: daemon)
        let db = try Connection(path: Database(directory: daemon.dataDirectory).path)
        let seq = try #require(
            try db.statement("SELECT seq FROM personal_data WHERE text = ?").rows([.text(Self.memos[1])]) {
                $0.int64(0)
            }
            .first)
        // The salt is kept: only the text differs from what was committed.
        try db.execute("UPDATE personal_data SET text = 'iets onschuldigs' WHERE seq = \(seq) AND path = 'memo'")
        let result = try daemon.noaber("verify")
        #expect(result.status == 2)
        if AuditScriptTests.tools {
            let audit = try await python(AuditScriptTests.script, daemon.dataDirectory + "/noaber.sqlite", in: daemon)
            #expect(audit.status == 2 && audit.stdout.contains("FAIL entry \(seq)"), "\(audit.stdout)\(audit.stderr)")
        }
        #expect(
            result.stdout.contains("entry \(seq):") && result.stdout.contains("changed beside the chain"),
            "\(result.stdout)")
        // And a text deleted without an erase entry.
        try db.execute("DELETE FROM personal_data WHERE seq = \(seq)")
        let deleted = try daemon.noaber("verify")
        #expect(deleted.status == 2 && deleted.stdout.contains("no erase entry covers it"), "\(deleted.stdout)")
    }

    @Test func aVersion1LedgerStillServesAndVerifiesAndRefusesToErase() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon, entryVersion: 1)
        #expect(try daemon.ok("history", "vol:jan-peeters").contains("boodschappen"))
        #expect(try daemon.ok("verify").contains("OK:"))
        let refused = try daemon.noaber(
            "erase", "--account", "vol:jan-peeters", "--reason", "art. 17 request", "--key", "admin.key")
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("entry format 1") && refused.stderr.contains("cannot be erased"),
            "\(refused.stderr)")
        // The daemon refuses it too, whatever a client sends.
        let status = try await daemon.status()
        let erase = Payload(
            v: 2, ledger: try #require(status.ledgerId), id: "erase-1",
            body: .erase(Erase(reason: "art. 17 request", account: try AccountID("vol:jan-peeters"))))
        let error = await rpcError {
            try await daemon.submit(try SignedEntry.sign(erase, with: try daemon.privateKey("admin.key")))
        }
        #expect(error?.reason == "version_mismatch", "\(String(describing: error))")
        #expect(try daemon.ok("verify").contains("OK:"))
    }
}
