import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

/// `noaber export` through the real binaries, against a real daemon.
@Suite("noaber export against a real daemon")
struct ExportTests {
    static let hledger = onPath("hledger")
    static let beanCheck = onPath("bean-check")
    static let script = onPath("script")

    @Test func jsonlIsTheWholeChainAndVerifiesOffline() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        // The chain alone: the personal part (ErasureTests) would follow the entries.
        let result = try daemon.noaber(
            "export", "--format", "jsonl", "--without-personal-data", "--out", "ledger.jsonl")
        #expect(result.status == 0, "\(result.stderr)")
        let path = daemon.directory.appendingPathComponent("ledger.jsonl").path
        #expect(result.stderr == "exported 12 entries (6 postings) to ledger.jsonl\n")
        #expect(result.stdout.isEmpty)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o644)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = try RPCCoding.decoder().decode(ExportHeaderLine.self, from: Data(lines[0].utf8))
        #expect(header.format == "noaber-export" && header.version == 1)
        #expect(lines.count == Int(header.state.headSeq) + 1)
        #expect(header.state.headSeq == WalkthroughLedger.entries)
        // What an auditor does with the file alone: replay every entry and compare with the stored state.
        var verifier = Verifier()
        for line in lines.dropFirst() {
            try verifier.check(try RPCCoding.decoder().decode(EntryInfo.self, from: Data(line.utf8)).storedEntry())
        }
        try verifier.finish(stored: try header.state.ledgerState(), rows: header.state.rows)
        #expect(verifier.headHash.hex == (try await daemon.status()).headHash)

