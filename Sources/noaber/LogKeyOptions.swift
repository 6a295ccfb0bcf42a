import ArgumentParser
import Foundation
import NoaberCore

/// Whose signature makes a checkpoint count: the auditor's own copy of the log's verifier key
/// (as `noaber status` prints it and the organisation publishes it), or else the log keys the
/// ledger's own chain names.
struct LogKeyOptions: ParsableArguments {
    @Option(
        name: .customLong("log-key"),
        help: "The log's verifier key, NAME+KEYID+KEY as `noaber status` prints it (default: $NOABER_LOG_KEY; commands that read a chain otherwise use the log keys it names).")
    var logKey: [String] = []

    /// The pinned keys, or nil when none was given.
    func pinned() throws -> [NoteVerifierKey]? {
        var texts = logKey
        if texts.isEmpty, let env = ProcessInfo.processInfo.environment["NOABER_LOG_KEY"] {
            texts = env.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        }
        guard !texts.isEmpty else { return nil }
        return try texts.map { text in
            do { return try NoteVerifierKey(parsing: text) } catch { throw CLIError("--log-key \(text): \(error)") }
        }
    }

    func validate() throws { _ = try pinned() }
}

/// Reads a signed checkpoint from a file, with the file named in every error.
func readCheckpoint(_ path: String) throws -> SignedCheckpoint {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
        throw CLIError("cannot read checkpoint \(path): \(error.localizedDescription)")
    }
    do { return try SignedCheckpoint(parsing: text) } catch { throw CLIError("checkpoint \(path): \(error)") }
}
