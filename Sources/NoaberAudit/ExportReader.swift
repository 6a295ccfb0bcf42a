import Foundation
package import NoaberCore
import NoaberProtocol

/// Reads a jsonl export (see `ExportHeader`) in pages, holding one page in memory at a time;
/// the lines of a page are decoded on every core.
package final class ExportReader {
    package let path: String
    /// The longest line read; an entry line is at most a 64 KiB payload in base64 plus its fields,
    /// and the header grows with the accounts, so this leaves ample room while bounding memory.
    package static let maxLineBytes = 64 << 20
    /// Nil when the reader was given the bytes themselves.
    private let handle: FileHandle?
    /// Bytes read and not yet returned start at `start`; `scanned` bytes after it hold no newline.
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var atEnd = false
    private var tooLong = false
    /// Lines read so far, for error messages.
    package private(set) var lineNumber = 0
    private var lastSeq: Int64 = 0
    /// The personal part's marker, once reached: no entry follows it.
    private var personalPart: PersonalPartMarker?
    /// Whether the header announced a personal part (`personal_data: included`).
    private var personalPartAnnounced = false

    package init(path: String) throws(VerificationFailure) {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw VerificationFailure(seq: nil, reason: "cannot open \(path)")
        }
        self.handle = handle
    }

    /// A reader of `bytes` as if they were the file `name`: the fuzzer's way in (no file per input).
    package init(bytes: [UInt8], name: String) {
        path = name
        handle = nil
        buffer = bytes
        atEnd = true
    }

    deinit { try? handle?.close() }

    /// The first line. A file that does not start with a Noaber export header is refused.
    package func header() throws(VerificationFailure) -> ExportHeader {
        guard let line = nextLine() else {
            throw VerificationFailure(
                seq: nil,
                reason: tooLong ? "line 1 of \(path) is longer than \(Self.maxLineBytes) bytes" : "\(path) is empty")
        }
        let header: ExportHeader
        do { header = try RPCCoding.decoder().decode(ExportHeader.self, from: line) } catch {
            throw VerificationFailure(seq: nil, reason: "line 1 of \(path) is not a Noaber export header")
        }
        if let difference = Self.difference(line, header, subject: "an export's header") {
            throw VerificationFailure(seq: nil, reason: "line 1 of \(path) (the header): \(difference)")
        }
        guard header.format == ExportHeader.formatName, header.version == ExportHeader.currentVersion else {
            throw VerificationFailure(
                seq: nil,
                reason:
                    "\(path) is format \(header.format) version \(header.version); this noaber reads \(ExportHeader.formatName) version \(ExportHeader.currentVersion)"
            )
        }
        // Any other word would leave the personal part unread, and the lines after the entries
        // unchecked, while the export still verified.
        if let personal = header.personalData,
            ![ExportHeader.personalIncluded, ExportHeader.personalOmitted].contains(personal)
        {
            throw VerificationFailure(
                seq: nil,
                reason:
                    "line 1 of \(path) (the header): personal_data is \"\(ClientText.escaped(personal))\", not \"included\" or \"omitted\""
            )
        }
        personalPartAnnounced = header.personalData == ExportHeader.personalIncluded
        // The state's form (lowercase hex, the order of its lists) is checked here, so that a
        // fault in it names the line; whether it equals the replay is checked at the end.
        do { _ = try header.state.ledgerState() } catch {
            throw VerificationFailure(seq: nil, reason: "line 1 of \(path) (the header): \(error.reason)")
        }
        return header
    }

    /// Up to `limit` entries; empty at the end of the file. A line that is not an entry fails at
    /// the entry it should have been.
    package func nextPage(limit: Int = 2000) throws(VerificationFailure) -> [StoredEntry] {
        var lines: [(number: Int, data: Data)] = []
        while personalPart == nil, lines.count < limit, let line = nextLine() {
            if line.isEmpty { continue }
            if line.range(of: Data(#""part":"personal-data""#.utf8)) != nil {
                personalPart = try? RPCCoding.decoder().decode(PersonalPartMarker.self, from: line)
                if personalPart != nil {
                    guard personalPartAnnounced else {
                        throw VerificationFailure(
                            seq: nil,
                            reason:
                                "line \(lineNumber) of \(path) starts a personal part that its header does not announce"
                        )
                    }
                    break
                }
            }
            lines.append((lineNumber, line))
        }
        if tooLong {
            throw VerificationFailure(
                seq: lastSeq + 1, reason: "line \(lineNumber + 1) of \(path) is longer than \(Self.maxLineBytes) bytes")
        }
        let decoded = Self.decode(lines.map(\.data))
        var page: [StoredEntry] = []
        page.reserveCapacity(lines.count)
        for (line, (info, difference)) in zip(lines, decoded) {
            guard let info else {
                throw VerificationFailure(seq: lastSeq + 1, reason: "line \(line.number) of \(path) is not an entry")
            }
            do throws(VerificationFailure) {
                if let difference { throw VerificationFailure(seq: info.seq, reason: difference) }
                page.append(try info.storedEntry())
            } catch {
                throw VerificationFailure(seq: info.seq, reason: "line \(line.number): \(error.reason)")
            }
            lastSeq = info.seq
        }
        return page
    }

    /// After the last page: the personal part's texts, by entry (docs/FORMAT.md §13).
    package func personalTexts() throws(VerificationFailure) -> [(seq: Int64, text: PersonalText)] {
        guard let marker = personalPart else {
            throw VerificationFailure(
                seq: nil, reason: "\(path) says it includes personal data, but has no personal part")
        }
        var texts: [(seq: Int64, text: PersonalText)] = []
        let decoder = RPCCoding.decoder()
        while let line = nextLine() {
            if line.isEmpty { continue }
            guard let item = try? decoder.decode(PersonalLine.self, from: line),
                Self.difference(line, item, subject: "an export's personal text") == nil,
                let text = PersonalTextInfo(path: item.path, salt: item.salt, text: item.text).personalText()
            else {
                throw VerificationFailure(seq: nil, reason: "line \(lineNumber) of \(path) is not a personal text")
            }
            texts.append((item.seq, text))
        }
        guard texts.count == marker.count else {
            throw VerificationFailure(
                seq: nil, reason: "the personal part of \(path) says \(marker.count) texts but holds \(texts.count)")
        }
        return texts
    }

    /// An entry line's fields (FORMAT.md §13): the postings in idx order, without it, and no
    /// personal texts, which have a part of their own.
    static let entryShape = JSONShape.object([
        "seq": .integer, "id": .string, "kind": .string, "key_id": .string, "payload": .string, "signature": .string,
        "committed_at": .string, "prev_hash": .string, "hash": .string,
        "postings": .array(.object(["account": .string, "amount": .integer])),
    ])

    /// Each line as an entry, and how it differs from the one way FORMAT.md §13 writes that
    /// entry (an unknown field, a field twice, a `null`), if it does.
    private static func decode(_ lines: [Data]) -> [(EntryInfo?, String?)] {
        Parallel.map(lines.count) { range in
            let decoder = RPCCoding.decoder()
            return range.map { index -> (EntryInfo?, String?) in
                guard let info = try? decoder.decode(EntryInfo.self, from: lines[index]) else { return (nil, nil) }
                let difference = StrictJSON.difference(
                    Array(lines[index]), shape: entryShape, subject: "an export's entry line")
                return (info, difference)
            }
        }
    }

    /// What in `line` differs from `value` written again: JSON readers disagree on unknown and
    /// repeated fields, so an export must have none (FORMAT.md §13), as a payload must not (§2).
    private static func difference(_ line: Data, _ value: some Encodable, subject: String) -> String? {
        guard let canonical = try? RPCCoding.encoder().encode(value) else { return "it cannot be written again" }
        return StrictJSON.difference(Array(line), from: Array(canonical), subject: subject)
    }

    /// The next line without its newline, or nil at the end (or at a line over `maxLineBytes`,
    /// setting `tooLong`). Each byte is scanned once, and consumed bytes are dropped when the
    /// buffer is refilled, so time is linear and memory bounded by the longest line.
    private func nextLine() -> Data? {
        while true {
            if let newline = buffer[(start + scanned)...].firstIndex(of: 0x0A) {
                let line = Data(buffer[start..<newline])
                start = newline + 1
                scanned = 0
                lineNumber += 1
                return line
            }
            scanned = buffer.count - start
            guard scanned <= Self.maxLineBytes else {
                tooLong = true
                return nil
            }
            if atEnd {
                guard scanned > 0 else { return nil }
                let line = Data(buffer[start...])
                start = buffer.count
                scanned = 0
                lineNumber += 1
                return line
            }
            buffer.removeFirst(start)
            start = 0
            let chunk = (try? handle?.read(upToCount: 1 << 20)) ?? nil
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { atEnd = true }
        }
    }
}
