import Foundation
import NoaberCore
import NoaberProtocol
import Testing

/// The wire form of what issue #12 added: statements by care date, entries by seq, and the lines'
/// links between a reversal and what it reverses (docs/PROTOCOL.md).
@Suite("Statement and entry params on the wire")
struct StatementParamsTests {
    func json(_ value: some Encodable) throws -> String {
        String(decoding: try RPCCoding.encoder().encode(value), as: UTF8.self)
    }

    @Test func aStatementByCareDateSaysSoAndOneByCommitTimeKeepsItsOldForm() throws {
        #expect(
            try json(StatementParams(account: "vol:0042", fromDate: "2026-11-01", toDate: "2026-11-30"))
                == #"{"account":"vol:0042","by":"care_date","from_date":"2026-11-01","to_date":"2026-11-30"}"#)
        // A request as clients sent it before care dates: no `by`, so the daemon reads it as it did.
        #expect(
            try json(StatementParams(account: "vol:0042", fromTime: "2026-11-01T00:00:00.000Z", toTime: nil))
                == #"{"account":"vol:0042","from_time":"2026-11-01T00:00:00.000Z"}"#)
    }

    @Test func anEntryIsAskedForByIdOrBySeq() throws {
        #expect(try json(EntryGetParams(seq: 16)) == #"{"seq":16}"#)
        #expect(try json(EntryGetParams(id: "credit-1")) == #"{"id":"credit-1"}"#)
    }

    @Test func aLineCarriesItsCareDateAndItsReversalLinks() throws {
        var line = HistoryLine(
            seq: 21, entryID: "herstel-1", committedAt: Timestamp(rfc3339: "2026-12-07T09:00:00.000Z")!, amount: -3000,
            balanceAfter: 2000, purpose: .reversal, careDate: "2026-11-20",
            counterparties: [try AccountID("org:zorgkring")])
        line.reason = "dubbel"
        line.reverses = "credit-1"
        line.reversesSeq = 16
        let text = try json(HistoryLineInfo(line))
        for field in [
            #""care_date":"2026-11-20""#, #""reason":"dubbel""#, #""reverses":"credit-1""#, #""reverses_seq":16"#,
        ] {
            #expect(text.contains(field), "\(text)")
        }
        #expect(!text.contains("reversed_by"), "absent, never null")
    }
}
