import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// Text a client chose never leaves its log line: the review forged a whole `committed` line with
/// an entry id holding a newline, and a NUL byte went into the log as it was.
@Suite("Client text in the daemon's log")
struct LogHygieneTests {
    static let forged = "x\\n2026-01-01T00:00:00+0000 info noaberd: entry_id=forged seq=99 [NoaberServer] committed"

    @Test func refusedIdsWithNewlinesAndNULsAreEscaped() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let ledgerID = try #require(try await daemon.status().ledgerId)
        let context = HostileContext(
            ledgerID: ledgerID, admin: try daemon.privateKey("admin.key"), jan: try daemon.privateKey("jan.key"),
            piet: try daemon.privateKey("piet.key"), existingID: "none")
        let lines = [
            try context.submit(context.transfer(id: Self.forged)),
            try context.submit(context.transfer(id: "nul\\u0000id")),
            try context.submit(context.transfer(id: "ok-1", to: "vol:" + Self.forged)),
            try context.submit(context.transfer(id: "ok-2", to: "vol:bidi\\u202eevil")),
        ]
        for line in lines {
            let answer = try await HostileRequestTests.send(line, on: daemon)
            #expect(answer.error != nil, "\(answer.text)")
        }
        let log = daemon.log()
        let logLines = log.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!logLines.contains { $0.hasPrefix("2026-01-01T00:00:00") }, "a forged line:\n\(log)")
        #expect(!logLines.contains { $0.contains("forged") && !$0.contains("[NoaberServer] refused") }, "\(log)")
        #expect(!log.utf8.contains(0), "a NUL byte reached the log")
        #expect(!log.unicodeScalars.contains("\u{202E}"), "a bidi override reached the log")
        let refusals = logLines.filter { $0.contains("[NoaberServer] refused") }
        #expect(refusals.count == lines.count, "\(log)")
        #expect(log.contains("x\\u{a}2026-01-01T00:00:00"), "the newline is written as an escape:\n\(log)")
        #expect(log.contains("nul\\u{0}id"), "the NUL is written as an escape:\n\(log)")
        #expect(log.contains("bidi\\u{202e}evil"), "\(log)")
    }
}
