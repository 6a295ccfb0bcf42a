import Foundation
import NoaberAudit
import NoaberCore

/// Turns records into lines one at a time, remembering what makes a line a repeat of another.
/// Each field is judged on its own, so a line with a bad date and a bad hours field is named
/// with both: nobody should fix one fault only to be told of the next.
struct LineReader: Sendable {
    let names: [String]
    let today: CalendarDate
    let delimiter: CSVReader.Delimiter
    var problems: [ImportFile.Problem] = []
    /// Whether a line repeating an earlier one is refused: a reading of bytes already found
    /// without repeats need not keep every line's key again (a million of them at a million lines).
    var checksRepeats = true
    var seenExternal: [String: Int] = [:]
    var seenContent: [String: Int] = [:]
    /// Whether each date written so far is a real day: a month's file has some thirty of them.
    var realDays: [String: Bool] = [:]

    /// What one line says, field by field, with every reason it cannot be imported.
    private struct Fields {
        var account: AccountID?
        var date: String?
        var hours: Hours?
        /// The hours or amount as written, with a decimal comma made a point.
        var hoursText: String?
        var amountText: String?
        var category: String?
        var memo: String?
        var externalID: String?
        var reasons: [String] = []
    }

    /// The record's line, or nil for a blank record or a bad one (its problem kept in `problems`).
    mutating func read(_ record: CSVReader.Record) -> ImportFile.Line? {
        let fields = record.fields
        if fields.allSatisfy({ $0.trimmingSpaces.isEmpty }) { return nil }
        guard fields.count == names.count else {
            // Which value is in which column is unknown, so none of them can be judged.
            problems.append(
                ImportFile.Problem(
                    line: record.line, reason: "\(fields.count) fields, but the header names \(names.count)"))
            return nil
        }
        var value: [String: String] = [:]
        for (name, field) in zip(names, fields) {
            let trimmed = field.trimmingSpaces
            if !trimmed.isEmpty { value[name] = trimmed }
        }
        var read = parse(value)
        identify(&read, line: record.line)
        guard read.reasons.isEmpty, let account = read.account, let date = read.date else {
            problems.append(
                ImportFile.Problem(
                    line: record.line, reasons: read.reasons, account: read.account, category: read.category,
                    amountText: read.amountText))
            return nil
        }
        return ImportFile.Line(
            number: record.line, account: account, date: date, hours: read.hours, amountText: read.amountText,
            category: read.category, memo: read.memo, externalID: read.externalID,
            identity: identity(read, account: account, date: date))
    }

    /// The line's values, each checked on its own.
    private mutating func parse(_ value: [String: String]) -> Fields {
        var read = Fields()
        if let text = value["account"] {
            read.account = try? AccountID(text)
            if read.account == nil { read.reasons.append("\"\(text)\" is not an account id") }
        } else {
            read.reasons.append("the account is empty")
        }
        if let date = value["date"], isRealDay(date) {
            read.date = date
            if date > today.text { read.reasons.append("the date \(date) is after today: care is credited once given") }
        } else {
            read.reasons.append("the date must be YYYY-MM-DD, not \"\(value["date"] ?? "")\"")
        }
        switch (value["hours"].map(decimal), value["amount"].map(decimal)) {
        case (let hours?, nil):
            read.hoursText = hours
            do { read.hours = try Hours(hours) } catch { read.reasons.append(error.message) }
        case (nil, let amount?): read.amountText = amount
        case (nil, nil): read.reasons.append("give hours or an amount")
        case (.some, .some): read.reasons.append("give hours or an amount, not both")
        }
        if let category = value["category"] {
            if value["hours"] == nil && value["amount"] != nil {
                read.reasons.append("a category goes with hours, not an amount")
            } else {
                do {
                    try Identifier.validateCategory(category)
                    read.category = category
                } catch { read.reasons.append(error.message) }
            }
        }
        if let memo = value["memo"] {
            do {
                try Text.validate(memo, field: "memo", maxLength: 500)
                read.memo = memo
            } catch { read.reasons.append(error.message) }
        }
        if let external = value["external_id"] {
            if external.unicodeScalars.count <= 100 {
                read.externalID = external
            } else {
                read.reasons.append("the external_id is longer than 100 characters")
            }
        }
        return read
    }

    /// Refuses a line that would share its entry id with an earlier one: the same external id, or,
    /// without one, the same content.
    private mutating func identify(_ read: inout Fields, line: Int) {
        guard checksRepeats else { return }
        if let external = read.externalID {
            if let first = seenExternal[external] {
                read.reasons.append("external_id \(external) is also on line \(first)")
            } else {
                seenExternal[external] = line
            }
        } else if read.reasons.isEmpty, let account = read.account, let date = read.date {
            let content = contentKey(read, account: account, date: date)
            if let first = seenContent[content] {
                read.reasons.append("repeats line \(first); if both are meant, give each an external_id")
            } else {
                seenContent[content] = line
            }
        }
    }

    /// Whether a line this reader read and one `other` read have one key: the same external id,
    /// or, without one, the same content.
    func sharesKey(with other: LineReader) -> Bool {
        func shared(_ one: [String: Int], _ two: [String: Int]) -> Bool {
            let (small, large) = one.count <= two.count ? (one, two) : (two, one)
            return small.keys.contains { large[$0] != nil }
        }
        return shared(seenExternal, other.seenExternal) || shared(seenContent, other.seenContent)
    }

    /// What makes the line's entry id.
    private func identity(_ read: Fields, account: AccountID, date: String) -> String {
        if let external = read.externalID { return "external:" + external }
        return "line:" + contentKey(read, account: account, date: date)
    }

    /// A line's content as its entry id has always been made of it (a decimal comma, which only
    /// semicolon files may have, counts as the point it means, so re-saving a file keeps its ids).
    private func contentKey(_ read: Fields, account: AccountID, date: String) -> String {
        [
            account.rawValue, date, read.hoursText ?? "", read.amountText ?? "", read.category ?? "",
            read.memo ?? "",
        ]
        .joined(separator: "\u{1F}")
    }

    /// In a semicolon-separated file the comma is the decimal mark, as Excel writes numbers where
    /// it separates with semicolons ("2,5"). A comma in a comma-separated file's number, or a
    /// number with both marks ("1.234,50"), is left for the number's own check to refuse.
    private func decimal(_ text: String) -> String {
        guard delimiter == .semicolon, !text.contains("."), text.count(where: { $0 == "," }) == 1 else { return text }
        return text.replacingOccurrences(of: ",", with: ".")
    }

    private mutating func isRealDay(_ text: String) -> Bool {
        if let known = realDays[text] { return known }
        let real = Self.isDate(text)
        if realDays.count < 10_000 { realDays[text] = real }
        return real
    }

    /// A real day written YYYY-MM-DD: the round trip refuses days the calendar does not have.
    static func isDate(_ text: String) -> Bool {
        guard text.utf8.count == 10, let time = Timestamp(rfc3339: text + "T00:00:00.000Z") else { return false }
        return time.rfc3339.hasPrefix(text)
    }
}

extension String {
    /// As `trimmingCharacters(in: .whitespaces)` (tabs and Unicode's space separators), without
    /// Foundation's bridging, which was a tenth of a million-line import's reading: a field
    /// without spaces at its ends is returned as it is.
    var trimmingSpaces: String {
        // ASCII's only space separator is the space: the Unicode tables are asked only beyond
        // it (they were a twentieth of an import's CPU, asked for every field's ends).
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII ? scalar == " " || scalar == "\t" : scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last, isSpace(first) || isSpace(last) else { return self }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end && isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start && isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }
}
