import ArgumentParser
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport

struct Key: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register, revoke and list the keys that may sign entries.",
        subcommands: [Add.self, Revoke.self, List.self])
}

extension Key {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a public key with a role (signed by an admin).")

        @OptionGroup var signing: SigningOptions

        @Option(
            name: .customLong("pub"),
            help:
                "The public key file to register (FILE.pub from keygen); for --role log, default: the daemon's log key."
        )
        var publicKey: String?

        @Option(help: "A label for people, e.g. \"coordinator Anja\".")
        var label: String

        @Option(help: "admin, operator, member, auditor, or log (the daemon's checkpoint key).")
        var role: KeyRole

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if publicKey == nil && role != .log {
                throw ValidationError("--pub is required (only a log key defaults to the daemon's)")
            }
        }

        func run() async throws {
            let given = try publicKey.map(loadPublicKey)
            let (result, key) = try await Session.with(connection) { session in
                let key = try given ?? Key.daemonLogKey(session.status)
                return (
                    try await session.submit(
                        .keyAdd(KeyAdd(key: KeySpec(publicKey: key, label: label, role: role))), signing: signing), key
                )
            }
            if output.json {
                try printReceipt(result, "", output: output, extra: ["key_id": key.keyID.hex])
            } else {
                print(key.keyID.hex)
                try printReceipt(result, "key added", output: output)
            }
        }
    }

    /// The log key the daemon reports holding; an admin announcing it vouches for this daemon.
    static func daemonLogKey(_ status: StatusResult) throws -> Ed25519PublicKey {
        guard let hex = status.logPublicKey, let raw = Hex.decodeLowercase(hex),
            let key = try? Ed25519PublicKey(rawRepresentation: raw)
        else {
            throw ClientFailure("the daemon reports no log key; give --pub with the log key's public key file")
        }
        return key
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
            let keys = try await Session.with(connection) {
                try await $0.client.call(.keyList, NoParams(), as: KeyList.self)
            }
            if output.json { return try printJSON(keys) }
            var table = Table(headers: ["KEY ID", "ROLE", "LABEL", "ADDED", "REVOKED"], rightAligned: [3, 4])
            for k in keys.keys {
                table.rows.append([k.keyId, k.role, k.label, "\(k.addedSeq)", k.revokedSeq.map(String.init) ?? "-"])
            }
            print(table.render())
        }
    }
}
