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

    @OptionGroup var days: DayRangeOptions

    @Option(help: "text, csv, json or html.")
    var format: StatementRenderer.Format = .text

    @Option(help: "Write to this file instead of standard output.")
    var out: String?

    @OptionGroup var connection: ConnectionOptions
    /// `--json`, as every command that prints data takes it: the same as `--format json`.
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try account.value("")
    }

    func run() async throws {
        let text = try await Session.with(connection) { session in
            let (fromTime, toTime) = (days.fromTime, days.toTime)
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
                organisation: session.ledger?.name ?? "", currency: session.currency, account: accountInfo!,
                from: days.from,
                to: days.to,
                opening: opening ?? 0, lines: lines, closing: closing)
            return try renderer.render(output.json ? .json : format)
        }
        if let out { try ExportOutput.writeWhole(text, to: out) } else { print(text, terminator: "") }
    }
}
