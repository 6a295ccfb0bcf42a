import ArgumentParser
import NoaberCore
import NoaberHashing
import NoaberProtocol

struct Key: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register, revoke and list the keys that may sign entries.",
        subcommands: [Add.self, Revoke.self, List.self])
}

extension Key {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a public key with a role (signed by an admin).")

        @OptionGroup var signing: SigningOptions

        @Option(name: .customLong("pub"), help: "The public key file to register (FILE.pub from keygen).")
        var publicKey: String

        @Option(help: "A label for people, e.g. \"coordinator Anja\".")
        var label: String

        @Option(help: "admin, operator, member or auditor.")
        var role: KeyRole

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let key = try loadPublicKey(publicKey)
            let result = try await Session.with(connection) { session in
                try await session.submit(.keyAdd(KeyAdd(key: KeySpec(publicKey: key, label: label, role: role))), signing: signing)
            }
            if output.json {
                try printReceipt(result, "", output: output, extra: ["key_id": key.keyID.hex])
            } else {
                print(key.keyID.hex)
                try printReceipt(result, "key added", output: output)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key: it signs nothing from this entry on.")

        @OptionGroup var signing: SigningOptions

        @Argument(help: "The id of the key to revoke.")
        var keyID: String

        @Option(help: "Why, for the record.")
        var reason: String?

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard KeyID(hex: keyID) != nil else { throw ValidationError("KEYID must be 32 hex characters") }
        }

        func run() async throws {
            let target = KeyID(hex: keyID)!
            let result = try await Session.with(connection) { session in
                try await session.submit(.keyRevoke(KeyRevoke(keyID: target, reason: reason)), signing: signing)
            }
            try printReceipt(result, "key \(target.hex) revoked", output: output)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every key ever registered.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let keys = try await Session.with(connection) { try await $0.client.call(.keyList, NoParams(), as: KeyList.self) }
            if output.json { return try printJSON(keys) }
            var table = Table(headers: ["KEY ID", "ROLE", "LABEL", "ADDED", "REVOKED"], rightAligned: [3, 4])
            for k in keys.keys {
                table.rows.append([k.keyId, k.role, k.label, "\(k.addedSeq)", k.revokedSeq.map(String.init) ?? "-"])
            }
            print(table.render())
        }
    }
}
