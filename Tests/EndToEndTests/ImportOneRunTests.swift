import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// `noaber import` as a coordinator meets it (issue #12): the file's form and the ledger's rules
/// in one run, a file as Dutch Excel saves it, and a second run that says only that it is one.
@Suite("Import: one pass, semicolons, reruns")
struct ImportOnePassEndToEndTests {
    func importing(
        _ daemon: DaemonProcess, _ name: String, _ text: String, key: String = "coord.key", _ extra: String...
    ) async throws -> CommandResult {
        try Data(text.utf8).write(to: daemon.directory.appendingPathComponent(name))
        let arguments = ["import", name, "--issuer", "org:zorgkring", "--key", key] + extra
        return try await runProcessOffloaded(
            DaemonProcess.binaries.appendingPathComponent("noaber"), arguments, in: daemon.directory,
            environment: .inherited(adding: ["NOABER_SOCKET": daemon.socket]))
    }

    @Test func threeFormErrorsAndThreeLedgerErrorsInOneRunAndNothingWritten() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let before = try await daemon.status().entries
        let csv = """
            account,date,hours,category,external_id
            vol:piet,2026-11-03,1,,N-1
            vol:piet,2026-11-31,1,,N-2
            vol:nobody,2026-11-04,1,,N-3
            vol:piet,2026-11-05,1.234,,N-4
            shop:bakker,2026-11-06,1,,N-5
            vol:piet,2026-11-07,1,,N-5
            vol:piet,2026-11-08,1,tuin,N-7
            vol:jan-peeters,2026-11-09,2,,N-8

            """
        let result = try await importing(daemon, "november.csv", csv)
        #expect(result.status == 1, "\(result.stdout)")
        let expected = [
            "november.csv: line 3: the date must be YYYY-MM-DD, not \"2026-11-31\"",
            "november.csv: line 4: account vol:nobody does not exist",
            "november.csv: line 5: invalid hours: \"1.234\"",
            "november.csv: line 6: a credit may only pay to member accounts; shop:bakker is a merchant",
            "november.csv: line 7: external_id N-5 is also on line 6",
            "november.csv: line 8: category tuin does not exist",
            "Error: 6 of 8 lines are not valid; nothing was written",
        ]
        let stderr = result.stderr.split(separator: "\n").map(String.init)
        #expect(stderr.count == expected.count, "\(result.stderr)")
        for (line, start) in zip(stderr, expected) { #expect(line.hasPrefix(start), "\(line)") }
        #expect(try await daemon.status().entries == before, "nothing was written")

        // A key that may read the ledger but does not control the issuer is told so with the lines.
        let admin = try await importing(daemon, "november.csv", csv, key: "admin.key")
        #expect(
            admin.stderr.hasPrefix(
                "november.csv: --issuer org:zorgkring cannot pay these credits: not authorised: key "),
            "\(admin.stderr)")
        #expect(admin.stderr.contains("Error: 6 of 8 lines are not valid; nothing was written"))
        // A volunteer's key may not read the whole ledger it would be checked against.
        let member = try await importing(daemon, "november.csv", csv, key: "jan.key")
        #expect(member.stderr.contains("jan.key may not read the whole ledger"), "\(member.stderr)")
        #expect(try await daemon.status().entries == before)
    }

    @Test func aFileAsDutchExcelSavesItImportsAndASecondRunSaysOnlyThat() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok("category", "set", "boodschappen", "--rate", "12.00", "--key", "admin.key")
        // A byte-order mark, semicolons, CRLF, decimal commas, and a memo with a comma in it.
        let csv =
            "\u{FEFF}account;date;hours;category;memo\r\n"
            + "vol:piet;2026-11-03;2,5;boodschappen;boodschappen, apotheek\r\n"
            + "vol:jan-peeters;2026-11-04;1,25;;\r\n"
        let piet = try daemon.balance("vol:piet")
        let first = try await importing(daemon, "november.csv", csv)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stdout.hasPrefix(
                "imported november.csv (read as semicolon-separated): 2 lines, 2 volunteers, 3.75 hours, 42.50 ZMT\n"),
            "\(first.stdout)")
        #expect(first.stdout.hasSuffix("2 lines written in 1 credits entry\n"), "\(first.stdout)")
        #expect(try daemon.balance("vol:piet") == piet + 3000)

        let second = try await importing(daemon, "november.csv", csv)
        #expect(second.status == 0 && second.stdout == "nothing new: all 2 lines were imported before\n")
        #expect(second.stderr.isEmpty, "\(second.stderr)")

        // One line, one volunteer: said so.
        let one = try await importing(daemon, "one.csv", "account,date,hours\nvol:piet,2026-11-05,1\n")
        #expect(
            one.stdout
                == "imported one.csv: 1 line, 1 volunteer, 1.00 hours, 10.00 ZMT\n  (ledger rate): 10.00 ZMT\n1 line written in 1 credits entry\n",
            "\(one.stdout)")
        let again = try await importing(daemon, "one.csv", "account,date,hours\nvol:piet,2026-11-05,1\n")
        #expect(again.stdout == "nothing new: its 1 line was imported before\n")
    }
}
