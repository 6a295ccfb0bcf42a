package import NoaberProtocol

/// Turns the chain, streamed from entry 1 in order, into one export format.
///
/// Each call appends text to `output`; the caller writes it out before it fetches more entries,
/// so an export of any size needs the memory of one page of entries (plus one small record per
/// account for the journals).
package protocol ExportWriter {
    /// Text that comes before every entry (a jsonl header, a csv header row).
    mutating func start(into output: inout String) throws(ExportError)
    /// The text for one entry; entries must come as 1, 2, 3, ….
    mutating func write(_ entry: EntryInfo, into output: inout String) throws(ExportError)
    /// Text after the last entry given, which need not be the head (an export that stops at `--to`).
    mutating func finish(into output: inout String) throws(ExportError)
    /// What has been written so far.
    var counts: ExportCounts { get }
}

extension ExportWriter {
    package mutating func start(into output: inout String) throws(ExportError) {}
    package mutating func finish(into output: inout String) throws(ExportError) {}

    /// The whole export of `entries` as one text; for tests and small ledgers.
    package mutating func export(_ entries: [EntryInfo]) throws(ExportError) -> String {
        var output = ""
        try start(into: &output)
        for entry in entries { try write(entry, into: &output) }
        try finish(into: &output)
        return output
    }
}

/// How much an export holds, for the CLI's closing line.
package struct ExportCounts: Sendable, Equatable {
    /// Ledger entries written: every entry for jsonl, the transactions shown for the others.
    package var entries: Int
    /// Postings written (csv: rows); an opening-balances transaction is not counted.
    package var postings: Int

    package init(entries: Int = 0, postings: Int = 0) {
        self.entries = entries
        self.postings = postings
    }
}
