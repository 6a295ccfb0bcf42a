import Foundation
import NoaberAudit
import NoaberCore
import NoaberProtocol
import Testing

@Suite struct JSONLinesWriterTests {
    static let state = StateResult(
        headSeq: 8, rows: JournalRows(entries: 8, postings: 6), ledger: nil, keys: [], accounts: [], checkpoint: nil)

    @Test func writesTheHeaderThenEveryEntryAsTheProtocolServesIt() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = JSONLinesWriter(header: ExportHeader(exportedAt: "2026-11-24T08:00:00.000Z", state: Self.state))
        let text = try writer.export(ledger.entries)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == ledger.entries.count + 1)
        #expect(
            lines[0] == """
                {"exported_at":"2026-11-24T08:00:00.000Z","format":"noaber-export","state":{"accounts":[],"entry_rows":8,"head_seq":8,"keys":[],"posting_rows":6},"version":1}
                """)
        let header = try RPCCoding.decoder().decode(ExportHeader.self, from: Data(lines[0].utf8))
        #expect(header.state.headSeq == 8)
        for (line, entry) in zip(lines.dropFirst(), ledger.entries) {
            // Sorted snake_case keys, nothing between them: the line is exactly this.
            let postings = entry.postings.map { "{\"account\":\"\($0.account)\",\"amount\":\($0.amount)}" }.joined(
                separator: ",")
            #expect(
                line == """
                    {"committed_at":"\(entry.committedAt)","hash":"\(entry.hash)","id":"\(entry.id)","key_id":"\(entry.keyId)",\
                    "kind":"\(entry.kind)","payload":"\(entry.payload)","postings":[\(postings)],"prev_hash":"\(entry.prevHash)",\
                    "seq":\(entry.seq),"signature":"\(entry.signature)"}
                    """)
            let decoded = try RPCCoding.decoder().decode(EntryInfo.self, from: Data(line.utf8))
            #expect(try decoded.storedEntry() == entry.storedEntry())
        }
        #expect(writer.counts == ExportCounts(entries: 8, postings: 6))
    }

    @Test func replaysIntoTheSameLedgerOffline() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = JSONLinesWriter(header: ExportHeader(exportedAt: "2026-11-24T08:00:00.000Z", state: Self.state))
        var verifier = Verifier()
        for line in try writer.export(ledger.entries).split(separator: "\n").dropFirst() {
            try verifier.check(try RPCCoding.decoder().decode(EntryInfo.self, from: Data(line.utf8)).storedEntry())
        }
        #expect(verifier.entries == 8)
        #expect(verifier.state.accounts.mapValues(\.balance) == ledger.balances)
    }

    @Test func refusesAGap() throws {
        let ledger = try ExportFixture.walkthrough()
        var writer = JSONLinesWriter(header: ExportHeader(exportedAt: "2026-11-24T08:00:00.000Z", state: Self.state))
        var output = ""
        try writer.write(ledger.entries[0], into: &output)
        #expect(throws: ExportError.outOfSequence(expected: 2, got: 3)) {
            try writer.write(ledger.entries[2], into: &output)
        }
    }
}
