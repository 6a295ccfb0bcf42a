import NoaberAudit
import NoaberCore
import NoaberProtocol
import Testing

@Suite struct ExportFormatTests {
    @Test func everyFormatHasItsCommandLineName() {
        #expect(ExportFormat.allCases.map(\.rawValue) == ["jsonl", "csv", "hledger", "beancount"])
        #expect(ExportFormat(rawValue: "xlsx") == nil)
    }

    @Test func headerCarriesTheCheckpointOfItsSnapshot() throws {
        let state = StateResult(
            headSeq: 3, rows: JournalRows(entries: 3, postings: 2), ledger: nil, keys: [], accounts: [],
            checkpoint: "noaber/x\n3\nAAAA\n\n— noaber/x AAAA\n")
        let header = ExportHeader(exportedAt: "2026-11-23T10:00:00.000Z", state: state)
        #expect(header.format == "noaber-export")
        #expect(header.version == 1)
        #expect(header.state.checkpoint == state.checkpoint)
    }
}
