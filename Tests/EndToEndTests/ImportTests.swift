import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// `noaber import` against a real daemon (issue #4): a month of hours, checked in full, written in
/// all-or-nothing batches, and idempotent.
@Suite("Bulk import against a real daemon")
struct ImportTests {
    func write(_ daemon: DaemonProcess, _ name: String, _ text: String) throws {
        try text.write(toFile: daemon.directory.appendingPathComponent(name).path, atomically: true, encoding: .utf8)
    }

    func importing(_ daemon: DaemonProcess, _ file: String, _ extra: String...) async throws -> CommandResult {
        let arguments = ["import", file, "--issuer", "org:zorgkring", "--key", "coord.key"] + extra
        return try await runProcessOffloaded(
            DaemonProcess.binaries.appendingPathComponent("noaber"), arguments, in: daemon.directory,
            environment: .inherited(adding: ["NOABER_SOCKET": daemon.socket]))
    }

    @Test func fiftyThousandLinesTwiceAndTheSecondRunAddsNothing() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok("category", "set", "boodschappen", "--rate", "10.00", "--key", "admin.key")
        var csv = "account,date,hours,category,memo,external_id\n"
        for i in 0..<50_000 {
            let who = i % 2 == 0 ? "vol:jan-peeters" : "vol:piet"
            csv +=
                "\(who),2026-10-\(String(format: "%02d", i % 30 + 1)),0.01,\(i % 3 == 0 ? "boodschappen" : ""),\"visit \(i), with care\",N-\(i)\n"
        }
        try write(daemon, "month.csv", csv)
        let before = try await daemon.status().entries
        let first = try await importing(daemon, "month.csv", "--json")
        #expect(first.status == 0, "\(first.stderr)")
        struct Summary: Decodable {
            var lines, volunteers, written, alreadyImported: Int
            var hours, amount: String
        }
        let summary = try RPCCoding.decoder().decode(Summary.self, from: Data(first.stdout.utf8))
        #expect(
            summary.lines == 50_000 && summary.volunteers == 2 && summary.written == 50_000
                && summary.alreadyImported == 0)
        #expect(summary.hours == "500.00" && summary.amount == "5000.00 ZMT")
        // A version 2 ledger takes the lines as credits entries of 1,000 (docs/FORMAT.md §17).
        #expect(try await daemon.status().entries == before + 50)

        let second = try await importing(daemon, "month.csv")
        #expect(
            second.status == 0 && second.stdout == "nothing new: all 50000 lines were imported before\n",
            "\(second.stdout)\(second.stderr)")
        #expect(try await daemon.status().entries == before + 50)
        #expect(try daemon.balance("org:zorgkring") == -2500 - 500_000)
        #expect(try daemon.noaber("verify").status == 0)
    }

    @Test func everyBadFileIsRefusedWholeWithItsLines() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let before = try await daemon.status().entries
        let cases: [(String, String, String)] = [
            ("columns.csv", "volunteer,date,hours\nvol:piet,2026-11-01,1\n", "unknown column \"volunteer\""),
            ("empty.csv", "", "is empty"),
            ("header.csv", "account,date,hours\n", "no lines to import"),
            (
                "dup.csv", "account,date,hours,external_id\nvol:piet,2026-11-01,1,X\nvol:piet,2026-11-02,1,X\n",
                "line 3: external_id X is also on line 2"
            ),
            (
                "values.csv",
                "account,date,hours,amount,category\nvol:piet,2026-11-01,0,,\nvol:piet,2026-11-01,1.234,,\nvol:piet,2026-11-01,1,5,\nvol:piet,2026-11-01,,5,boodschappen\n",
                "4 of 4 lines are not valid"
            ),
            (
                "ledger.csv",
                "account,date,hours,category\nvol:nobody,2026-11-01,1,\nshop:bakker,2026-11-01,1,\nvol:piet,2026-11-01,1,tuin\n",
                "3 of 3 lines are not valid"
            ),
            (
                "quote.csv", "account,date,hours,memo\nvol:piet,2026-11-01,1,\"not closed\n",
                "a quoted field is not closed"
            ),
        ]
        for (name, text, message) in cases {
            try write(daemon, name, text)
            let result = try await importing(daemon, name)
            #expect(result.status != 0 && result.stderr.contains(message), "\(name): \(result.stderr)")
        }
        let values = try await importing(daemon, "values.csv")
        for line in [
            "line 2: invalid", "line 3: invalid hours", "line 4: give hours or an amount, not both",
            "line 5: a category goes with hours",
        ] {
            #expect(values.stderr.contains(line), "\(values.stderr)")
        }
        // Bytes that are not UTF-8, and a file one byte past the limit of 128 MiB.
        let latin1 = Data("account,date,hours,memo\nvol:piet,2026-11-01,1,caf".utf8) + Data([0xE9]) + Data("\n".utf8)
        try latin1.write(to: daemon.directory.appendingPathComponent("latin1.csv"))
        let notUTF8 = try await importing(daemon, "latin1.csv")
        #expect(notUTF8.status != 0 && notUTF8.stderr.contains("is not UTF-8 text (line 2"), "\(notUTF8.stderr)")
        let big = daemon.directory.appendingPathComponent("big.csv")
        _ = FileManager.default.createFile(atPath: big.path, contents: nil)
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: (128 << 20) + 1)
        try handle.close()
        let tooBig = try await importing(daemon, "big.csv")
        #expect(tooBig.status != 0 && tooBig.stderr.contains("an import file is at most"), "\(tooBig.stderr)")
        #expect(try await daemon.status().entries == before, "nothing was written for any of them")
    }

    @Test func aBatchTheRulesRefuseIsWrittenNotAtAllAndARerunFinishesTheJob() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        // Format 1 sends each line as its own entry; CreditBatchTests has format 2's batches.
        _ = try WalkthroughLedger(on: daemon, entryVersion: 1)
        try daemon.ok("account", "update", "org:zorgkring", "--key", "coord.key", "--min-balance", "-45.00")
        // Four lines of 1 hour (10.00) in batches of 2, from -25.00: the second batch would take the issuer past -45.00.
        let csv =
            "account,date,hours,external_id\n"
            + (1...4).map { "vol:piet,2026-11-0\($0),1,L\($0)" }.joined(separator: "\n") + "\n"
        try write(daemon, "month.csv", csv)
        let before = try await daemon.status().entries
        let refused = try await importing(daemon, "month.csv", "--batch-size", "2")
        #expect(refused.status != 0, "\(refused.stdout)")
        #expect(
            refused.stderr.contains("the batch of lines 4–5 was refused, nothing of it was written"),
            "\(refused.stderr)")
        #expect(refused.stderr.contains("org:zorgkring would go to"), "\(refused.stderr)")
        #expect(try await daemon.status().entries == before + 2, "the first batch only")

        try daemon.ok("account", "update", "org:zorgkring", "--key", "coord.key", "--min-balance", "-100.00")
        let rerun = try await importing(daemon, "month.csv", "--batch-size", "2")
        #expect(
            rerun.status == 0 && rerun.stdout.contains("2 entries written, 2 imported before"),
            "\(rerun.stdout)\(rerun.stderr)")
        #expect(try daemon.balance("vol:piet") == 500 + 4000)
    }
}
