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

    @Option(help: "First day (YYYY-MM-DD, UTC); default: from the start.")
    var from: String?

    @Option(help: "Last day (YYYY-MM-DD, UTC), included; default: up to now.")
    var to: String?

    @Option(help: "month, category or issuer.")
    var by: ReportBuilder.Grouping = .month

    @Option(help: "text, csv or json.")
    var format: Report.Format = .text

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        for (name, day) in [("--from", from), ("--to", to)] {
            if let day, CalendarDate(day) == nil {
                throw ValidationError("\(name) \(day) is not a date like 2026-11-30")
            }
        }
        if let from, let to, to < from { throw ValidationError("--to \(to) is before --from \(from)") }
    }

    func run() async throws {
        let text = try await Session.with(connection) { session in
            var builder = ReportBuilder(
                grouping: by, from: from.flatMap(CalendarDate.init), to: to.flatMap(CalendarDate.init))
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
