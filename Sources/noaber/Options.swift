import ArgumentParser
import Foundation
import NoaberClient

/// Where the daemon is.
struct ConnectionOptions: ParsableArguments {
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

    @Option(
        name: .long,
        help: "Talk only to the ledger with this id, as `noaber init` printed it (default: $NOABER_LEDGER).")
    var ledger: String?

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
        SessionTarget(
            socketPath: socketPath, pinnedLedger: pinnedLedger, pinSource: ledger != nil ? "--ledger" : "NOABER_LEDGER",
            keyPath: keyPath)
    }

    /// Refuses a ledger other than the pinned one; `ledgerID` is nil when the daemon serves none yet.
    func checkPin(_ ledgerID: String?) throws { try target.checkPin(ledgerID) }

    func validate() throws {
        if let ledger, ledger.isEmpty { throw ValidationError("--ledger must not be empty") }
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
