import ArgumentParser
import Foundation
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol

/// A controller given on the command line: a key id, or a public key file.
func controllerKey(_ text: String, option: String) throws -> KeyID {
    if let key = KeyID(hex: text) { return key }
    if FileManager.default.fileExists(atPath: text) { return try loadPublicKey(text).keyID }
    throw ClientFailure("\(option) \(text) is neither a 32-hex-character key id nor a public key file")
}

extension Account {
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an account from this entry on (signed by an admin or operator).",
            discussion: """
                Freeze it (it can neither pay nor be paid), unfreeze it, close it (only at a zero balance; \
                final), set a new minimum balance (refused if the balance already breaks it), add or remove \
                controller keys, or rename it. Nothing before this entry changes.
                """)

        @Argument(help: "The account id.")
        var account: Parsed<AccountID>

        @OptionGroup var signing: SigningOptions

        @Option(help: "open, frozen or closed.")
        var status: AccountStatus?

        @Option(
            name: .customLong("min-balance"), parsing: .unconditional,
            help: "The new lowest allowed balance (minus the credit limit for an issuer).")
        var minBalance: String?

        @Option(
            name: .customLong("add-controller"),
            help: "A key id (or .pub file) that may spend from the account from now on; repeatable.")
        var addControllers: [String] = []

        @Option(
            name: .customLong("remove-controller"),
            help: "A key id (or .pub file) that may no longer spend from it; repeatable.")
        var removeControllers: [String] = []

        @Option(help: "The new display name.")
        var name: String?

        @Option(help: "Why, for the record.")
        var reason: String?

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            _ = try account.value("")
            guard
                status != nil || minBalance != nil || !addControllers.isEmpty || !removeControllers.isEmpty
                    || name != nil
            else {
                throw ValidationError(
                    "give at least one change: --status, --min-balance, --add-controller, --remove-controller or --name"
                )
            }
        }

        func run() async throws {
            try await Account.update(
                account.value, status: status, minBalance: minBalance, add: addControllers, remove: removeControllers,
                name: name,
                reason: reason, signing: signing, connection: connection, output: output)
        }
    }

    /// What the status shortcuts share: the account, the signer and the reason.
    struct StatusChange: ParsableArguments {
        @Argument(help: "The account id.") var account: String
        @OptionGroup var signing: SigningOptions
        @Option(help: "Why, for the record.") var reason: String?
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func apply(_ status: AccountStatus) async throws {
            // No validate() here: a bad id is refused as it always was, when the command runs.
            let id: AccountID
            do { id = try AccountID(account) } catch { throw ClientFailure(error.message) }
            try await Account.update(
                id, status: status, reason: reason, signing: signing, connection: connection, output: output)
        }
    }

    struct Freeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Freeze an account: it can neither pay nor be paid until unfrozen.")
        @OptionGroup var change: StatusChange
        func run() async throws { try await change.apply(.frozen) }
    }

    struct Unfreeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unfreeze an account.")
        @OptionGroup var change: StatusChange
        func run() async throws { try await change.apply(.open) }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close an account for good; only at a zero balance.")
        @OptionGroup var change: StatusChange
        func run() async throws { try await change.apply(.closed) }
    }

    /// Builds and submits one `account.update`. Controllers to add or remove are applied to the
    /// list the daemon reports; the entry then carries the whole new list, which the rules check.
    static func update(
        _ id: AccountID, status: AccountStatus? = nil, minBalance: String? = nil, add: [String] = [],
        remove: [String] = [],
        name: String? = nil, reason: String?, signing: SigningOptions, connection: ConnectionOptions,
        output: OutputOptions
    ) async throws {
        let adding = try add.map { try controllerKey($0, option: "--add-controller") }
        let removing = try remove.map { try controllerKey($0, option: "--remove-controller") }
        let result = try await Session.with(connection) { session in
            var body = AccountUpdate(account: id, status: status, name: name, reason: reason)
            body.minBalance = try minBalance.map {
                try session.amount($0, option: "--min-balance", allowNegative: true, allowZero: true)
            }
            if !adding.isEmpty || !removing.isEmpty {
                var controllers = try await session.account(id.rawValue).controllers.compactMap(KeyID.init(hex:))
                for key in removing {
                    guard controllers.contains(key) else {
                        throw ClientFailure("\(key.hex) is not a controller of \(id)")
                    }
                    controllers.removeAll { $0 == key }
                }
                for key in adding where !controllers.contains(key) { controllers.append(key) }
                body.controllers = controllers
            }
            return try await session.submit(.accountUpdate(body), signing: signing)
        }
        let what =
            switch status {
            case .frozen?: "frozen"
            case .open?: "open"
            case .closed?: "closed"
            case nil: "changed"
            }
        try printReceipt(result, "account \(id) \(what == "open" ? "unfrozen" : what)", output: output)
    }
}
