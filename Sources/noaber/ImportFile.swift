import Foundation
import NoaberAudit
import NoaberCore
import NoaberCrypto

/// A month of hours from a spreadsheet, read and checked in full before anything is signed.
///
/// Columns (a header row with these names, in any order; RFC 4180 quoting):
/// `account` (the volunteer), `date` (YYYY-MM-DD, the day of care), `hours` or `amount` (one of the
/// two), `category` (optional, with hours), `memo` (optional), `external_id` (optional: the
/// organisation's own id for the line; with it, a line is recognised when the file is run again).
struct ImportFile {
    static let maxBytes = 20 << 20
    static let columns = ["account", "date", "hours", "amount", "category", "memo", "external_id"]

    struct Line {
        var number: Int
        var account: AccountID
        var date: String
        var hours: Hours?
        var amountText: String?
        var category: String?
        var memo: String?
        var externalID: String?
        /// What makes the entry id: the external id, or else the line's own content.
        var identity: String
    }

    struct Problem: Error {
        var line: Int?
        var reason: String
        var description: String { line.map { "line \($0): \(reason)" } ?? reason }
    }

    /// Parses the whole file; every bad line is reported, not just the first.
    static func read(_ path: String) throws -> (lines: [Line], problems: [Problem]) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let size = attributes[.size] as? Int else {
            throw CLIError("cannot read \(path)")
        }
        guard size <= maxBytes else {
            throw CLIError("\(path) is \(size) bytes; an import file is at most \(maxBytes) bytes (about 200,000 lines): split it")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else {
            // Name the line of the first byte that is not UTF-8, so it can be found and fixed.
            var line = 1
            var index = data.startIndex
            while index < data.endIndex {
                let end = data[index...].firstIndex(of: 0x0A) ?? data.endIndex
                if String(data: data[index..<end], encoding: .utf8) == nil { break }
                line += 1
                index = end == data.endIndex ? end : end + 1
            }
            throw CLIError("\(path) is not UTF-8 text (line \(line) has bytes that are not); save it as UTF-8 CSV")
        }
        let records = try parseCSV(text)
        guard let header = records.first, header.fields != [""] else {
            throw CLIError("\(path) is empty; the first line must name the columns: \(columns.joined(separator: ","))")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let unknown = names.first(where: { !columns.contains($0) }) {
            throw CLIError("line 1: unknown column \"\(unknown)\"; the columns are \(columns.joined(separator: ","))")
        }
        for required in ["account", "date"] where !names.contains(required) {
            throw CLIError("line 1: the column \"\(required)\" is missing; the columns are \(columns.joined(separator: ","))")
        }
        guard names.contains("hours") || names.contains("amount") else {
            throw CLIError("line 1: give a column \"hours\" or \"amount\"")
        }
        if let twice = names.first(where: { name in names.count { $0 == name } > 1 }) {
            throw CLIError("line 1: the column \"\(twice)\" appears twice")
        }
        var lines: [Line] = []
        var problems: [Problem] = []
        var seenExternal: [String: Int] = [:]
        var seenContent: [String: Int] = [:]
        for record in records.dropFirst() {
            let fields = record.fields
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            func fail(_ why: String) { problems.append(Problem(line: record.line, reason: why)) }
            guard fields.count == names.count else {
                fail("\(fields.count) fields, but the header names \(names.count)")
                continue
            }
            var value: [String: String] = [:]
            for (name, field) in zip(names, fields) {
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { value[name] = trimmed }
            }
            guard let accountText = value["account"] else { fail("the account is empty"); continue }
            guard let account = try? AccountID(accountText) else { fail("\"\(accountText)\" is not an account id"); continue }
            guard let date = value["date"], isDate(date) else { fail("the date must be YYYY-MM-DD, not \"\(value["date"] ?? "")\""); continue }
            var line = Line(number: record.line, account: account, date: date, identity: "")
            switch (value["hours"], value["amount"]) {
            case (let hours?, nil):
                do { line.hours = try Hours(hours) } catch { fail(error.message); continue }
            case (nil, let amount?): line.amountText = amount
            case (nil, nil): fail("give hours or an amount"); continue
            case (.some, .some): fail("give hours or an amount, not both"); continue
            }
            if let category = value["category"] {
                guard line.hours != nil else { fail("a category goes with hours, not an amount"); continue }
                do { try Identifier.validateCategory(category) } catch { fail(error.message); continue }
                line.category = category
            }
            guard date <= CalendarDate(Timestamp.now()).text else { fail("the date \(date) is after today: care is credited once given"); continue }
            line.memo = value["memo"]
            if let memo = line.memo {
                do { try Text.validate(memo, field: "memo", maxLength: 500) } catch { fail(error.message); continue }
            }
            if let external = value["external_id"] {
                guard external.unicodeScalars.count <= 100 else { fail("the external_id is longer than 100 characters"); continue }
                if let first = seenExternal[external] { fail("external_id \(external) is also on line \(first)"); continue }
                seenExternal[external] = record.line
                line.externalID = external
                line.identity = "external:" + external
            } else {
                let content = [account.rawValue, date, value["hours"] ?? "", value["amount"] ?? "", line.category ?? "", line.memo ?? ""]
                    .joined(separator: "\u{1F}")
                if let first = seenContent[content] {
                    fail("repeats line \(first); if both are meant, give each an external_id")
                    continue
                }
                seenContent[content] = record.line
                line.identity = "line:" + content
            }
            lines.append(line)
        }
        if lines.isEmpty && problems.isEmpty { throw CLIError("\(path) has a header but no lines to import") }
        return (lines, problems)
    }

    static func isDate(_ text: String) -> Bool {
        guard text.utf8.count == 10, let time = Timestamp(rfc3339: text + "T00:00:00.000Z") else { return false }
        return time.rfc3339.hasPrefix(text)
    }

    /// The entry id of a line: the same file, or the same external id, gives the same id, which
    /// is what makes a second run add nothing.
    static func entryID(issuer: AccountID, _ line: Line) -> String {
        "imp-" + Hex.encode(SHA256.hash(issuer.rawValue + "\n" + line.identity).bytes.prefix(16))
    }

    struct Record {
        var line: Int
        var fields: [String]
    }

    /// RFC 4180: fields separated by commas, records by CRLF or LF, quotes around fields that hold
    /// commas, quotes (doubled) or line breaks.
    static func parseCSV(_ text: String) throws -> [Record] {
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
                        if n == "\"" { field.unicodeScalars.append("\"") } else {
                            quoted = false
                            pending = n
                        }
                    } else { quoted = false }
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
            case ",":
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
        if quoted { throw CLIError("line \(recordLine): a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
