import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import NoaberTestSupport
import NoaberTransport
import Testing

/// docs/FORMAT.md §2's text rule end to end: the CLI names the field before it sends, the daemon
/// refuses what skips the CLI with `invalid_text` (1027) and changes nothing, and a version 1
/// ledger written before the rule keeps verifying, with warnings, in every verifier.
@Suite("Text rule against a real daemon")
struct TextRuleEndToEndTests {
    static let disguised = "Jan\u{200B} Peeters\u{202E}"
    static let decomposed = "Bre\u{301}e"

    @Test func formatCharactersAndDecomposedTextsAreRefusedAndComposedOnesAccepted() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let walkthrough = try WalkthroughLedger(on: daemon)
        let before = try await daemon.status()
        let open = [
            "account", "open", "vol:0050", "--key", "coord.key", "--kind", "member", "--controller", walkthrough.jan,
        ]
        let cli = try daemon.noaber(arguments: open + ["--name", Self.disguised])
        #expect(cli.status != 0)
        #expect(cli.stderr.contains("invalid text: name contains U+200B ZERO WIDTH SPACE"), "\(cli.stderr)")
        let memo = try daemon.noaber(
            "transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "1.00",
            "--memo", Self.decomposed)
        #expect(memo.stderr.contains("memo is not in Unicode normalization form NFC"), "\(memo.stderr)")

