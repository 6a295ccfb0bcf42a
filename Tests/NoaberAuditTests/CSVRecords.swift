/// A strict RFC 4180 reader, to read back what the CSV writer and `bean-query -f csv` write: a
/// record ends at CRLF or LF, a field at `,`; a quoted field may hold both, its `""` being one `"`.
/// A quote inside an unquoted field, or text after a closing quote, is an error, not read loosely:
/// the point is to catch a writer that forgot to quote.
enum CSVRecords {
    static func parse(_ text: String) throws -> [[String]] {
        let scalars = Array(text.unicodeScalars)
        var records: [[String]] = []
        var record: [String] = []
        var field = String.UnicodeScalarView()
        var index = 0
        func endField() {
            record.append(String(field))
            field = String.UnicodeScalarView()
        }
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\"" where field.isEmpty:
                while true {
                    guard index < scalars.count else {
                        throw ToolError("record \(records.count + 1): a quoted field is not closed")
                    }
                    let inside = scalars[index]
                    index += 1
                    if inside != "\"" {
                        field.append(inside)
                    } else if index < scalars.count, scalars[index] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        break
                    }
                }
                guard index == scalars.count || [",", "\r", "\n"].contains(scalars[index]) else {
                    throw ToolError("record \(records.count + 1): text after a closing quote")
                }
            case "\"":
                throw ToolError("record \(records.count + 1): a quote inside an unquoted field")
            case ",":
                endField()
            case "\r" where index < scalars.count && scalars[index] == "\n", "\n":
                if scalar == "\r" { index += 1 }
                endField()
                records.append(record)
                record = []
            default:
                field.append(scalar)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            endField()
            records.append(record)
        }
        return records
    }
}
