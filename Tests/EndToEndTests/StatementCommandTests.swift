import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// `noaber statement` against a real daemon, in every format (issue #4).
@Suite("Statements against a real daemon")
struct StatementCommandTests {
    @Test func everyFormatBalancesAndTheHTMLIsSafeToPrint() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:jan-peeters", "--hours", "1",
            "--memo",
            "<script>alert(1)</script> & \"tuin\"")
        let today = String(try await daemon.status().headTime!.prefix(10))

        let text = try daemon.ok("statement", "vol:jan-peeters", "--from", today, "--to", today)
        #expect(
            text.hasPrefix(
                "Zorgkring Noord: statement of vol:jan-peeters (Jan Peeters), \(today) to \(today) by care date, in ZMT"
            ),
            "\(text)")
        #expect(text.contains("opening balance  0.00") && text.contains("closing balance  22.50"), "\(text)")

        struct JSONStatement: Decodable {
            struct Line: Decodable {
                var amountMinorUnits: Int64
                var balanceMinorUnits: Int64
            }
            var openingMinorUnits, closingMinorUnits: Int64
            var lines: [Line]
        }
        let json = try daemon.json(JSONStatement.self, "statement", "vol:jan-peeters")
        #expect(json.lines.count == 4)
        #expect(json.openingMinorUnits + json.lines.reduce(0) { $0 + $1.amountMinorUnits } == json.closingMinorUnits)
        #expect(json.closingMinorUnits == (try daemon.balance("vol:jan-peeters")))

        // A period after everything: no lines, opening = closing = the balance.
        let later = try daemon.json(JSONStatement.self, "statement", "vol:jan-peeters", "--from", "2999-01-01")
        #expect(later.lines.isEmpty && later.openingMinorUnits == 2250 && later.closingMinorUnits == 2250)

        let csv = try daemon.ok("statement", "vol:jan-peeters", "--format", "csv")
        #expect(
            csv.hasPrefix(
                "seq,care_date,committed_at,entry_id,purpose,counterparty,hours,category,memo,reason,reverses,reversed_by,amount,balance\r\n,,,,opening,,,,,,,,,0.00\r\n"
            ))
        #expect(csv.hasSuffix(",,,,closing,,,,,,,,,22.50\r\n"))

        try daemon.ok("statement", "vol:jan-peeters", "--format", "html", "--out", "jan.html")
        let html = try String(contentsOfFile: daemon.directory.appendingPathComponent("jan.html").path, encoding: .utf8)
        #expect(html.contains("<h1>Zorgkring Noord</h1>") && html.contains("in zorgmunt (ZMT)"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;tuin&quot;"))
        #expect(!html.contains("<script>"))

        for (arguments, message) in [
            (["statement", "vol:jan-peeters", "--from", "2026-13-01"], "is not a date"),
            (["statement", "vol:jan-peeters", "--from", "2026-11-02", "--to", "2026-11-01"], "is before --from"),
            (["statement", "vol:nobody"], "account vol:nobody does not exist"),
            (["statement", "vol:jan-peeters", "--format", "pdf"], "pdf"),
        ] {
            let result = try daemon.noaber(arguments: arguments)
            #expect(result.status != 0 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
