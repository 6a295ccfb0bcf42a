import Foundation
package import NoaberProtocol

/// The verifiable export: an `ExportHeader` line, then entries 1…`head_seq`, one `EntryInfo` per
/// line, in the protocol's JSON (snake_case, sorted keys, compact). Each line is exactly what
/// `ledger.entries` serves, so an offline verify can replay it as `noaber verify` does online.
package struct JSONLinesWriter: ExportWriter {
    private let header: ExportHeader
    private let encoder = RPCCoding.encoder()
    private var nextSeq: Int64 = 1
    package private(set) var counts = ExportCounts()
    /// The personal texts of the entries written, for the part after them.
    private var personal: [PersonalLine] = []

    package init(header: ExportHeader) {
        self.header = header
    }

    package mutating func start(into output: inout String) throws(ExportError) {
        output += try line(header, seq: 0)
    }

    package mutating func write(_ entry: EntryInfo, into output: inout String) throws(ExportError) {
        guard entry.seq == nextSeq else { throw .outOfSequence(expected: nextSeq, got: entry.seq) }
        // Personal texts go in their own part, never on an entry's line, so that an export without
        // them has the very same entry lines.
        var line = entry
        if header.personalData == ExportHeader.personalIncluded {
            personal += (entry.personal ?? []).map {
                PersonalLine(seq: entry.seq, path: $0.path, salt: $0.salt, text: $0.text)
            }
        }
        line.personal = nil
        // The stored care dates and idx are the daemon's derived data, not part of the export: the
        // postings are listed in idx order already (FORMAT.md §13), and verify checks both online.
        line.postings = line.postings.map { PostingInfo(account: $0.account, amount: $0.amount) }
        output += try self.line(line, seq: entry.seq)
        nextSeq += 1
        counts.entries += 1
        counts.postings += entry.postings.count
    }

    package mutating func finish(into output: inout String) throws(ExportError) {
        guard header.personalData == ExportHeader.personalIncluded else { return }
        output += try line(PersonalPartMarker(count: personal.count), seq: nextSeq)
        for text in personal { output += try line(text, seq: text.seq) }
    }

    private func line(_ value: some Encodable, seq: Int64) throws(ExportError) -> String {
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        } catch {
            throw .malformedEntry(seq: seq, reason: "cannot be written as JSON: \(error)")
        }
    }
}
