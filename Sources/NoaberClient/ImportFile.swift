import Foundation
package import NoaberAudit
package import NoaberCore
import NoaberCrypto

/// A month of hours from a spreadsheet, read and checked in full before anything is signed.
///
/// Columns (a header row with these names, in any order; RFC 4180 quoting):
/// `account` (the volunteer), `date` (YYYY-MM-DD, the day of care), `hours` or `amount` (one of the
/// two), `category` (optional, with hours), `memo` (optional), `external_id` (optional: the
/// organisation's own id for the line; with it, a line is recognised when the file is run again).
package struct ImportFile {
    package static let maxBytes = 20 << 20
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

    package struct Problem: Error, Sendable {
        package var line: Int?
        package var reason: String
        package var description: String { line.map { "line \($0): \(reason)" } ?? reason }
    }

    /// Reads and parses the file at `path`; every bad line is reported, not just the first.
    /// `today`: care dates after it are refused (care is credited once given).
    package static func read(
        _ path: String, today: CalendarDate = CalendarDate(Timestamp.now())
    ) throws -> (lines: [Line], problems: [Problem]) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? Int
        else {
            throw ClientFailure("cannot read \(path)")
        }
        guard size <= maxBytes else {
            throw ClientFailure(
                "\(path) is \(size) bytes; an import file is at most \(maxBytes) bytes (about 200,000 lines): split it")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw ClientFailure("cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ClientFailure(
                "\(path) is not UTF-8 text (line \(firstLineNotUTF8(data)) has bytes that are not); save it as UTF-8 CSV"
            )
        }
        return try parse(text, source: path, today: today)
    }

    /// The number of the first line that is not UTF-8, so that it can be found and fixed.
    static func firstLineNotUTF8(_ data: Data) -> Int {
        var line = 1
        var index = data.startIndex
        while index < data.endIndex {
            let end = data[index...].firstIndex(of: 0x0A) ?? data.endIndex
            if String(data: data[index..<end], encoding: .utf8) == nil { break }
            line += 1
            index = end == data.endIndex ? end : end + 1
        }
        return line
    }

    /// Parses the text of a file named `source` (for messages).
    package static func parse(
        _ text: String, source: String, today: CalendarDate
    ) throws -> (lines: [Line], problems: [Problem]) {
        let records = try CSVReader.records(text)
        guard let header = records.first, header.fields != [""] else {
            throw ClientFailure(
                "\(source) is empty; the first line must name the columns: \(columns.joined(separator: ","))")
        }
        let names = try columnNames(header.fields)
        var reader = LineReader(names: names, today: today)
        for record in records.dropFirst() { reader.read(record) }
        if reader.lines.isEmpty && reader.problems.isEmpty {
            throw ClientFailure("\(source) has a header but no lines to import")
        }
        return (reader.lines, reader.problems)
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

/// Turns records into lines one at a time, remembering what makes a line a repeat of another.
private struct LineReader {
    let names: [String]
    let today: CalendarDate
    var lines: [ImportFile.Line] = []
    var problems: [ImportFile.Problem] = []
    var seenExternal: [String: Int] = [:]
    var seenContent: [String: Int] = [:]

    mutating func read(_ record: CSVReader.Record) {
        let fields = record.fields
        if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { return }
        do throws(ImportFile.Problem) {
            guard fields.count == names.count else {
                throw problem("\(fields.count) fields, but the header names \(names.count)", record)
            }
            var value: [String: String] = [:]
            for (name, field) in zip(names, fields) {
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { value[name] = trimmed }
            }
            var line = try parse(value, record)
            try identify(&line, value, record)
            lines.append(line)
        } catch {
            problems.append(error)
        }
    }

    private func problem(_ why: String, _ record: CSVReader.Record) -> ImportFile.Problem {
        ImportFile.Problem(line: record.line, reason: why)
    }

    /// The line's values, each checked on its own.
    private func parse(
        _ value: [String: String], _ record: CSVReader.Record
    ) throws(ImportFile.Problem) -> ImportFile.Line {
        func fail(_ why: String) -> ImportFile.Problem { problem(why, record) }
        guard let accountText = value["account"] else { throw fail("the account is empty") }
        guard let account = try? AccountID(accountText) else { throw fail("\"\(accountText)\" is not an account id") }
        guard let date = value["date"], Self.isDate(date) else {
            throw fail("the date must be YYYY-MM-DD, not \"\(value["date"] ?? "")\"")
        }
        var line = ImportFile.Line(number: record.line, account: account, date: date, identity: "")
        switch (value["hours"], value["amount"]) {
        case (let hours?, nil):
            do { line.hours = try Hours(hours) } catch { throw fail(error.message) }
        case (nil, let amount?): line.amountText = amount
        case (nil, nil): throw fail("give hours or an amount")
        case (.some, .some): throw fail("give hours or an amount, not both")
        }
        if let category = value["category"] {
            guard line.hours != nil else { throw fail("a category goes with hours, not an amount") }
            do { try Identifier.validateCategory(category) } catch { throw fail(error.message) }
            line.category = category
        }
        guard date <= today.text else { throw fail("the date \(date) is after today: care is credited once given") }
        line.memo = value["memo"]
        if let memo = line.memo {
            do { try Text.validate(memo, field: "memo", maxLength: 500) } catch { throw fail(error.message) }
        }
        return line
    }

    /// What makes the line's entry id, refusing a line that would share it with an earlier one.
    private mutating func identify(
        _ line: inout ImportFile.Line, _ value: [String: String], _ record: CSVReader.Record
    ) throws(ImportFile.Problem) {
        if let external = value["external_id"] {
            guard external.unicodeScalars.count <= 100 else {
                throw problem("the external_id is longer than 100 characters", record)
            }
            if let first = seenExternal[external] {
                throw problem("external_id \(external) is also on line \(first)", record)
            }
            seenExternal[external] = record.line
            line.externalID = external
            line.identity = "external:" + external
        } else {
            let content = [
                line.account.rawValue, line.date, value["hours"] ?? "", value["amount"] ?? "", line.category ?? "",
                line.memo ?? "",
            ]
            .joined(separator: "\u{1F}")
            if let first = seenContent[content] {
                throw problem("repeats line \(first); if both are meant, give each an external_id", record)
            }
            seenContent[content] = record.line
            line.identity = "line:" + content
        }
    }

    /// A real day written YYYY-MM-DD: the round trip refuses days the calendar does not have.
    static func isDate(_ text: String) -> Bool {
        guard text.utf8.count == 10, let time = Timestamp(rfc3339: text + "T00:00:00.000Z") else { return false }
        return time.rfc3339.hasPrefix(text)
    }
}
