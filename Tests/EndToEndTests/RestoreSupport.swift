import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

/// A ledger that was backed up with `noaber backup` and then went on: what an operator has after
/// losing the server, and what was published before.
struct BackedUpLedger {
    /// The original daemon's folder: the backup, the log key and its `log.key.signed` as they were
    /// when the backup was taken, the users' keys, and what was published later.
    let folder: URL
    /// Entries in the backup, and in the newer chain whose checkpoint was published.
    let backupEntries: Int64
    let publishedEntries: Int64
    /// The verifier key of the original log key.
    let verifierKey: String

    var backup: String { folder.appendingPathComponent("backup.sqlite").path }
    var published: String { folder.appendingPathComponent("published.checkpoint").path }
    var newerExport: String { folder.appendingPathComponent("newer.jsonl").path }

    /// Runs the walkthrough on a daemon, takes a backup, writes `laterTransfers` more entries,
    /// publishes their checkpoint and exports the newer chain, then stops the daemon.
    static func make(laterTransfers: Int = 3) async throws -> BackedUpLedger {
        let daemon = try await DaemonProcess()
        defer { daemon.stop() }
        _ = try WalkthroughLedger(on: daemon)
        let verifierKey = try #require(try await daemon.status().logKey)
        try daemon.ok("backup", "--out", "backup.sqlite")
        let data = daemon.dataDirectory
        let folder = daemon.directory
        try FileManager.default.copyItem(atPath: data + "/log.key", toPath: folder.path + "/log.key.at-backup")
        try FileManager.default.copyItem(
            atPath: data + "/log.key.signed", toPath: folder.path + "/log.key.signed.at-backup")
        let backupEntries = try await daemon.status().entries
        for i in 0..<laterTransfers {
            try daemon.ok(
                "transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "0.01",
                "--memo", "after the backup \(i)")
        }
        try daemon.ok("checkpoint", "--out", "published.checkpoint", "--log-key", verifierKey)
        try daemon.ok("export", "--format", "jsonl", "--out", "newer.jsonl")
        let publishedEntries = try await daemon.status().entries
        #expect(publishedEntries == backupEntries + Int64(laterTransfers))
        return BackedUpLedger(
            folder: folder, backupEntries: backupEntries, publishedEntries: publishedEntries, verifierKey: verifierKey)
    }

    /// A new folder as an operator lays it out to restore: the backup as the database, the log
    /// key of backup time, and `log.key.signed` of backup time if `withSignedHead`; the users' keys.
    func restoreFolder(withSignedHead: Bool, logKey: Bool = true) throws -> URL {
        let target = try DaemonProcess.makeTemporaryDirectory()
        let data = target.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: backup, toPath: data + "/noaber.sqlite")
        if logKey {
            try FileManager.default.copyItem(atPath: folder.path + "/log.key.at-backup", toPath: data + "/log.key")
        }
        if withSignedHead {
            try FileManager.default.copyItem(
                atPath: folder.path + "/log.key.signed.at-backup", toPath: data + "/log.key.signed")
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path)
        where name.hasSuffix(".key") || name.hasSuffix(".key.pub") || name.hasSuffix(".checkpoint")
            || name.hasSuffix(".jsonl")
        {
            try FileManager.default.copyItem(atPath: folder.path + "/" + name, toPath: target.path + "/" + name)
        }
        return target
    }

    func tearDown() { try? FileManager.default.removeItem(at: folder) }
}

extension DaemonProcess {
    /// The size of the checkpoint the daemon serves.
    func servedCheckpointSize() async throws -> UInt64? {
        let result = try await RPCClient.withConnection(socketPath: socket) {
            try await $0.call(.checkpoint, NoParams(), as: CheckpointResult.self)
        }
        return try result.checkpoint.map { try SignedCheckpointText.size(of: $0) }
    }
}

/// Reads a checkpoint's size without trusting it: line 2 of the note.
enum SignedCheckpointText {
    static func size(of note: String) throws -> UInt64 {
        let lines = note.split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.count > 2 ? UInt64(lines[1]) : nil)
    }
}
