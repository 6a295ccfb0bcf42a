import ArgumentParser
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberProtocol
import NoaberTransport

struct StatementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statement",
        abstract: "An account's statement: opening balance, every entry with the running balance, closing balance.",
        discussion: """
            Dates are UTC days, both included. --format html gives a page with the organisation's name and \
            currency that a volunteer can print. Opening + the amounts = closing, always.
            """)

    @Argument(help: "The account id.")
    var account: Parsed<AccountID>

    @Option(help: "First day (YYYY-MM-DD, UTC); default: from the start.")
    var from: String?

    @Option(help: "Last day (YYYY-MM-DD, UTC), included; default: up to now.")
    var to: String?

    @Option(help: "text, csv, json or html.")
    var format: StatementRenderer.Format = .text

    @Option(help: "Write to this file instead of standard output.")
    var out: String?

    @OptionGroup var connection: ConnectionOptions
    /// `--json`, as every command that prints data takes it: the same as `--format json`.
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try account.value("")
        for (name, day) in [("--from", from), ("--to", to)] {
            if let day, CalendarDate(day) == nil {
                throw ValidationError("\(name) \(day) is not a date like 2026-11-30")
            }
        }
        if let from, let to, to < from { throw ValidationError("--to \(to) is before --from \(from)") }
    }

    /// The first moment of a UTC day.
    static func start(of day: String) -> Timestamp? { Timestamp(rfc3339: day + "T00:00:00.000Z") }

    func run() async throws {
        let text = try await Session.with(connection) { session in
            let fromTime = from.flatMap(Self.start(of:))?.rfc3339
            // --to is included: the period ends where the next day begins.
            let toTime = to.flatMap(Self.start(of:)).map {
                Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + 86_400_000).rfc3339
            }
            var lines: [HistoryLineInfo] = []
            var opening: Int64?
            var afterSeq: Int64 = 0
            var accountInfo: AccountInfo?
            var closing: Int64 = 0
            while true {
                let page = try await session.client.call(
                    .accountStatement,
                    StatementParams(account: account.text, fromTime: fromTime, toTime: toTime, afterSeq: afterSeq),
                    as: StatementResult.self)
                if opening == nil { opening = page.opening }
                accountInfo = page.account
                lines += page.lines
                closing = page.closing
                guard page.more, let last = page.lines.last else { break }
                afterSeq = last.seq
            }
            let renderer = StatementRenderer(
                organisation: session.ledger?.name ?? "", currency: session.currency, account: accountInfo!, from: from,
                to: to,
                opening: opening ?? 0, lines: lines, closing: closing)
            return try renderer.render(output.json ? .json : format)
        }
        if let out { try ExportOutput.writeWhole(text, to: out) } else { print(text, terminator: "") }
    }
}
