import ArgumentParser
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberProtocol
import NoaberTransport

struct CategoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "category",
        abstract: "Care categories and their hour rates (e.g. personal care pays more per hour than shopping).",
        subcommands: [Set.self, List.self])
}

extension CategoryCommand {
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a care category or change its name or hour rate (signed by an admin).",
            discussion:
                "A new rate applies to credits from this entry on; credits already made keep the rate they record.")

        @Argument(help: "The category id: a-z 0-9 -, starting with a letter, e.g. persoonlijke-verzorging.")
        var category: String

        @Option(help: "Coins credited per hour of care in this category, e.g. 20.00.")
        var rate: String

        @Option(help: "A name for people (default: the id).")
        var name: String?

        @OptionGroup var signing: SigningOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            do { try Identifier.validateCategory(category) } catch { throw ValidationError(error.message) }
            try refuseNegative(rate, option: "--rate")
        }

        func run() async throws {
            let (result, text) = try await Session.with(connection) { session in
                let minor = try session.amount(rate, option: "--rate")
                let body = CategorySet(category: category, name: name ?? category, hourRate: minor)
                return (
                    try await session.submit(.categorySet(body), signing: signing),
                    "\(session.format(minor)) \(session.currency.code)"
                )
            }
            try printReceipt(result, "category \(category): \(text) per hour", output: output)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the care categories with the hour rate in force.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await Session.with(connection) { session in
                let list = try await session.client.call(.categoryList, NoParams(), as: CategoryList.self)
                if output.json { return try printJSON(list) }
                var table = Table(headers: ["CATEGORY", "NAME", "RATE/HOUR", "SINCE ENTRY"], rightAligned: [2, 3])
                for c in list.categories {
                    table.rows.append([
                        c.category, c.name, "\(session.format(c.hourRate)) \(session.currency.code)", "\(c.setSeq)",
                    ])
                }
                print(table.render())
                if list.categories.isEmpty {
                    print(
                        "(no categories yet: credits use the ledger's hour rate, \(session.format(session.hourRate)) \(session.currency.code))"
                    )
                }
            }
        }
    }
}
