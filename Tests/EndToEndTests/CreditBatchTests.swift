import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import NoaberTestSupport
import NoaberTransport
import Testing

/// Batch-signed imports (docs/FORMAT.md §17) through the real binaries: a month of lines in a few
/// `credits` entries, rerun line by line, one credit reversed and proved on its own, and the
/// ledger verified online and from an export.
@Suite("Batches of credits against a real daemon")
struct CreditBatchTests {
    static let lines = 2500

    func importing(_ daemon: DaemonProcess, _ file: String, _ extra: String...) async throws -> CommandResult {
        try await runProcessOffloaded(
            DaemonProcess.binaries.appendingPathComponent("noaber"),
            ["import", file, "--issuer", "org:zorgkring", "--key", "coord.key"] + extra, in: daemon.directory,
            environment: .inherited(adding: ["NOABER_SOCKET": daemon.socket]))
    }

    func csv(_ range: ClosedRange<Int>) -> String {
        "account,date,hours,memo,external_id\n"
            + range.map { i in
                let who = i % 2 == 0 ? "vol:jan-peeters" : "vol:piet"
                return
                    "\(who),2026-10-\(String(format: "%02d", i % 28 + 1)),0.25,\"bezoek \(i), \\ \"\"thee\"\"\",M-\(i)"
            }.joined(separator: "\n") + "\n"
    }

    func write(_ daemon: DaemonProcess, _ name: String, _ text: String) throws {
        try text.write(toFile: daemon.directory.appendingPathComponent(name).path, atomically: true, encoding: .utf8)
    }

    @Test func aMonthInBatchesRerunsLineByLineAndOneCreditIsReversedAndProved() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let before = try await daemon.status().entries
        let (jan, piet, org) = (
            try daemon.balance("vol:jan-peeters"), try daemon.balance("vol:piet"), try daemon.balance("org:zorgkring")
        )

        // The first 1,200 lines, then the whole file: the second run sends only the 1,300 new ones.
        try write(daemon, "part.csv", csv(1...1200))
        let part = try await importing(daemon, "part.csv")
        #expect(part.status == 0, "\(part.stderr)")
        #expect(part.stdout.hasSuffix("1200 lines written in 2 credits entries\n"), "\(part.stdout)")
        #expect(try await daemon.status().entries == before + 2)
        try write(daemon, "month.csv", csv(1...Self.lines))
        let month = try await importing(daemon, "month.csv", "--json")
        #expect(month.status == 0, "\(month.stdout)\(month.stderr)")
        struct Summary: Decodable { var lines, written, alreadyImported, entries: Int }
        let summary = try RPCCoding.decoder().decode(Summary.self, from: Data(month.stdout.utf8))
        #expect(summary.lines == 2500 && summary.written == 1300 && summary.alreadyImported == 1200)
        #expect(summary.entries == 2)
        #expect(try await daemon.status().entries == before + 4)
        let again = try await importing(daemon, "month.csv")
        #expect(again.stdout == "nothing new: all 2500 lines were imported before\n", "\(again.stdout)\(again.stderr)")
        #expect(try await daemon.status().entries == before + 4)
        // 0.25 hours at 10.00 is 2.50 a line.
        #expect(try daemon.balance("vol:jan-peeters") == jan + 1250 * 250)
        #expect(try daemon.balance("vol:piet") == piet + 1250 * 250)
        #expect(try daemon.balance("org:zorgkring") == org - 2500 * 250)

        // One credit of a batch, named by its credit id, is reversed on its own and only once.
        let creditID = "imp-" + Hex.encode(SHA256.hash("org:zorgkring\nexternal:M-7").bytes.prefix(16))
        let undone = try daemon.ok("reverse", creditID, "--reason", "dubbel", "--key", "coord.key")
        #expect(undone.contains("(\(creditID)) reversed"), "\(undone)")
        #expect(try daemon.balance("vol:piet") == piet + 1249 * 250)
        let twice = try daemon.noaber("reverse", creditID, "--reason", "again", "--key", "coord.key")
        #expect(twice.status != 0 && twice.stderr.contains("was already reversed"), "\(twice.stderr)")
        // A new entry cannot take a credit's id.
        let taken = try daemon.noaber(
            "transfer", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "1.00", "--key", "jan.key", "--id",
            creditID)
        #expect(taken.status != 0 && taken.stderr.contains("is already used by a credit of entry"), "\(taken.stderr)")

