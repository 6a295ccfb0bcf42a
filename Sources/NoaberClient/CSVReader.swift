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
    package static func delimiter(of text: String) -> Delimiter {
        var commas = 0
        var semicolons = 0
        var quoted = false
        for c in text.unicodeScalars {
            if c == "\n" && !quoted { break }
            switch c {
            case "\"": quoted.toggle()
            case "," where !quoted: commas += 1
            case ";" where !quoted: semicolons += 1
            default: break
            }
        }
        return semicolons > commas ? .semicolon : .comma
    }

    /// RFC 4180: fields separated by commas (or `delimiter`), records by CRLF or LF, quotes around
    /// fields that hold the separator, quotes (doubled) or line breaks.
    package static func records(_ text: String, delimiter: Delimiter = .comma) throws -> [Record] {
        let separator = delimiter.scalar
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var atFieldStart = true
        var line = 1
        var recordLine = 1
        var scalars = Array(text.unicodeScalars)[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }  // a spreadsheet's byte-order mark
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending {
                pending = nil
                return p
            }
            return iterator.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = n
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where atFieldStart:
                quoted = true
                atFieldStart = false
            case separator:
                fields.append(field)
                field = ""
                atFieldStart = true
            case "\r":
                continue
            case "\n":
                fields.append(field)
                records.append(Record(line: recordLine, fields: fields))
                fields = []
                field = ""
                atFieldStart = true
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(c)
                atFieldStart = false
            }
        }
        if quoted { throw ClientFailure("line \(recordLine): a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
