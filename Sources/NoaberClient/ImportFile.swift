import Foundation
package import NoaberAudit
package import NoaberCore
import NoaberCrypto

/// A month of hours from a spreadsheet, read and checked in full before anything is signed.
///
/// Columns (a header row with these names, in any order; RFC 4180 quoting, fields separated by
/// commas or, as Excel writes them with Dutch settings, semicolons):
/// `account` (the volunteer), `date` (YYYY-MM-DD, the day of care), `hours` or `amount` (one of the
/// two), `category` (optional, with hours), `memo` (optional), `external_id` (optional: the
/// organisation's own id for the line; with it, a line is recognised when the file is run again).
/// In a semicolon-separated file, hours and amounts may have a decimal comma ("2,5").
package struct ImportFile {
    package static let maxBytes = 128 << 20
    package static let columns = ["account", "date", "hours", "amount", "category", "memo", "external_id"]

    package struct Line: Sendable {
        package var number: Int
        package var account: AccountID
        package var date: String
        package var hours: Hours?
        package var amountText: String?
        package var category: String?
        package var memo: String?
        package var externalID: String?
        /// What makes the entry id: the external id, or else the line's own content.
        package var identity: String
    }

    /// What is wrong with one line (or, without a line, with the import as a whole).
    package struct Problem: Error, Sendable {
        package var line: Int?
        package var reasons: [String]
        /// What the line names, as far as it reads: the ledger is asked about these too, so that a
        /// line's every fault is found in one run, not one per run.
        package var account: AccountID?
        package var category: String?
        package var amountText: String?

        package init(
            line: Int?, reasons: [String], account: AccountID? = nil, category: String? = nil,
            amountText: String? = nil
        ) {
            self.line = line
            self.reasons = reasons
            self.account = account
            self.category = category
            self.amountText = amountText
        }

        package init(line: Int?, reason: String) { self.init(line: line, reasons: [reason]) }

        package var reason: String { reasons.joined(separator: "; ") }
        package var description: String { line.map { "line \($0): \(reason)" } ?? reason }
    }

    /// A file's lines, good and bad, and how its fields were separated.
    package struct Contents: Sendable {
        package var lines: [Line]
        package var problems: [Problem]
        package var delimiter: CSVReader.Delimiter
        /// Lines with something to import, good or bad.
        package var count: Int { lines.count + problems.count }
    }

    /// Reads and parses the file at `path`; every bad line is reported, not just the first.
    /// `today`: care dates after it are refused (care is credited once given).
    package static func read(
        _ path: String, today: CalendarDate = CalendarDate(Timestamp.now())
    ) throws -> Contents {
        try collect(Reader(load(path), source: path, today: today), source: path)
    }

    /// The bytes of the file at `path`, refused if it is too long or not UTF-8 text.
    package static func load(_ path: String) throws -> [UInt8] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? Int
        else {
            throw ClientFailure("cannot read \(path)")
        }
        guard size <= maxBytes else {
            throw ClientFailure(
                "\(path) is \(size) bytes; an import file is at most \(maxBytes) bytes (about 2.5 million lines): split it"
            )
        }
        guard let bytes = contents(of: path, size: size) else { throw ClientFailure("cannot read \(path)") }
        // Checked in place: a String of the whole file, or its bytes first read as `Data` and then
        // copied, would hold it twice at once.
        do { _ = try UTF8Span(validating: bytes.span) } catch {
            throw ClientFailure(
                "\(path) is not UTF-8 text (line \(firstLineNotUTF8(bytes)) has bytes that are not); save it as UTF-8 CSV"
            )
        }
        return bytes
    }

    /// The bytes of the file at `path`, about `size` of them, read straight into the array.
    private static func contents(of path: String, size: Int) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        let read = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        // One byte more than the size said: a file that grew meanwhile is refused, not cut short.
        guard ferror(file) == 0, read <= size else { return nil }
        bytes.removeLast(bytes.count - read)
        return bytes
    }

    /// A file's lines one at a time, after its header: the bad ones are kept as problems, the
    /// good ones handed out, so that a pass over the file holds no more of it than its bytes.
    package struct Reader: Sendable {
        private var records: CSVReader.Records
        private var lines: LineReader
        /// The lines read so far that cannot be imported, in line order.
        package var problems: [Problem] { lines.problems }
        package var delimiter: CSVReader.Delimiter { lines.delimiter }
        /// Lines read so far with something to import, good or bad.
        package private(set) var count = 0

        /// Reads the header of the file `source`, whose bytes are `bytes`. Without `checksRepeats`,
        /// a line that repeats an earlier one is not refused: for a second reading of bytes
        /// that a first found without repeats, which then holds no key of every line.
        package init(_ bytes: [UInt8], source: String, today: CalendarDate, checksRepeats: Bool = true) throws {
            let delimiter = CSVReader.delimiter(of: bytes)
            records = CSVReader.Records(bytes, delimiter: delimiter)
            guard let header = try records.next(), header.fields != [""] else {
                throw ClientFailure(
                    "\(source) is empty; the first line must name the columns: \(columns.joined(separator: ","))")
            }
            lines = LineReader(names: try columnNames(header.fields), today: today, delimiter: delimiter)
            lines.checksRepeats = checksRepeats
        }

        /// The next good line; nil at the end of the file.
        package mutating func next() throws -> Line? {
            while let record = try records.next() {
                let problemsBefore = lines.problems.count
                if let line = lines.read(record) {
                    count += 1
                    return line
                }
                if lines.problems.count > problemsBefore { count += 1 }
            }
            return nil
        }

        /// Where the next record starts.
        package var place: CSVReader.Records.Place { records.place }

        /// The lines still to read, in two readers (`CSVReader.Records.halves`), each with the
        /// repeat check's keys of its own lines only; nil if the file cannot be split.
        package func halves() -> (Reader, Reader)? {
            guard let (first, second) = records.halves() else { return nil }
            var (one, two) = (self, self)
            one.records = first
            two.records = second
            return (one, two)
        }

        /// Whether a line this reader read and one `other` read repeat each other (`LineReader`).
        package func repeatsALine(of other: Reader) -> Bool { lines.sharesKey(with: other.lines) }

        /// Refuses a file read to its end that has a header but no lines.
        package func finish(source: String) throws {
            if count == 0 { throw ClientFailure("\(source) has a header but no lines to import") }
        }
    }

    /// A whole file's lines, read by `reader` to the end.
    private static func collect(_ reader: Reader, source: String) throws -> Contents {
        var reader = reader
        var lines: [Line] = []
        while let line = try reader.next() { lines.append(line) }
        try reader.finish(source: source)
        return Contents(lines: lines, problems: reader.problems, delimiter: reader.delimiter)
    }

    /// The number of the first line that is not UTF-8, so that it can be found and fixed.
    static func firstLineNotUTF8(_ bytes: [UInt8]) -> Int {
        var line = 1
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let end = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            if String(validating: bytes[index..<end], as: UTF8.self) == nil { break }
            line += 1
            index = end == bytes.endIndex ? end : end + 1
        }
        return line
    }

    /// Parses the text of a file named `source` (for messages).
    package static func parse(_ text: String, source: String, today: CalendarDate) throws -> Contents {
        try collect(Reader(Array(text.utf8), source: source, today: today), source: source)
    }

    /// The header's column names, which must be known, complete and each named once.
    static func columnNames(_ fields: [String]) throws -> [String] {
        let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let unknown = names.first(where: { !columns.contains($0) }) {
            throw ClientFailure(
                "line 1: unknown column \"\(unknown)\"; the columns are \(columns.joined(separator: ","))")
        }
        for required in ["account", "date"] where !names.contains(required) {
            throw ClientFailure(
                "line 1: the column \"\(required)\" is missing; the columns are \(columns.joined(separator: ","))")
        }
        guard names.contains("hours") || names.contains("amount") else {
            throw ClientFailure("line 1: give a column \"hours\" or \"amount\"")
        }
        if let twice = names.first(where: { name in names.count { $0 == name } > 1 }) {
            throw ClientFailure("line 1: the column \"\(twice)\" appears twice")
        }
        return names
    }

    /// The entry id of a line: the same file, or the same external id, gives the same id, which
    /// is what makes a second run add nothing.
    package static func entryID(issuer: AccountID, _ line: Line) -> String {
        "imp-" + Hex.encode(SHA256.hash(issuer.rawValue + "\n" + line.identity).bytes.prefix(16))
    }
}
