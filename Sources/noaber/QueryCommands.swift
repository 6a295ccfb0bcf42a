import ArgumentParser
import Foundation
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberProtocol
import NoaberTransport

struct Balance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show an account's balance.")

    @Argument(help: "The account id.")
    var account: String

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await Session.with(connection) { session in
            let info = try await session.account(account)
            if output.json {
                struct Output: Encodable {
                    var account, name, kind, status, balance, currency, minBalance: String
                    var minorUnits: Int64
                }
                return try printJSON(
                    Output(
                        account: info.account, name: info.name, kind: info.kind, status: info.status,
                        balance: session.format(info.balance), currency: session.currency.code,
                        minBalance: session.format(info.minBalance), minorUnits: info.balance))
            }
            print("\(info.account)  \(info.name)  \(session.format(info.balance)) \(session.currency.code)")
        }
    }
}

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the entries that touched an account, newest first, with the running balance.",
        discussion: """
            Each line starts with the entry's seq, which `noaber reverse` takes; a reversal shows what it \
            undid and why, and a reversed entry which entry undid it.
            """)

    @Argument(help: "The account id.")
    var account: String

    @Option(help: "How many entries (1 to 1000).")
    var limit = 20

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1 to 1000") }
    }

    func run() async throws {
        try await Session.with(connection) { session in
            let history = try await session.client.call(
                .accountHistory, HistoryParams(account: account, limit: limit), as: HistoryResult.self)
            if output.json {
                struct Line: Encodable {
                    var seq: Int64
                    var entryId, committedAt: String
                    var purpose, memo, hours, careDate, reason, reverses: String?
                    var reversesSeq, reversedBy: Int64?
                    var counterparties: [String]
                    var amount, balanceAfter: String
                    var minorUnits, balanceAfterMinorUnits: Int64
                }
                struct Output: Encodable {
                    var account, currency: String
                    var lines: [Line]
                }
                return try printJSON(
                    Output(
                        account: history.account, currency: session.currency.code,
                        lines: history.lines.map {
                            Line(
                                seq: $0.seq, entryId: $0.entryId, committedAt: $0.committedAt, purpose: $0.purpose,
                                memo: $0.memo, hours: $0.hours, careDate: $0.careDate, reason: $0.reason,
                                reverses: $0.reverses, reversesSeq: $0.reversesSeq, reversedBy: $0.reversedBy,
                                counterparties: $0.counterparties,
                                amount: session.format($0.amount), balanceAfter: session.format($0.balanceAfter),
                                minorUnits: $0.amount, balanceAfterMinorUnits: $0.balanceAfter)
                        }))
            }
            var table = Table(
                headers: [
                    "SEQ", "WHEN (UTC)", "CARE DATE", "WHAT", "COUNTERPARTY", "HOURS", "AMOUNT", "BALANCE", "NOTE",
                ],
                rightAligned: [0, 5, 6, 7])
            for line in history.lines {
                // The care date only where it is not the commit day, as statements show it.
                let careDate = line.careDate.flatMap { $0 == line.committedAt.prefix(10) ? nil : $0 } ?? ""
                table.rows.append([
                    "\(line.seq)", String(line.committedAt.prefix(16)).replacingOccurrences(of: "T", with: " "),
                    careDate,
                    line.purpose ?? "-", line.counterparties.joined(separator: ","), line.hours ?? "",
                    session.format(line.amount), session.format(line.balanceAfter), StatementRenderer.note(line),
                ])
            }
            print(table.render())
            if history.lines.isEmpty { print("(no entries for \(history.account) yet)") }
        }
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the daemon's and the ledger's state.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let status = try await Session.with(connection, requireInitialised: false) { $0.status }
        if output.json { return try printJSON(status) }
        var lines: [(String, String)] = []
        if status.initialised, let currency = status.currency {
            lines += [
                ("ledger", "\(status.name ?? "") (\(status.ledgerId ?? ""))"),
                ("currency", "\(currency.code), \(currency.name), \(currency.scale) decimals"),
                ("hour rate", "\(Money.format(status.hourRate ?? 0, scale: currency.scale)) \(currency.code)"),
            ]
        } else {
            lines.append(("ledger", "not initialised (run `noaber init`)"))
        }
        lines += [
            ("entries", "\(status.entries)"),
            ("head hash", status.headHash),
            ("head time", status.headTime ?? "-"),
            (
                "log key",
                status.logKey
                    ?? (!status.initialised
                        ? "-"
                        : status.logKeyRevoked == true
                            ? "revoked; start noaberd with a new --log-key file, then an admin announces it with `noaber key add --role log`"
                            : "not announced; an admin runs `noaber key add --role log --label log --key ADMIN.key`")
            ),
            (
                "checkpoint",
                status.checkpointSize.map { "\(counted($0, "entry", "entries")) (`noaber checkpoint` prints it)" }
                    ?? "none yet"
            ),
        ]
        if let hold = status.checkpointHold { lines.append(("hold", "checkpoints held: \(hold.message)")) }
        if let settings = status.settings {
            lines.append(("claims", "expire after \(counted(settings.claimExpiryDays, "day")) undecided"))
            lines.append(
                (
                    "demurrage",
                    settings.demurrage.map {
                        "\($0.ratePpm) ppm per \($0.period) to \($0.account); next charge at \($0.next)"
                    } ?? "off"
                ))
        }
        lines += [
            ("database", "\(status.databaseBytes) bytes, schema version \(status.schemaVersion)"),
            ("uptime", "\(status.uptimeSeconds) s"),
            ("commits", "\(status.entriesCommitted) entries in \(status.groupCommits) group commits since start"),
            ("daemon", "noaberd \(status.version) at \(try connection.endpoint)"),
        ]
        for (name, value) in lines { print(name.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + value) }
    }
}
