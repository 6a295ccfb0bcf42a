import ArgumentParser
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberProtocol
import NoaberTransport

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Figures for funders and the municipality: hours and coins credited, volunteers, redemptions, circulation.",
        discussion: """
            For the period (UTC days, both included), by month, care category or issuer: credits, hours, \
            coins credited, active volunteers (members credited), coins redeemed at merchants, transferred \
            between members and charged as demurrage; and the coins in circulation at the end of the period \
            (what members and merchants hold, which equals minus what the issuers hold). Entries count on \
            their care date (the day of care a credit names, else the day it was committed), so a month's \
            report made in the next month shows that month's figures; --by-commit-date counts them on the \
            day they were committed. Categories and issuers are those of credits: redemptions and transfers \
            count in the total only. A reversal takes back what it reverses, from its month, category and \
            issuer; the reversed column says how much was taken back. Categories and issuers show by name. \
            Text is in --lang, else the ledger's language setting; csv and json keep English keys.
            """)

    @OptionGroup var days: DayRangeOptions
    @OptionGroup var basis: DateBasisOptions
    @OptionGroup var language: LanguageOptions

    @Option(help: "month, category or issuer.")
    var by: ReportBuilder.Grouping = .month

    @Option(help: "text, csv or json.")
    var format: Report.Format = .text

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let text = try await Session.with(connection) { session in
            var builder = ReportBuilder(
                grouping: by, from: days.from.flatMap(CalendarDate.init), to: days.to.flatMap(CalendarDate.init),
                byCommitDate: basis.byCommitDate)
            // A reversal is netted against what it reverses, fetched when one comes by (they are few),
            // so that memory stays with the report's rows rather than every credit.
            let original = { (id: String) async throws -> EntryInfo? in
                try await session.client.call(.entryGet, EntryGetParams(id: id), as: EntryInfo.self)
            }
            reading: for try await page in EntryPages(client: session.client, through: session.status.entries) {
                for info in page {
                    guard try await builder.add(info, original: original) else { break reading }
                }
            }
            var report = try builder.result()
            report.language = language.language(session.status.settings)
            return try report.render(output.json ? .json : format)
        }
        print(text, terminator: "")
    }
}
