import Foundation
import NoaberCore
import NoaberProtocol

extension StatementRenderer {
    /// Lines per printed A4 page: the rows are sized so that this many fit, and a page break
    /// follows each such run, with the column headings repeated on the next page.
    static let linesPerPage = 40

    /// Every text escaped, so a memo or name can never become markup.
    static func escaped(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Only the memo (class `m`) wraps, taking the width the other columns leave; dates sit in cells
    /// of their own (class `d`) that never wrap. Printed at 7.5 pt, a line of a row is ~16 px, so
    /// `linesPerPage` fit on A4; a break follows each such run, counting the opening balance. That
    /// holds for Arial's widths (Liberation Sans, Helvetica and Nimbus Sans share them): a wider
    /// face such as DejaVu Sans, some browsers' default sans-serif, wraps memos onto more lines.
    static let style = """
        body{font-family:Arial,"Liberation Sans",Helvetica,"Nimbus Sans",sans-serif;font-size:10pt;margin:2em}table{border-collapse:collapse;width:100%}\
        td,th{border-bottom:1px solid #ccc;padding:1px .3em;text-align:left;vertical-align:top;line-height:1.25;\
        white-space:nowrap}.m{white-space:normal;width:100%}.n{text-align:right}.d{white-space:nowrap}\
        .contact{margin-top:-.5em;color:#444}\
        thead{display:table-header-group}tr{break-inside:avoid}tr.break{break-after:page}\
        @page{size:A4;margin:12mm}@media print{body{margin:0;font-size:7.5pt}h1{font-size:14pt;margin:0 0 .3em}}
        """

    /// A page a volunteer can print: the organisation and its contact line, the period, and the
    /// lines with names for counterparties and categories, in the statement's language.
    func html() -> String {
        let e = Self.escaped
        let w = words
        var rows = [
            "<tr><td colspan=9>\(e(cap(w.openingBalance)))</td><td class=n>\(e(money(opening)))</td></tr>"
        ]
        for line in lines {
            rows.append(
                "<tr><td class=n>\(line.seq)</td><td class=d>\(e(date(line)))</td><td class=d>\(e(otherDate(line)))</td>"
                    + "<td>\(e(w.purpose(line.purpose)))</td><td>\(e(counterpartyNames(line).joined(separator: ", ")))</td>"
                    + "<td class=n>\(e(line.hours ?? ""))</td><td>\(e(categoryName(line)))</td><td class=m>\(e(note(line)))</td>"
                    + "<td class=n>\(e(money(line.amount)))</td><td class=n>\(e(money(line.balanceAfter)))</td></tr>")
        }
        for index in stride(from: Self.linesPerPage - 1, to: rows.count - 1, by: Self.linesPerPage) {
            rows[index] = rows[index].replacingOccurrences(of: "<tr>", with: "<tr class=break>", options: .anchored)
        }
        let headers = [
            ("n", w.seq), ("", w.date), ("", otherDateHeader), ("", w.what), ("", w.counterparty), ("n", w.hours),
            ("", w.category), ("", w.note), ("n", w.amount), ("n", w.balance),
        ].map { css, text in (css.isEmpty ? "<th>" : "<th class=\(css)>") + e(cap(text)) + "</th>" }.joined()
        let contactLine = contact.map { "<p class=contact>\(e($0))</p>\n" } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8"><title>\(e(organisation)): \(e(account.name))</title>
            <style>\(Self.style)</style>
            </head><body>
            <h1>\(e(organisation))</h1>
            \(contactLine)<p>\(e(cap(w.statementOf))) <strong>\(e(account.name))</strong> (\(e(account.account))), \(e(period)), \(e(w.inCurrency)) \(e(currency.name)) (\(e(currency.code)))</p>
            <table><thead><tr>\(headers)</tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            <tr><td colspan=9><strong>\(e(cap(w.closingBalance)))</strong></td><td class=n><strong>\(e(money(closing)))</strong></td></tr>
            </tbody></table>
            </body></html>

            """
    }

    private func cap(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}
