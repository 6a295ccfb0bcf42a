import Foundation
import NoaberCrypto
import NoaberTestSupport
import Testing

/// The html statement as a volunteer's browser shows and prints it (issue #12): Dutch throughout,
/// names rather than ids, dates that never wrap at 900 px, 40 lines to a printed A4 page.
@Suite("Statement pages in Chromium", .enabled(if: Chromium.available, Chromium.skipMessage))
struct StatementPageTests {
    /// Imported lines: with the walkthrough's three, the reversal and the opening balance, 100 rows,
    /// which print on 3 pages with a break after every 40 and on 2 without.
    static let imported = 95
    static let contact = "tel. 053 123 4567, info@zorgkring.nl"
    /// Counts the date cells whose text runs over more than one line or out of its cell, into the
    /// body's data-*.
    static let measure = """
        <script>let wrapped = 0, dates = 0; for (const cell of document.querySelectorAll("td.d")) { \
        if (!cell.textContent) continue; dates++; const range = document.createRange(); \
        range.selectNodeContents(cell); if (range.getClientRects().length > 1 || \
        cell.scrollWidth > cell.clientWidth) wrapped++; } \
        document.body.dataset.dates = dates; document.body.dataset.wrapped = wrapped;</script>
        """
    /// Every English word of the statement's table and headings, as whole words.
    static let english = [
        "statement", "opening", "closing", "balance", "date", "committed", "what", "counterparty", "hours",
        "category", "amount", "note", "credit", "transfer", "redeem", "reversal", "reverses", "reversed",
        "demurrage", "by", "to", "the", "start", "now", "seq",
    ]

    @Test func theDutchStatementRendersWithNamesNoEnglishAndDatesThatDoNotWrap() async throws {
        let daemon = try await DaemonProcess(today: "2026-12-06T10:00:00Z")
        defer { daemon.tearDown() }
        try await makeLedger(daemon)
        let directory = daemon.directory
        try daemon.ok("statement", "vol:jan-peeters", "--format", "html", "--out", "jan.html", "--key", "jan.key")
        try daemon.ok("statement", "vol:jan-peeters", "--format", "html", "--out", "coord.html", "--key", "coord.key")
        let page = directory.appendingPathComponent("jan.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("<html lang=\"nl\">"))

        try await Chromium.run(["--screenshot=\(directory.path)/jan.png"], page: page, in: directory)
        let size = try Chromium.pngSize(try Data(contentsOf: directory.appendingPathComponent("jan.png")))
        #expect(size.width == 900 && size.height == 1200, "screenshot \(size)")

        let measured = directory.appendingPathComponent("measured.html")
        try html.replacingOccurrences(of: "</body>", with: Self.measure + "</body>").write(
            to: measured, atomically: true, encoding: .utf8)
        let dom = try await Chromium.run(["--dump-dom"], page: measured, in: directory)
        let dates = try #require(dom.firstMatch(of: /data-dates="(\d+)" data-wrapped="(\d+)"/), "\(dom.prefix(500))")
        #expect(Int(dates.1)! >= Self.imported + 4, "every line has its date, and the late ones their commit day")
        #expect(dates.2 == "0", "\(dates.2) dates wrap onto a second line or out of their cell at 900 px")

        let text = Chromium.visibleText(dom)
        for name in ["Zorgkring Noord", Self.contact, "Boodschappen", "Persoonlijke verzorging", "Bakker de Vries"] {
            #expect(text.contains(name), "\(name) is on the page")
        }
        for id in ["org:zorgkring", "shop:bakker", "persoonlijke-verzorging"] {
            #expect(!text.contains(id), "the page shows \(id) by its id")
        }
        // A person's name only to a reader entitled to it: Jan sees Piet's account id, the coordinator Piet.
        #expect(text.contains("vol:piet") && !text.contains("Piet"))
        let coordinator = Chromium.visibleText(
            try String(contentsOfFile: "\(directory.path)/coord.html", encoding: .utf8))
        #expect(coordinator.contains("Piet") && !coordinator.contains("vol:piet"))
        let words = Set(text.lowercased().split { !$0.isLetter }.map(String.init))
        #expect(words.isDisjoint(with: Self.english), "English on the Dutch page: \(words.intersection(Self.english))")
        for dutch in ["Beginsaldo", "Eindsaldo", "Datum", "Tegenpartij", "vergoeding", "correctie", "corrigeert"] {
            #expect(text.contains(dutch), "\(dutch) is on the page")
        }

        try await Chromium.run(
            ["--no-pdf-header-footer", "--print-to-pdf=\(directory.path)/jan.pdf"], page: page, in: directory)
        let pages = try Chromium.pdfPages(try Data(contentsOf: directory.appendingPathComponent("jan.pdf")))
        let rows = html.components(separatedBy: "<tr").count - 1
        #expect(pages == 3, "\(rows) rows print on \(pages) pages")

        let english = try daemon.ok(
            "statement", "vol:jan-peeters", "--format", "html", "--lang", "en", "--key", "jan.key")
        #expect(english.contains("<html lang=\"en\">") && english.contains("Opening balance"))
        #expect(english.contains("<td>credit</td>") && english.contains(Self.contact))
    }

    /// The walkthrough's ledger in Dutch with the contact line, categories, the imported lines (a few
    /// with memos long enough to squeeze the other columns at 900 px) and one reversal.
    private func makeLedger(_ daemon: DaemonProcess) async throws {
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok("category", "set", "boodschappen", "--rate", "10.00", "--name", "Boodschappen")
        try daemon.ok(
            "category", "set", "persoonlijke-verzorging", "--rate", "20.00", "--name", "Persoonlijke verzorging")
        try daemon.ok("settings", "set", "--language", "nl", "--contact", Self.contact)
        var csv = "account,date,hours,category,memo,external_id\n"
        for line in 1...Self.imported {
            let category = line.isMultiple(of: 3) ? "persoonlijke-verzorging" : "boodschappen"
            let memo =
                line.isMultiple(of: 20)
                ? "boodschappen voor mevrouw Jansen aan de Lindelaan met een omweg langs de markt omdat de bus niet reed"
                : "boodschappen mevrouw Jansen"
            csv +=
                "vol:jan-peeters,2026-11-\(String(format: "%02d", line % 28 + 1)),1,\(category),\(memo),nov-\(line)\n"
        }
        try csv.write(to: daemon.directory.appendingPathComponent("november.csv"), atomically: true, encoding: .utf8)
        try daemon.ok("import", "november.csv", "--issuer", "org:zorgkring", "--key", "coord.key")
        // The fifth line's credit, in the import's batch, by its credit id (FORMAT.md §17).
        let fifth = "imp-" + Hex.encode(SHA256.hash("org:zorgkring\nexternal:nov-5").bytes.prefix(16))
        try daemon.ok("reverse", fifth, "--reason", "dubbel ingevoerd", "--key", "coord.key")
    }
}