        // What a client other than noaber could send: the daemon judges the same rule.
        let ledgerID = try #require(before.ledgerId)
        let coordinator = try daemon.privateKey("coord.key")
        let admin = try daemon.privateKey("admin.key")
        let account = AccountOpen(
            account: try AccountID("vol:0050"), accountKind: .member, name: Self.disguised, minBalance: 0,
            controllers: [try #require(KeyID(hex: walkthrough.jan))])
        let cases: [(Payload.Body, Ed25519PrivateKey, String)] = [
            (.accountOpen(account), coordinator, "name"),
            (.categorySet(CategorySet(category: "tuin", name: "Tuin\u{2066}werk", hourRate: 900)), admin, "name"),
            (
                .transaction(
                    Transaction(
                        purpose: .transfer,
                        postings: [
                            Posting(account: try AccountID("vol:jan-peeters"), amount: -100),
                            Posting(account: try AccountID("vol:piet"), amount: 100),
                        ], memo: Self.decomposed)), try daemon.privateKey("jan.key"), "memo"
            ),
        ]
        for (index, (body, key, field)) in cases.enumerated() {
            let (payload, texts) = try Payload(v: 2, ledger: ledgerID, id: "text-\(index)", body: body)
                .committingPersonalData()
            let signed = try SignedEntry.sign(payload, with: key)
            let error = await rpcError {
                try await RPCClient.withConnection(socketPath: daemon.socket) {
                    try await $0.call(.submit, SubmitParams(signed, personal: texts), as: SubmitResult.self)
                }
            }
            #expect(error?.code == 1027 && error?.reason == "invalid_text", "\(String(describing: error))")
            #expect(error?.message.contains("invalid text: \(field) ") == true, "\(String(describing: error))")
        }
        let after = try await daemon.status()
        #expect(after.entries == before.entries && after.headHash == before.headHash)

        try daemon.ok(arguments: open + ["--name", "Brée Müller-Øster"])
        let shown = try daemon.ok("account", "show", "vol:0050")
        #expect(shown.contains("Brée Müller-Øster"), "\(shown)")
        #expect(try daemon.noaber("verify").status == 0)
    }

    /// A version 1 ledger holding a name with format characters, as the release before the rule
    /// wrote it: the same store and rules, without the character check.
    @Test func aVersion1LedgerWrittenBeforeTheRuleKeepsVerifyingWithWarnings() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let walkthrough = try WalkthroughLedger(on: daemon, entryVersion: 1)
        let jan = try #require(KeyID(hex: walkthrough.jan))
        #expect(daemon.stop() == 0)
        let head = try appendWithoutTheRule(
            .accountOpen(try Self.account("vol:0099", named: Self.disguised, controller: jan)), id: "legacy-name",
            daemon: daemon)
        try await daemon.restart()

        let verify = try daemon.noaber("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let warning = "warning: entry \(head): \"name\" contains U+200B ZERO WIDTH SPACE"
        #expect(verify.stdout.contains(warning), "\(verify.stdout)")
        let printed = verify.stdout.split(separator: "\n").filter { $0.hasPrefix("OK") || $0.hasPrefix("warning") }
        print("text rule, version 1 ledger from before it: noaber verify exit \(verify.status): \(printed)")
        struct Report: Decodable {
            struct Warning: Decodable { var seq: Int64, field: String }
            var ok: Bool
            var warnings: [Warning]
        }
        let report = try daemon.json(Report.self, "verify")
        #expect(report.ok && report.warnings.map(\.seq) == [head] && report.warnings.map(\.field) == ["name"])

        // The daemon refuses the same text in a new entry of the same ledger.
        let ledgerID = try #require(try await daemon.status().ledgerId)
        let again = try Self.account("vol:again", named: Self.disguised, controller: jan)
        let signed = try SignedEntry.sign(
            Payload(v: 1, ledger: ledgerID, id: "again", body: .accountOpen(again)),
            with: daemon.privateKey("admin.key"))
        #expect(await rpcError { try await daemon.submit(signed) }?.reason == "invalid_text")
        #expect(try await daemon.status().entries == head)

        try daemon.ok("export", "--format", "jsonl", "--out", "v1.jsonl")
        let offline = try daemon.noaber("verify", "--file", "v1.jsonl")
        #expect(offline.status == 0 && offline.stdout.contains(warning), "\(offline.stdout)\(offline.stderr)")
        guard AuditScriptTests.tools else { return }
        for (script, file) in [("audit_sqlite.py", "data/noaber.sqlite"), ("audit_export.py", "v1.jsonl")] {
            let audit = try await python(script, file, daemon)
            #expect(audit.status == 0, "\(script): \(audit.stdout)\(audit.stderr)")
            #expect(audit.stdout.contains("WARN entry \(head): name contains U+200B"), "\(script): \(audit.stdout)")
        }
    }

    /// In version 2 the rule is a chain rule: a text that breaks it, written by a daemon without the
    /// rule, fails `verify`, `verify --file` and both audit scripts, beside the chain (a name) and
    /// in it (a category's).
    @Test func aVersion2LedgerHoldingSuchATextFailsEveryVerifier() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let walkthrough = try WalkthroughLedger(on: daemon)
        let jan = try #require(KeyID(hex: walkthrough.jan))
        for (body, id, reason) in [
            (
                Payload.Body.accountOpen(try Self.account("vol:0099", named: Self.disguised, controller: jan)),
                "hidden-name", "the personal text at \"name\" breaks the text rule"
            ),
            (.categorySet(CategorySet(category: "tuin", name: "Tuin\u{200B}", hourRate: 900)), "hidden-rate", ""),
        ] {
            #expect(daemon.stop() == 0)
            let seq = try appendWithoutTheRule(body, id: id, daemon: daemon)
            try await daemon.restart()
            try daemon.ok("export", "--format", "jsonl", "--out", "\(id).jsonl")
            for verify in [try daemon.noaber("verify"), try daemon.noaber("verify", "--file", "\(id).jsonl")] {
                #expect(verify.status == 2, "\(verify.stdout)")
                print("text rule, version 2 ledger: exit \(verify.status), \(verify.stdout.prefix { $0 != "\n" })")
                #expect(
                    verify.stdout.contains("entry \(seq): \(reason)") && verify.stdout.contains("U+200B"),
                    "\(verify.stdout)")
            }
            guard AuditScriptTests.tools else { continue }
            for (script, file) in [("audit_sqlite.py", "data/noaber.sqlite"), ("audit_export.py", "\(id).jsonl")] {
                let audit = try await python(script, file, daemon)
                #expect(audit.status == 2 && audit.stdout.contains("FAIL entry \(seq): "), "\(script): \(audit.stdout)")
                #expect(audit.stdout.contains("name contains U+200B ZERO WIDTH SPACE"), "\(script): \(audit.stdout)")
            }
        }
    }

    static func account(_ id: String, named name: String, controller: KeyID) throws -> AccountOpen {
        AccountOpen(
            account: try AccountID(id), accountKind: .member, name: name, minBalance: 0, controllers: [controller])
    }

    private func python(_ script: String, _ file: String, _ daemon: DaemonProcess) async throws -> CommandResult {
        try await runProcessOffloaded(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [AuditScriptTests.examples.appendingPathComponent(script).path, file], in: daemon.directory)
    }

    /// Appends `body`, signed by the admin, to the stopped daemon's ledger through the store, as a
    /// daemon without the character rule wrote it: a version 1 entry judged by the rules as they
    /// replay such entries (`legacyTexts = .warn`), a version 2 one (which no rule admits any more)
    /// written as it is. Returns its seq.
    private func appendWithoutTheRule(_ body: Payload.Body, id: String, daemon: DaemonProcess) throws -> Int64 {
        let store = try LedgerStore(database: Database(directory: daemon.dataDirectory))
        var state = try store.loadState()
        state.legacyTexts = .warn
        let ledger = try #require(state.ledger)
        var payload = Payload(v: ledger.version, ledger: ledger.id, id: id, body: body)
        var texts: [PersonalText] = []
        if ledger.version >= 2 { (payload, texts) = try payload.committingPersonalData() }
        let signed = try SignedEntry.sign(payload, with: daemon.privateKey("admin.key"))
        let summary = try store.connection.summary()
        let seq = summary.entries + 1
        let at = Timestamp.now()
        if ledger.version < 2 {
            try state.apply(signed, seq: seq, at: at)
            #expect(!state.textWarnings.isEmpty)
        }
        let hash = EntryHash.compute(seq: seq, prevHash: summary.headHash, committedAt: at, signed: signed)
        let entry = CommittedEntry(
            seq: seq, entryID: payload.id, kind: payload.kind, signed: signed, committedAt: at,
            prevHash: summary.headHash, hash: hash)
        try store.append([
            AcceptedEntry(
                entry: entry, payload: payload, personal: texts, subjects: payload.personalSubjects { _ in nil })
        ])
        return seq
    }
}