        // The credit's proof is its batch entry's; it checks offline.
        let key = try #require(
            try daemon.ok("status").split(separator: "\n").first { $0.hasPrefix("log key") }.map {
                String($0.dropFirst("log key".count)).trimmingCharacters(in: .whitespaces)
            })
        try daemon.ok("proof", creditID, "--out", "credit.tlog-proof", "--log-key", key)
        let proved = try daemon.noaber("verify-proof", "credit.tlog-proof", "--log-key", key)
        #expect(proved.status == 0 && proved.stdout.contains("credits"), "\(proved.stdout)\(proved.stderr)")

        // The exports show the credit as a transaction of its own, under its credit id.
        func file(_ name: String) throws -> String {
            try String(contentsOfFile: daemon.directory.appendingPathComponent(name).path, encoding: .utf8)
        }
        try daemon.ok("export", "--format", "csv", "--out", "ledger.csv")
        let exported = try file("ledger.csv")
        #expect(
            exported.split(whereSeparator: \.isNewline).filter { $0.contains(creditID) }.count == 4,
            "its two postings, and the two of its reversal: \(exported.prefix(600))")
        for format in ["hledger", "beancount"] {
            try daemon.ok("export", "--format", format, "--out", "ledger.\(format)")
            #expect(try file("ledger.\(format)").contains(creditID), "\(format) names the credit")
        }
        try daemon.ok("statement", "vol:piet", "--format", "csv", "--from", "2026-10-01", "--out", "piet.csv")
        let pietCSV = try file("piet.csv")
        let lines = pietCSV.split(whereSeparator: \.isNewline).filter {
            $0.contains(",credit,") || $0.contains(",reversal,")
        }
        #expect(lines.count == 1250 + 1, "a line per credit, and the reversal: \(pietCSV.prefix(600))")
        // The ledger verifies online and from an export.
        let online = try daemon.noaber("verify")
        #expect(online.status == 0, "\(online.stdout)\(online.stderr)")
        try daemon.ok("export", "--format", "jsonl", "--out", "ledger.jsonl")
        let offline = try daemon.noaber("verify", "--file", "ledger.jsonl")
        #expect(offline.status == 0, "\(offline.stdout)\(offline.stderr)")
    }

    @Test func aBatchTheDaemonRefusesNamesTheLineAndARerunFinishesTheJob() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok("account", "update", "org:zorgkring", "--key", "coord.key", "--min-balance", "-45.00")
        // Four lines of 1 hour (10.00) in batches of 2, from -25.00: the first line of the batch
        // written second passes -45.00.
        try write(
            daemon, "month.csv",
            "account,date,hours,external_id\n"
                + (1...4).map { "vol:piet,2026-11-0\($0),1,L\($0)" }.joined(separator: "\n")
                + "\n")
        let before = try await daemon.status().entries
        let refused = try await importing(daemon, "month.csv", "--batch-size", "2")
        #expect(refused.status != 0)
        // The connections send batches side by side, so either may be the one to pass -45.00.
        #expect(
            refused.stderr.contains("the batch of lines 4–5 was refused at line 4")
                || refused.stderr.contains("the batch of lines 2–3 was refused at line 2"), "\(refused.stderr)")
        #expect(refused.stderr.contains("credits[0]"), "\(refused.stderr)")
        #expect(try await daemon.status().entries == before + 1, "the first batch only")
        try daemon.ok("account", "update", "org:zorgkring", "--key", "coord.key", "--min-balance", "-100.00")
        let rerun = try await importing(daemon, "month.csv", "--batch-size", "2")
        #expect(
            rerun.stdout.hasSuffix("2 lines written in 1 credits entry, 2 imported before\n"),
            "\(rerun.stdout)\(rerun.stderr)")
        #expect(try daemon.noaber("verify").status == 0)
    }

    /// The independent scripts (docs/examples) check batches from FORMAT.md §17 alone, and find a
    /// changed credit and a forged batch_credits row.
    @Test(.enabled(if: AuditScriptTests.tools, "python3 or openssl is missing; scripts/setup.sh installs them"))
    func theAuditScriptsCheckBatchesAndCatchTampering() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try write(daemon, "month.csv", csv(1...30))
        #expect(try await importing(daemon, "month.csv", "--batch-size", "20").status == 0)
        let creditID = "imp-" + Hex.encode(SHA256.hash("org:zorgkring\nexternal:M-3").bytes.prefix(16))
        try daemon.ok("reverse", creditID, "--reason", "dubbel", "--key", "coord.key")
        func sqliteAudit() async throws -> CommandResult {
            try await runProcessOffloaded(
                URL(fileURLWithPath: "/usr/bin/python3"),
                [AuditScriptTests.script, daemon.dataDirectory + "/noaber.sqlite"], in: daemon.directory)
        }
        let good = try await sqliteAudit()
        #expect(good.status == 0 && good.stdout.contains("OK: 15 entries"), "\(good.stdout)\(good.stderr)")
        let logKey = try #require(try await daemon.status().logKey)
        try daemon.ok("export", "--format", "jsonl", "--out", "ledger.jsonl")
        let export = try await runProcessOffloaded(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [
                AuditScriptTests.examples.appendingPathComponent("audit_export.py").path, "ledger.jsonl", "--log-key",
                logKey,
            ], in: daemon.directory)
        #expect(export.status == 0, "\(export.stdout)\(export.stderr)")

        // A credit's row pointed at another place (in the recent credits' table, where a ledger
        // of fewer credits than the writer moves at once keeps them), then a credit's amount
        // changed: each fails.
        let db = try Connection(path: Database(directory: daemon.dataDirectory).path)
        try db.execute("UPDATE batch_credits_recent SET idx = 70 WHERE idx = 5 AND seq = 13")
        #expect(db.changes == 1)
        let forged = try await sqliteAudit()
        #expect(forged.status == 2 && forged.stdout.contains("batch_credits row"), "\(forged.stdout)")
        #expect(throws: VerificationFailure.self) { _ = try LedgerStore.verify(db) }
        let verifyForged = try daemon.noaber("verify")
        #expect(
            verifyForged.status == 2 && verifyForged.stdout.contains("batch_credits: the row of credit"),
            "\(verifyForged.stdout)\(verifyForged.stderr)")
        try db.execute("UPDATE batch_credits_recent SET idx = 5 WHERE idx = 70 AND seq = 13")
        try db.execute("DROP TRIGGER postings_append_only_update")
        try db.execute("UPDATE postings SET amount = 999 WHERE seq = 13 AND idx = 3")
        let changed = try await sqliteAudit()
        #expect(changed.status == 2 && changed.stdout.contains("FAIL entry 13"), "\(changed.stdout)")
        #expect(try daemon.noaber("verify").status == 2, "noaber verify agrees")
    }

    /// A batch pays many volunteers; a volunteer's key reads the batch entry with its own credits'
    /// memos only, the coordinator's with all of them.
    @Test func aVolunteerReadsOnlyItsOwnCreditsMemosInABatch() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try write(daemon, "month.csv", csv(1...4))
        #expect(try await importing(daemon, "month.csv").status == 0)
        let ledgerID = try #require(try await daemon.status().ledgerId)
        let creditID = "imp-" + Hex.encode(SHA256.hash("org:zorgkring\nexternal:M-2").bytes.prefix(16))
        func paths(_ keyFile: String) async throws -> [String] {
            let key = try daemon.privateKey(keyFile)
            let line = try RPCCoding.requestLine(
                id: .number(1), method: Method.entryGet.rawValue, params: EntryGetParams(id: creditID)
            ) { method, bytes in
                try ReadAuthorization.sign(
                    method: method, params: bytes, ledgerID: ledgerID, timestamp: Timestamp.now().rfc3339, with: key)
            }
            return try await RPCClient.withConnection(socketPath: daemon.socket) { client in
                try await client.send(line, as: EntryInfo.self).personal?.map(\.path) ?? []
            }
        }
        // Lines 1 to 4 pay Piet, Jan, Piet, Jan; the batch takes them by account: Jan's lines 2
        // and 4 are credits 0 and 1, Piet's lines 1 and 3 credits 2 and 3.
        #expect(try await paths("jan.key") == ["credits[0].memo", "credits[1].memo"])
        #expect(try await paths("piet.key") == ["credits[2].memo", "credits[3].memo"])
        #expect(try await paths("coord.key").count == 4)
    }
}
