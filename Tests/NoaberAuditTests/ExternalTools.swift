import Foundation
import NoaberCore
import NoaberTestSupport

/// hledger and beancount as installed on this machine (Debian packages), found on PATH. Tests
/// that need one are skipped, with the reason printed, where it is missing; nothing is installed.
enum ExternalTools {
    static let hledger = onPath("hledger")
    static let beanCheck = onPath("bean-check")
    static let beanQuery = onPath("bean-query")

    /// Writes `text` to a temporary file, runs `tool` with the file's path in place of `{}`, and removes the file.
    static func run(_ tool: String, _ arguments: [String], on text: String, suffix: String) throws -> CommandResult {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "noaber-export-\(UUID().uuidString)\(suffix)")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        // hledger reads the journal in the locale's encoding.
        return try runProcess(
            URL(fileURLWithPath: tool), arguments.map { $0 == "{}" ? file.path : $0 },
            environment: .inherited(adding: ["LANG": "C.UTF-8"]))
    }

    /// `hledger balance` of a journal, by account name, in minor units at `scale`.
    static func hledgerBalances(_ journal: String, scale: Int) throws -> [String: Int64] {
        let result = try run(
            hledger!, ["-f", "{}", "balance", "--flat", "--no-total", "--strict", "-O", "csv"], on: journal,
            suffix: ".journal")
        guard result.status == 0 else { throw ToolError("hledger failed (\(result.status)): \(result.stderr)") }
        var balances: [String: Int64] = [:]
        // Rows are "account","-25.00 ZMT" (a quoted symbol's quotes doubled), or "account","0".
        for line in result.stdout.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.dropFirst().dropLast().components(separatedBy: "\",\"")
            guard fields.count == 2, let number = fields[1].split(separator: " ").first else {
                throw ToolError("unexpected hledger row: \(line)")
            }
            balances[fields[0]] = try Money.parse(String(number), scale: scale, allowNegative: true)
        }
        return balances
    }

    /// The tags hledger reads on each transaction (`hledger print -O json`), as [name, value] pairs in
    /// order, by the transaction's code, which is Noaber's seq; the opening balances have none.
    static func hledgerTags(_ journal: String) throws -> [Int64: [[String]]] {
        struct Printed: Decodable {
            var tcode: String
            var ttags: [[String]]
        }
        let result = try run(
            hledger!, ["-f", "{}", "print", "--strict", "-O", "json"], on: journal, suffix: ".journal")
        guard result.status == 0 else { throw ToolError("hledger failed (\(result.status)): \(result.stderr)") }
        var tags: [Int64: [[String]]] = [:]
        for printed in try JSONDecoder().decode([Printed].self, from: Data(result.stdout.utf8)) {
            guard let seq = Int64(printed.tcode) else { continue }
            guard tags.updateValue(printed.ttags, forKey: seq) == nil else {
                throw ToolError("two transactions have code \(seq)")
            }
        }
        return tags
    }

    /// `bean-check` must pass silently; then `bean-query`'s values of the metadata `keys` of each
    /// transaction, by its `seq` metadata (an absent key reads as ""); the opening balances have none.
    static func beancountMetadata(_ ledger: String, keys: [String]) throws -> [Int64: [String]] {
        let check = try run(beanCheck!, ["{}"], on: ledger, suffix: ".beancount")
        guard check.status == 0, check.stdout.isEmpty, check.stderr.isEmpty else {
            throw ToolError("bean-check refused the ledger (\(check.status)): \(check.stdout)\(check.stderr)")
        }
        let columns = (["seq"] + keys).map { "entry_meta('\($0)')" }.joined(separator: ", ")
        let query = try run(
            beanQuery!, ["-f", "csv", "{}", "SELECT DISTINCT \(columns)"], on: ledger, suffix: ".beancount")
        guard query.status == 0 else { throw ToolError("bean-query failed (\(query.status)): \(query.stderr)") }
        var metadata: [Int64: [String]] = [:]
        for record in try CSVRecords.parse(query.stdout).dropFirst() {
            guard record.count == keys.count + 1 else { throw ToolError("unexpected bean-query row: \(record)") }
            guard let seq = Int64(record[0]) else { continue }
            guard metadata.updateValue(Array(record.dropFirst()), forKey: seq) == nil else {
                throw ToolError("seq \(seq) has two sets of metadata")
            }
        }
        return metadata
    }

    /// `bean-check` must pass silently; then `bean-query`'s balance of every account, in minor units.
    static func beancountBalances(_ ledger: String, scale: Int) throws -> [String: Int64] {
        let check = try run(beanCheck!, ["{}"], on: ledger, suffix: ".beancount")
        guard check.status == 0, check.stdout.isEmpty, check.stderr.isEmpty else {
            throw ToolError("bean-check refused the ledger (\(check.status)): \(check.stdout)\(check.stderr)")
        }
        let query = try run(
            beanQuery!, ["-f", "csv", "{}", "SELECT account, sum(position) GROUP BY account"], on: ledger,
            suffix: ".beancount")
        guard query.status == 0 else { throw ToolError("bean-query failed (\(query.status)): \(query.stderr)") }
        var balances: [String: Int64] = [:]
        // Rows are "Assets:Vol:Piet   , 5.00 ZMT", padded; a zero sum is empty.
        for line in query.stdout.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            guard fields.count == 2 else { throw ToolError("unexpected bean-query row: \(line)") }
            let account = fields[0].trimmingCharacters(in: .whitespaces)
            let number = fields[1].split(separator: " ").first.map(String.init) ?? "0"
            balances[account] = try Money.parse(number, scale: scale, allowNegative: true)
        }
        return balances
    }
}

struct ToolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
