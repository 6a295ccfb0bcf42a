import ArgumentParser
import Foundation
import NoaberClient
import NoaberCore
import NoaberTransparency

/// Whose signature makes a checkpoint count: the auditor's own copy of the log's verifier key
/// (as `noaber status` prints it and the organisation publishes it), or else the log keys the
/// ledger's own chain names.
struct LogKeyOptions: ParsableArguments {
    @Option(
        name: .customLong("log-key"),
        help:
            "The log's verifier key, NAME+KEYID+KEY as `noaber status` prints it (default: $NOABER_LOG_KEY; commands that read a chain otherwise use the log keys it names)."
    )
    var logKey: [String] = []

    /// The pinned keys, or nil when none was given.
    func pinned() throws -> [NoteVerifierKey]? {
        var texts = logKey
        if texts.isEmpty, let env = ProcessInfo.processInfo.environment["NOABER_LOG_KEY"] {
            texts = env.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        }
        guard !texts.isEmpty else { return nil }
        return try texts.map { text in
            do { return try NoteVerifierKey(parsing: text) } catch {
                throw ClientFailure("--log-key \(text): \(error)")
            }
        }
    }

    /// The pinned keys, required: commands that take a checkpoint from the daemon must not take
    /// the keys that vouch for it from the daemon too (its key list is its word, not the chain).
    func required() throws -> [NoteVerifierKey] {
        guard let keys = try pinned() else {
            throw ClientFailure(
                "give --log-key (or $NOABER_LOG_KEY): the log's verifier key as the organisation publishes it; `noaber status` prints the daemon's"
            )
        }
        return keys
    }

    func validate() throws { _ = try pinned() }
}

/// Proof and checkpoint files are a few KiB; anything much larger is not one, and is not read.
let maxNoteFileBytes = 1 << 20

/// Reads a signed checkpoint from a file, with the file named in every error.
func readCheckpoint(_ path: String) throws -> SignedCheckpoint {
    let text = try readSmallFile(path, what: "checkpoint")
    do { return try SignedCheckpoint(parsing: text) } catch { throw ClientFailure("checkpoint \(path): \(error)") }
}

/// A text file of at most `maxNoteFileBytes`, read whole.
func readSmallFile(_ path: String, what: String) throws -> String {
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    if let size, size > maxNoteFileBytes {
        throw ClientFailure("\(what) \(path) is \(size) bytes; a \(what) file is at most \(maxNoteFileBytes) bytes")
    }
    do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
        throw ClientFailure("cannot read \(what) \(path): \(error.localizedDescription)")
    }
}
