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
            For entries committed in the period (UTC days, both included), by month, care category or \
            issuer: credits, hours, coins credited, active volunteers (members credited), coins redeemed \
            at merchants and transferred between members; and the coins in circulation at the end of the \
            period (what members and merchants hold, which equals minus what the issuers hold).
            """)

    @OptionGroup var days: DayRangeOptions

    @Option(help: "month, category or issuer.")
    var by: ReportBuilder.Grouping = .month

    @Option(help: "text, csv or json.")
    var format: Report.Format = .text

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let text = try await Session.with(connection) { session in
            var builder = ReportBuilder(
                grouping: by, from: days.from.flatMap(CalendarDate.init), to: days.to.flatMap(CalendarDate.init))
            reading: for try await page in EntryPages(client: session.client, through: session.status.entries) {
                for info in page {
                    guard try builder.add(info) else { break reading }
                }
            }
            return try builder.result().render(output.json ? .json : format)
        }
        print(text, terminator: "")
    }
}
