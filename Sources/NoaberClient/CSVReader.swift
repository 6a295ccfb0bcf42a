/// Reads CSV as spreadsheets write it, with the line number each record starts on, so that every
/// problem can be named by the line a person sees in their editor.
package enum CSVReader {
    package struct Record: Sendable {
        package var line: Int
        package var fields: [String]
    }

    /// The field separators spreadsheets write: RFC 4180's comma, and the semicolon that Excel
    /// writes where the comma is the decimal mark (Dutch, German, French settings).
    package enum Delimiter: String, Sendable, Encodable {
        case comma = ","
        case semicolon = ";"

        var scalar: Unicode.Scalar { self == .comma ? "," : ";" }
        /// How to say which one a file was read with.
        package var name: String { self == .comma ? "comma-separated" : "semicolon-separated" }
    }

    /// The separator of the header line (the first line of `text`): the one of the two it holds
    /// more of, outside quotes; a comma when it holds neither, or as many of each. Column names
    /// hold neither, so a real header has only its separators.
    package static func delimiter(of text: String) -> Delimiter { delimiter(of: text.utf8) }

    /// The separator of the header line of a file's UTF-8 bytes, as `delimiter(of:)` a text's.
    package static func delimiter(of bytes: some Sequence<UInt8>) -> Delimiter {
        var commas = 0
        var semicolons = 0
        var quoted = false
        for c in bytes {
            if c == UInt8(ascii: "\n") && !quoted { break }
            switch c {
            case UInt8(ascii: "\""): quoted.toggle()
            case UInt8(ascii: ",") where !quoted: commas += 1
            case UInt8(ascii: ";") where !quoted: semicolons += 1
            default: break
            }
        }
        return semicolons > commas ? .semicolon : .comma
    }

    /// RFC 4180: fields separated by commas (or `delimiter`), records by CRLF or LF, quotes around
    /// fields that hold the separator, quotes (doubled) or line breaks.
    ///
    /// Read as UTF-8 bytes: every byte that ends a field or a record is ASCII, which no byte of a
    /// longer UTF-8 character is, so a field's bytes are cut out whole and made a string once
    /// (a million lines' characters one by one cost seconds and 4 bytes each).
    package static func records(_ text: String, delimiter: Delimiter = .comma) throws -> [Record] {
        var reader = Records(Array(text.utf8), delimiter: delimiter)
        var records: [Record] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    /// The records of a file's bytes one at a time, so that an import holds one window of its
    /// lines rather than all of them (a million lines' records were hundreds of megabytes).
    package struct Records: Sendable {
        private let bytes: [UInt8]
        private let delimiter: UInt8
        private var i: Int
        private var line = 1
        /// Records that start here or after are not read (`halves`).
        private var end: Int

        /// Where the next record starts, and its line.
        package struct Place: Equatable, Sendable {
            package var offset: Int
            package var line: Int
        }

        package var place: Place { Place(offset: i, line: line) }

        package init(_ bytes: [UInt8], delimiter: Delimiter) {
            self.bytes = bytes
            self.delimiter = UInt8(ascii: delimiter.scalar)
            // A spreadsheet's byte-order mark.
            i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            end = bytes.count
        }

        /// The records still to read, in two: the first reader reads those that start before the
        /// end of the line past the middle of the bytes left, the second those from there on,
        /// numbering lines on as one reader would. Nil if that line is the last. A record read by
        /// the first may cross the split (a line break within quotes): then the first does not end
        /// at the second's `place`.
        package func halves() -> (Records, Records)? {
            let lf = UInt8(ascii: "\n")
            guard let split = bytes[(i + (end - i) / 2)..<end].firstIndex(of: lf).map({ $0 + 1 }), split < end
            else { return nil }
            var (first, second) = (self, self)
            first.end = split
            second.i = split
            second.line = line + bytes[i..<split].count { $0 == lf }
            return (first, second)
        }

        /// The next record, nil at the end of the bytes.
        package mutating func next() throws -> Record? {
            var (i, line) = (self.i, self.line)
            defer { (self.i, self.line) = (i, line) }
            // A quoted field's bytes, with its doubled quotes undone; an unquoted field is cut out whole.
            var quotedBytes: [UInt8] = []
            let (delimiter, limit) = (self.delimiter, self.end)
            return try bytes.withUnsafeBufferPointer { bytes throws -> Record? in
                let (quote, cr, lf) = (UInt8(ascii: "\""), UInt8(ascii: "\r"), UInt8(ascii: "\n"))
                let end = bytes.count
                guard i < limit else { return nil }
                var fields: [String] = []
                let recordLine = line
                while i < end {
                    if bytes[i] == quote {
                        // A quoted field: to its closing quote, then on to the separator like any other.
                        quotedBytes.removeAll(keepingCapacity: true)
                        i += 1
                        var closed = false
                        while i < end {
                            let c = bytes[i]
                            i += 1
                            if c == quote {
                                if i < end && bytes[i] == quote {
                                    quotedBytes.append(quote)
                                    i += 1
                                } else {
                                    closed = true
                                    break
                                }
                            } else {
                                if c == lf { line += 1 }
                                quotedBytes.append(c)
                            }
                        }
                        if !closed { throw ClientFailure("line \(recordLine): a quoted field is not closed") }
                        // Whatever follows the closing quote up to the separator belongs to the field too.
                        let rest = i
                        while i < end && bytes[i] != delimiter && bytes[i] != lf { i += 1 }
                        quotedBytes += bytes[rest..<i].filter { $0 != cr }
                        fields.append(String(decoding: quotedBytes, as: UTF8.self))
                    } else {
                        let start = i
                        var crs = 0
                        while i < end && bytes[i] != delimiter && bytes[i] != lf {
                            if bytes[i] == cr { crs += 1 }
                            i += 1
                        }
                        let field = UnsafeBufferPointer(rebasing: bytes[start..<i])
                        fields.append(
                            crs == 0
                                ? String(decoding: field, as: UTF8.self)
                                : String(decoding: field.filter { $0 != cr }, as: UTF8.self))
                    }
                    if i < end && bytes[i] == delimiter {
                        i += 1
                        guard i == end else { continue }
                        // A separator at the very end leaves one more, empty field, and ends the record.
                        fields.append("")
                    }
                    break
                }
                // A line feed, or the end of the text, ends the record.
                if i < end {
                    i += 1
                    line += 1
                }
                return Record(line: recordLine, fields: fields)
            }
        }
    }
}
