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
            Dates are UTC days, both included. Lines are selected and ordered by their care date (the day \
            of care a credit names, else the day it was committed; a reversal counts on the day of what it \
            undoes), so November's hours imported in December are on November's statement; \
            --by-commit-date selects by the day each entry was committed. Each line shows its seq (what \
            `noaber reverse` takes) and both days where they differ. Counterparties and categories show \
            by name (a person's name only to a reader entitled to it). --format html gives a page with the \
            organisation's name, its contact line and the currency that a volunteer can print (40 lines \
            to an A4 page). Text and html are in --lang, else the ledger's language setting; csv and json \
            keep English keys. Opening + the amounts = closing, always.
            """)

    @Argument(help: "The account id.")
    var account: Parsed<AccountID>

    @OptionGroup var days: DayRangeOptions
    @OptionGroup var basis: DateBasisOptions
    @OptionGroup var language: LanguageOptions

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
            var statement: StatementResult?
            var lines: [HistoryLineInfo] = []
            var counterparties: [String: CounterpartyInfo] = [:]
            var categories: [String: CategoryName] = [:]
            var afterSeq: Int64 = 0
            var afterDate: String?
            while true {
                var params =
                    basis.byCommitDate
                    ? StatementParams(account: account.text, fromTime: days.fromTime, toTime: days.toTime)
                    : StatementParams(account: account.text, fromDate: days.from, toDate: days.to)
                params.afterSeq = afterSeq
                params.afterDate = basis.byCommitDate ? nil : afterDate
                let page = try await session.client.call(.accountStatement, params, as: StatementResult.self)
                if statement == nil { statement = page }
                lines += page.lines
                for named in page.counterpartyAccounts ?? [] { counterparties[named.account] = named }
                for named in page.categoryNames ?? [] { categories[named.category] = named }
                guard page.more, let last = page.lines.last else {
                    statement?.closing = page.closing
                    break
                }
                afterSeq = last.seq
                afterDate = last.careDate
            }
            guard let statement else { throw ClientFailure("the daemon sent no statement") }
            let renderer = StatementRenderer(
                organisation: session.ledger?.name ?? "", currency: session.currency, account: statement.account,
                from: days.from, to: days.to, byCommitDate: basis.byCommitDate, opening: statement.opening,
                lines: lines, closing: statement.closing,
                counterparties: counterparties.values.sorted { $0.account < $1.account },
                categories: categories.values.sorted { $0.category < $1.category },
                language: language.language(session.status.settings), contact: session.status.settings?.contact)
            return try renderer.render(output.json ? .json : format)
        }
        if let out { try ExportOutput.writeWhole(text, to: out) } else { print(text, terminator: "") }
    }
}
