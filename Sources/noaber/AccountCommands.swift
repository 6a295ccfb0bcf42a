import ArgumentParser
import Foundation
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport

struct Account: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open, change, show and list accounts.",
        subcommands: [Open.self, Update.self, Freeze.self, Unfreeze.self, Close.self, Show.self, List.self])
}

extension Account {
    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open an account (signed by an admin or operator).",
            discussion: """
                Account ids are lowercase parts joined by ':' and are in the signed chain for good, so \
                give people pseudonymous ids: vol:0042, not vol:jan-peeters (e.g. org:zorgkring, \
                shop:bakker for organisations). The name is personal data: on a ledger of entry format \
                2 it is kept beside the chain and can be erased (noaber erase --account vol:0042).
                Example: noaber account open vol:0042 --kind member --name "Jan Peeters" \
                --controller jan.pub --key coordinator.key
                """)

        @Argument(help: "The new account's id.")
        var account: Parsed<AccountID>

        @OptionGroup var signing: SigningOptions

        @Option(help: "issuer (a care organisation), member (a volunteer) or merchant (a shop or service).")
        var kind: AccountKind

        @Option(help: "Display name (personal data: erasable on an entry format 2 ledger).")
        var name: String

        @Option(
            name: .customLong("min-balance"), parsing: .unconditional,
            help:
                "Lowest allowed balance: 0 for members and merchants, minus the credit limit for an issuer (e.g. -10000.00)."
        )
        var minBalance = "0"

        @Option(
            name: .customLong("controller"),
            help: "A key id (or .pub file) that may spend from the account; repeat for more.")
        var controllers: [String] = []

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !controllers.isEmpty else { throw ValidationError("give at least one --controller") }
            _ = try account.value("")
        }

        func run() async throws {
            let id = account.value
            let keys = try controllers.map { try controllerKey($0, option: "--controller") }
            let result = try await Session.with(connection) { session in
                let minimum = try session.amount(
                    minBalance, option: "--min-balance", allowNegative: true, allowZero: true)
                let body = AccountOpen(
                    account: id, accountKind: kind, name: name, minBalance: minimum, controllers: keys)
                return try await session.submit(.accountOpen(body), signing: signing)
            }
            try printReceipt(result, "account \(id) opened", output: output)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account: kind, status, limit, controllers, balance.")

        @Argument(help: "The account id.")
        var account: String

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await Session.with(connection) { session in
                let info = try await session.account(account)
                if output.json { return try printJSON(info) }
                print(
                    """
                    account      \(info.account)
                    name         \(info.name)
                    kind         \(info.kind)
                    status       \(info.status)
                    balance      \(session.format(info.balance)) \(session.currency.code)
                    min balance  \(session.format(info.minBalance)) \(session.currency.code)
                    controllers  \(info.controllers.joined(separator: ", "))
                    opened by    entry \(info.openedSeq)
                    """)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List all accounts with their balances.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await Session.with(connection) { session in
                let list = try await session.client.call(.accountList, NoParams(), as: AccountList.self)
                if output.json { return try printJSON(list) }
                var table = Table(headers: ["ACCOUNT", "KIND", "STATUS", "NAME", "BALANCE"], rightAligned: [4])
                for a in list.accounts {
                    table.rows.append([a.account, a.kind, a.status, a.name, session.format(a.balance)])
                }
                print(table.render())
            }
        }
    }
}
