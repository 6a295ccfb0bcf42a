import Foundation
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

@Suite("The README walkthrough against a real daemon")
struct WalkthroughTests {
    @Test func walkthroughGivesTheExpectedBooksAndVerifies() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)

        #expect(try daemon.balance("org:zorgkring") == -2500)
        #expect(try daemon.balance("vol:jan-peeters") == 1250)
        #expect(try daemon.balance("vol:piet") == 500)
        #expect(try daemon.balance("shop:bakker") == 750)
        let jan = try daemon.json(BalanceOutput.self, "balance", "vol:jan-peeters")
        #expect(jan.balance == "12.50")

        let history = try daemon.ok("history", "vol:jan-peeters")
        let lines = history.split(separator: "\n")
        #expect(lines.count == 4, "a header and three entries:\n\(history)")
        #expect(lines[1].contains("redeem") && lines[1].contains("-7.50") && lines[1].contains("12.50"))
        #expect(lines[3].contains("credit") && lines[3].contains("2.5") && lines[3].contains("25.00"))

        let verify = try daemon.noaber("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(
            verify.stdout.contains("OK: 12 entries, 4 accounts, 6 keys"), "the 5 signing keys and the daemon's log key")
        #expect(verify.stdout.contains("checkpoint (latest): 12 entries, root matches, signed by noaber/"))

        let status = try await daemon.status()
        #expect(status.entries == WalkthroughLedger.entries)
        #expect(status.name == "Zorgkring Noord")
        let printed = try daemon.ok("status")
        #expect(printed.contains(status.headHash) && printed.contains("entries    12"))
    }

    @Test func creditRecordsHoursAndRate() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let history = try daemon.json(HistoryJSON.self, "history", "vol:jan-peeters", "--limit", "1")
        #expect(history.lines.count == 1)
        let receipt = try daemon.json(
            SubmitResult.self, "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--hours",
            "0.25")
        let entry = try await daemon.withAdminReads {
            try await $0.call(.entryGet, EntryGetParams(id: receipt.id), as: EntryInfo.self)
        }
        let payload = String(decoding: Data(base64Encoded: entry.payload)!, as: UTF8.self)
        #expect(payload.contains("\"hours\":\"0.25\"") && payload.contains("\"hour_rate\":1000"))
        #expect(try daemon.balance("vol:piet") == 500 + 250)
    }

    @Test func resubmittingTheSameEntryCommitsItOnce() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let args = [
            "transfer", "--key", "piet.key", "--from", "vol:piet", "--to", "vol:jan-peeters", "--amount", "1.00",
            "--id", "gift-1",
        ]
        let first = try daemon.noaber(arguments: args)
        let second = try daemon.noaber(arguments: args)
        #expect(first.status == 0 && second.status == 0)
        #expect(second.stdout.contains("already committed earlier"))
        #expect(try daemon.balance("vol:piet") == 400)
        #expect(try await daemon.status().entries == WalkthroughLedger.entries + 1)

        let conflict = try daemon.noaber(arguments: args.map { $0 == "1.00" ? "2.00" : $0 })
        #expect(conflict.status != 0)
        #expect(conflict.stderr.contains("already used by an entry with other bytes"))
        #expect(try daemon.balance("vol:piet") == 400)
    }
}

struct HistoryJSON: Decodable {
    struct Line: Decodable {
        var seq: Int64
        var hours: String?
        var minorUnits: Int64
        var balanceAfterMinorUnits: Int64
    }
    var account: String
    var lines: [Line]
}