        let stdout = try daemon.noaber("export", "--format", "jsonl", "--without-personal-data")
        #expect(stdout.status == 0)
        #expect(stdout.stdout.split(separator: "\n").dropFirst() == lines.dropFirst(), "stdout holds the same entries")
        #expect(stdout.stderr == "exported 12 entries (6 postings) to standard output\n")
    }

    @Test func csvHasOneRowPerPosting() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let csv = try daemon.noaber("export", "--format", "csv")
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stderr == "exported 3 entries (6 postings) to standard output\n")
        let rows = csv.stdout.components(separatedBy: "\r\n")
        #expect(rows.count == 8 && rows.last == "", "a header, six rows, each ending in CRLF")
        #expect(
            rows[0]
                == "seq,entry_id,committed_at,purpose,account,amount,currency,hours,memo,category,hour_rate,reverses,reason,care_date,claim,period"
        )
        #expect(
            rows[1].hasPrefix("10,")
                && rows[1].hasSuffix(",credit,org:zorgkring,-25.00,ZMT,2.5,boodschappen,,10.00,,,,,"))
        #expect(rows[6].hasSuffix(",redeem,shop:bakker,7.50,ZMT,,brood,,,,,,,"))

        let piet = try daemon.noaber("export", "--format", "csv", "--account", "vol:piet")
        #expect(piet.stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.count == 1)
        #expect(piet.stderr == "exported 1 entry (1 posting) to standard output\n")
    }

    /// A category credit and a reversal made with the CLI reach every view, and the tools read them.
    @Test func viewsCarryTheCategoryRateAndReversalTheCLIWrote() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let redeem = try #require(try daemon.json(HistoryOutput.self, "history", "shop:bakker").lines.first?.entryId)
        try daemon.ok(
            "category", "set", "boodschappen", "--rate", "12.00", "--name", "Boodschappen", "--key", "admin.key")
        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--hours", "1.5",
            "--category", "boodschappen",
            "--care-date", "2026-11-20")
        try daemon.ok("reverse", redeem, "--reason", "brood terug, niet vers", "--key", "coord.key")

        let rows = try daemon.ok("export", "--format", "csv").components(separatedBy: "\r\n")
        #expect(
            rows.contains { $0.hasSuffix(",credit,vol:piet,18.00,ZMT,1.5,,boodschappen,12.00,,,2026-11-20,,") },
            "\(rows)")
        #expect(
            rows.contains {
                $0.hasSuffix(",reversal,shop:bakker,-7.50,ZMT,,,,,\(redeem),\"brood terug, niet vers\",,,")
            }, "\(rows)")

        if let hledger = Self.hledger {
            try daemon.ok("export", "--format", "hledger", "--out", "books.journal")
            let tags = try runProcess(
                URL(fileURLWithPath: hledger), ["-f", "books.journal", "tags", "--values", "--strict"],
                in: daemon.directory,
                environment: .inherited(adding: ["LANG": "C.UTF-8"]))
            #expect(tags.status == 0, "\(tags.stderr)")
            let values = Set(tags.stdout.split(separator: "\n").map(String.init))
            #expect(
                values.isSuperset(of: ["boodschappen", "12.00", "2026-11-20", redeem, "brood terug; niet vers"]),
                "\(values)")
        }
        if let beanCheck = Self.beanCheck {
            try daemon.ok("export", "--format", "beancount", "--out", "books.beancount")
            let check = try runProcess(URL(fileURLWithPath: beanCheck), ["books.beancount"], in: daemon.directory)
            #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")
            let text = try String(
                contentsOfFile: daemon.directory.appendingPathComponent("books.beancount").path, encoding: .utf8)
            #expect(text.contains("  reverses: \"\(redeem)\"\n  reason: \"brood terug, niet vers\"\n"))
            #expect(text.contains("  hours: \"1.5\"\n  category: \"boodschappen\"\n  hour_rate: \"12.00\"\n"))
        }
    }

    @Test(.enabled(if: hledger != nil, "hledger is not on PATH"))
    func hledgerBalancesEqualTheAccountList() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok("export", "--format", "hledger", "--out", "books.journal")
        let noaber = try daemon.json(AccountList.self, "account", "list")
        let hledger = try hledgerBalances(daemon, "books.journal")
        #expect(noaber.accounts.count == 4)
        for account in noaber.accounts { #expect(hledger[account.account] == account.balance, "\(account.account)") }
        #expect(Set(hledger.keys) == Set(noaber.accounts.map(\.account)))

        // From a day after every entry: nothing but the opening balances, which still add up.
        try daemon.ok("export", "--format", "hledger", "--from", "2999-01-01", "--out", "later.journal")
        let later = try hledgerBalances(daemon, "later.journal")
        for account in noaber.accounts { #expect(later[account.account] == account.balance, "\(account.account)") }
        print(
            "hledger balance of the walkthrough's export equals noaber account list: \(hledger.sorted { $0.key < $1.key })"
        )
    }

    @Test(.enabled(if: beanCheck != nil, "bean-check is not on PATH"))
    func beancountExportPassesBeanCheck() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok("export", "--format", "beancount", "--out", "books.beancount")
        let check = try runProcess(URL(fileURLWithPath: Self.beanCheck!), ["books.beancount"], in: daemon.directory)
        #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")
    }

    @Test func badFlagsFailClearlyAndWriteNothing() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let out = daemon.directory.appendingPathComponent("out.txt").path
        try Data("an earlier export\n".utf8).write(to: URL(fileURLWithPath: out))
        let cases: [([String], String)] = [
            (["--format", "jsonl", "--from", "2026-11-01"], "do not apply to --format jsonl"),
            (["--format", "jsonl", "--account", "vol:piet"], "do not apply to --format jsonl"),
            (
                ["--format", "csv", "--from", "2026-02-30"],
                "--from \"2026-02-30\" is not a date; write it as YYYY-MM-DD"
            ),
            (["--format", "csv", "--to", "23-11-2026"], "--to \"23-11-2026\" is not a date"),
            (["--format", "hledger", "--from", "2026-11-02", "--to", "2026-11-01"], "is later than --to 2026-11-01"),
            (["--format", "csv", "--account", "Vol:Piet"], "is not an account id"),
            (
                ["--format", "beancount", "--account", "vol:nobody"],
                "--account vol:nobody: the ledger has no such account"
            ),
            (["--format", "xlsx"], "'xlsx' is invalid for '--format <format>'"),
            (["--from", "2026-11-01"], "Missing expected argument '--format <format>'"),
            (
                ["--format", "jsonl", "--ledger", String(repeating: "0", count: 32)],
                "not ledger 00000000000000000000000000000000"
            ),
        ]
        for (arguments, message) in cases {
            let result = try daemon.noaber(arguments: ["export", "--out", out] + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(
                result.stderr.hasPrefix("Error: ") && result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(
                try String(contentsOfFile: out, encoding: .utf8) == "an earlier export\n",
                "\(arguments) left --out alone")
            #expect(!FileManager.default.fileExists(atPath: out + ".tmp"))
        }
        let empty = try daemon.noaber("export", "--format", "csv", "--out", "")
        #expect(empty.status != 0 && empty.stderr.contains("--out must not be empty"))
    }

    @Test func beancountRefusesCollidingNamesBeforeWritingAnything() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let books = try WalkthroughLedger(on: daemon)
        try daemon.ok(
            "account", "open", "vol:jan_peeters", "--key", "coord.key", "--kind", "member", "--name", "Jan (2)",
            "--controller", books.jan)
        for arguments in [["--out", "books.beancount"], []] {
            let result = try daemon.noaber(arguments: ["export", "--format", "beancount"] + arguments)
            #expect(result.status != 0)
            #expect(
                result.stderr
                    == "Error: accounts vol:jan-peeters and vol:jan_peeters would both be Assets:Vol:Jan-peeters in beancount, which allows only A-Z a-z 0-9 and '-' in a name part\n"
            )
            #expect(result.stdout.isEmpty, "not even standard output gets a line")
        }
        #expect(
            !FileManager.default.fileExists(atPath: daemon.directory.appendingPathComponent("books.beancount").path))
        #expect(
            !FileManager.default.fileExists(atPath: daemon.directory.appendingPathComponent("books.beancount.tmp").path)
        )
        #expect(try daemon.noaber("export", "--format", "hledger").status == 0, "hledger takes the ids as they are")
    }

    @Test func pagesThroughMoreThanOnePageAndStopsAtTo() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon, entryVersion: 1)
        let credits = 2_600
        try await submitCredits(daemon, count: credits)
        let head = WalkthroughLedger.entries + Int64(credits)

        let jsonl = try daemon.noaber("export", "--format", "jsonl", "--out", "all.jsonl")
        #expect(jsonl.stderr == "exported \(head) entries (\(6 + 2 * credits) postings) to all.jsonl\n")
        let lines = try String(
            contentsOfFile: daemon.directory.appendingPathComponent("all.jsonl").path, encoding: .utf8
        ).split(separator: "\n")
        #expect(lines.count == Int(head) + 1)
        let seqs = try lines.dropFirst().map { try RPCCoding.decoder().decode(EntryInfo.self, from: Data($0.utf8)).seq }
        #expect(seqs == Array(1...head))

        let csv = try daemon.noaber("export", "--format", "csv")
        #expect(csv.stderr == "exported \(3 + credits) entries (\(6 + 2 * credits) postings) to standard output\n")
        let before = try daemon.noaber("export", "--format", "csv", "--to", "2000-01-01")
        #expect(
            before.stdout
                == "seq,entry_id,committed_at,purpose,account,amount,currency,hours,memo,category,hour_rate,reverses,reason,care_date,claim,period\r\n"
        )
        #expect(before.stderr == "exported 0 entries (0 postings) to standard output\n")
    }

    @Test(.enabled(if: script != nil, "script (util-linux) is not on PATH, so no terminal can be given to the CLI"))
    func drawsProgressOnlyOnATerminal() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let noaber = DaemonProcess.binaries.appendingPathComponent("noaber").path
        // script(1) runs the command on a pseudo-terminal, which is what isatty(2) asks about.
        let tty = try runProcess(
            URL(fileURLWithPath: Self.script!), ["-qec", "\(noaber) export --format csv --out tty.csv", "/dev/null"],
            in: daemon.directory,
            environment: .inherited(adding: ["NOABER_SOCKET": daemon.socket, "NOABER_KEY": "admin.key"]))
        #expect(tty.status == 0, "\(tty.stdout)")
        let bar = "exporting  12/12 entries  [####################]  100%"
        #expect(tty.stdout.contains("\r" + bar), "\(tty.stdout.debugDescription)")
        let erased = "\r" + String(repeating: " ", count: bar.count) + "\rexported 3 entries (6 postings) to tty.csv"
        #expect(tty.stdout.contains(erased), "the bar is erased before the summary")
        let pipe = try daemon.noaber("export", "--format", "csv", "--out", "pipe.csv")
        #expect(pipe.stderr == "exported 3 entries (6 postings) to pipe.csv\n", "no bar into a pipe")
    }

    /// Credits 0.01 from the issuer to Piet `count` times, from eight connections at once.
    private func submitCredits(_ daemon: DaemonProcess, count: Int) async throws {
        let coordinator = try daemon.privateKey("coord.key")
        let ledger = try #require(try await daemon.status().ledgerId)
        let body = Payload.Body.transaction(
            Transaction(
                purpose: .credit,
                postings: [
                    Posting(account: try AccountID("org:zorgkring"), amount: -1),
                    Posting(account: try AccountID("vol:piet"), amount: 1),
                ]))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    try await RPCClient.withConnection(socketPath: daemon.socket) { client in
                        for index in stride(from: worker, to: count, by: 8) {
                            let signed = try SignedEntry.sign(
                                Payload(ledger: ledger, id: "bulk-\(index)", body: body), with: coordinator)
                            _ = try await client.call(.submit, SubmitParams(signed), as: SubmitResult.self)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// `hledger balance` of a journal in the daemon's folder, by account, in minor units at scale 2.
    private func hledgerBalances(_ daemon: DaemonProcess, _ file: String) throws -> [String: Int64] {
        let result = try runProcess(
            URL(fileURLWithPath: Self.hledger!),
            ["-f", file, "balance", "--flat", "--no-total", "--strict", "-O", "csv"],
            in: daemon.directory, environment: .inherited(adding: ["LANG": "C.UTF-8"]))
        guard result.status == 0 else { throw CLIFailure(message: "hledger failed: \(result.stderr)") }
        var balances: [String: Int64] = [:]
        for line in result.stdout.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.dropFirst().dropLast().components(separatedBy: "\",\"")
            let number = String(fields[1].split(separator: " ").first ?? "")
            balances[fields[0]] = try Money.parse(number, scale: 2, allowNegative: true)
        }
        return balances
    }
}

/// The jsonl header as an auditor's script reads it, without NoaberAudit.
struct ExportHeaderLine: Decodable {
    var format: String
    var version: Int
    var exportedAt: String
    var state: StateResult
}
