import NoaberAudit
import NoaberClient

/// The CSV import reader: records written back in RFC 4180 read as the same fields at the lines
/// where they start, and every line the import names is one the file has.
enum ImportChecks {
    private static let today = CalendarDate("2026-12-01")!

    static func check(_ bytes: [UInt8]) throws(FuzzFinding) {
        // `ImportFile.read` refuses a file that is not UTF-8 before parsing it.
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let lineCount = text.utf8.count { $0 == 0x0A } + 1
        let delimiter = CSVReader.delimiter(of: text)
        if let records = try? CSVReader.records(text, delimiter: delimiter) {
            var previous = 0
            for record in records {
                try require(
                    record.line > previous && record.line <= lineCount, "record line \(record.line) is out of order")
                previous = record.line
            }
            try checkRoundTrip(records.map(\.fields), delimiter)
        }
        guard let contents = try? ImportFile.parse(text, source: "fuzz.csv", today: today) else { return }
        for line in contents.lines {
            try require(
                (2...lineCount).contains(line.number), "an import line names line \(line.number) of \(lineCount)")
        }
        for problem in contents.problems {
            if let number = problem.line {
                try require((1...lineCount).contains(number), "a problem names line \(number) of \(lineCount)")
            }
        }
    }

    /// Writes `fields` back, every field quoted, and reads them again.
    private static func checkRoundTrip(_ fields: [[String]], _ delimiter: CSVReader.Delimiter) throws(FuzzFinding) {
        var text = ""
        var expectedLines: [Int] = []
        var line = 1
        for record in fields {
            expectedLines.append(line)
            text += record.map(quoted).joined(separator: delimiter.rawValue)
            text += "\n"
            line += 1 + record.reduce(0) { $0 + $1.unicodeScalars.count { $0 == "\n" } }
        }
        guard let again = try? CSVReader.records(text, delimiter: delimiter) else {
            throw FuzzFinding("records written back in RFC 4180 are refused")
        }
        try require(again.map(\.fields) == fields, "records written back read as other fields")
        try require(again.map(\.line) == expectedLines, "records written back start at other lines")
    }

    /// `text` in quotes, its quotes doubled, scalar by scalar: a quote followed by a combining
    /// mark is one `Character`, which `String.replacing` would not see as a quote.
    private static func quoted(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in text.unicodeScalars {
            if scalar == "\"" { out.append("\"") }
            out.append(scalar)
        }
        out.append("\"")
        return String(out)
    }
}
