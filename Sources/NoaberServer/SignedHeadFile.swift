import Foundation
import NoaberCore
import NoaberCrypto
import NoaberTransparency

/// What the log key has signed, kept beside the key rather than in the database: the largest
/// checkpoint's size and root. A database restored from an older backup, or edited and cut short,
/// carries its own (older) checkpoint row, so only a record that travels with the key can tell
/// that signing from this tree would contradict a checkpoint already given out.
///
/// Written (to a temporary file, then renamed) after each checkpoint is durable in the database.
/// It is not fsynced: after a crash the database's own checkpoint row, which is, covers the gap;
/// this file guards against restores and edits, which do not lose the page cache.
struct SignedHeadFile: Sendable {
    let path: String

    init(logKeyPath: String) { path = logKeyPath + ".signed" }

    struct Head: Equatable {
        var size: UInt64
        var root: SHA256Digest
    }

    func read() throws -> Head? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let parts = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard parts.count == 2, let size = UInt64(parts[0]), let root = SHA256Digest(base64: parts[1]) else {
            throw DaemonError.logKey(path: path, reason: "is not `SIZE BASE64ROOT`")
        }
        return Head(size: size, root: root)
    }

    func write(_ head: Head) throws {
        let temporary = path + ".tmp"
        try "\(head.size) \(head.root.base64)\n".write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else {
            throw DaemonError.logKey(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
