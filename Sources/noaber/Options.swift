import ArgumentParser
import Foundation
import NoaberClient
import NoaberTransport

/// Where this computer's daemon socket is. `dial-stdio` takes only this: it is the far end of
/// `--host`, and must never follow a `$NOABER_HOST` of its own.
struct SocketOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "The daemon's Unix socket (default: $NOABER_SOCKET, ./data/noaberd.sock, /run/noaber/noaberd.sock).")
    var socket: String?

    var socketPath: String {
        if let socket { return socket }
        if let env = ProcessInfo.processInfo.environment["NOABER_SOCKET"], !env.isEmpty { return env }
        if FileManager.default.fileExists(atPath: "./data/noaberd.sock") { return "./data/noaberd.sock" }
        return "/run/noaber/noaberd.sock"
    }
}

/// Where the daemon is: a socket on this computer, or a daemon on another reached over ssh.
struct ConnectionOptions: ParsableArguments {
    @OptionGroup var local: SocketOptions

    @Option(
        name: .long,
        help: """
            Reach noaberd on another computer over ssh: ssh://[user@]server[:port] (default: $NOABER_HOST \
            unless --socket is given). Runs `ssh server noaber dial-stdio` ($NOABER_SSH replaces `ssh`); \
            keys and signing stay here.
            """)
    var host: String?

    @Option(name: .long, help: "With --host: the daemon's socket on the server (default: the server's own default).")
    var remoteSocket: String?

    @Option(
        name: .long,
        help: "Talk only to the ledger with this id, as `noaber init` printed it (default: $NOABER_LEDGER).")
    var ledger: String?

    /// The host asked for: --host; else, unless --socket names a local daemon, $NOABER_HOST.
    private var hostSetting: String? {
        if let host { return host }
        if local.socket != nil { return nil }
        let env = ProcessInfo.processInfo.environment["NOABER_HOST"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        return env?.isEmpty == false ? env : nil
    }

    /// How to reach the daemon; a host that does not parse was already refused by `validate`.
    var endpoint: Endpoint {
        get throws {
            guard let setting = hostSetting else { return .unixSocket(path: local.socketPath) }
            let ssh = ProcessInfo.processInfo.environment["NOABER_SSH"]
            return try SSHHost(parsing: setting).endpoint(sshCommand: ssh, remoteSocket: remoteSocket)
        }
    }

    /// The ledger id the user pinned, if any: --ledger, else $NOABER_LEDGER.
    var pinnedLedger: String? {
        if let ledger { return ledger }
        if let env = ProcessInfo.processInfo.environment["NOABER_LEDGER"] {
            let trimmed = env.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { return trimmed }
        }
        return nil
    }

    @Option(
        name: .long,
        help: "Your private key file: it signs what you write and your reads (default: $NOABER_KEY).")
    var key: String?

    /// The key file given: --key, else $NOABER_KEY.
    var keyPath: String? {
        if let key { return key }
        if let env = ProcessInfo.processInfo.environment["NOABER_KEY"], !env.isEmpty { return env }
        return nil
    }

    /// The key file, or the error that says how to give one.
    func requireKeyPath() throws -> String { try target.requireKeyPath() }

    /// The daemon, the ledger pin and the key, as the client library takes them.
    var target: SessionTarget {
        get throws {
            SessionTarget(
                endpoint: try endpoint, pinnedLedger: pinnedLedger,
                pinSource: ledger != nil ? "--ledger" : "NOABER_LEDGER", keyPath: keyPath)
        }
    }

    /// Refuses a ledger other than the pinned one; `ledgerID` is nil when the daemon serves none yet.
    func checkPin(_ ledgerID: String?) throws { try target.checkPin(ledgerID) }

    func validate() throws {
        if let ledger, ledger.isEmpty { throw ValidationError("--ledger must not be empty") }
        if host != nil, local.socket != nil {
            throw ValidationError(
                "--socket names a daemon on this computer and --host one on another; give one of them")
        }
        guard let setting = hostSetting else {
            if remoteSocket != nil {
                throw ValidationError("--remote-socket is the socket on the server; it needs --host")
            }
            return
        }
        // HostError names the value, and says which form is expected.
        _ = try SSHHost(parsing: setting)
    }
}

/// How to print.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for scripts instead of a table.")
    var json = false
}

/// Under which entry id a new entry is signed (the key is `--key`, with the connection's options).
struct SigningOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Entry id (default: random). Re-using an id with the same entry is safe: it is committed once.")
    var id: String?

    func validate() throws {
        if let id {
            guard (1...64).contains(id.utf8.count),
                id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._:-".contains($0)) })
            else { throw ValidationError("--id must be 1 to 64 of A-Z a-z 0-9 . _ : -") }
        }
    }
}
