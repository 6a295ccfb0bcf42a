import Foundation
import Glibc
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

@Suite("Backups")
struct BackupTests {
    /// Stops the writers of a test, from any task.
    final class StopFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped = false
        var isSet: Bool { lock.withLock { stopped } }
        func set() { lock.withLock { stopped = true } }
    }

    /// A backup taken while 8 clients write without pause finishes, arrives whole, is private
    /// (0600), leaves no copy in the daemon's folder, and a daemon started on it verifies.
    @Test func backupUnderSustainedWritesFinishesAndVerifies() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:jan-peeters", "--amount", "5000.00")
        let ledgerID = try #require(try await daemon.status().ledgerId)
        let jan = try daemon.privateKey("jan.key")
        // Some thousands of entries first, in batches, so that the copy has something to take time over.
        try await RPCClient.withConnection(socketPath: daemon.socket) { client in
            for batch in 0..<5 {
                let entries = try (0..<1000).map { i in
                    SubmitParams(try Self.transfer(id: "bulk-\(batch)-\(i)", ledgerID: ledgerID, key: jan))
                }
                _ = try await client.call(
                    .submitBatch, SubmitBatchParams(entries: entries), as: SubmitBatchResult.self)
            }
        }
        let stop = StopFlag()
        let writers = 8
        let written = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        try await Self.writeUntilStopped(
                            writer: writer, ledgerID: ledgerID, key: jan, socket: daemon.socket, stop: stop)
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        try await Task.sleep(for: .seconds(1))
        let before = try await daemon.status().entries
        let started = ContinuousClock.now
        let result = try await runProcessOffloaded(
            DaemonProcess.binaries.appendingPathComponent("noaber"), ["backup", "--out", "backup.sqlite"],
            in: daemon.directory,
            environment: .inherited(adding: ["NOABER_SOCKET": daemon.socket, "NOABER_KEY": "admin.key"]))
        let took = ContinuousClock.now - started
        let during = try await daemon.status().entries - before
        stop.set()
        let total = try await written.value
        #expect(result.status == 0, "\(result.stderr)")
        #expect(during > 0, "the clients went on writing while the backup was taken")

        let path = daemon.directory.appendingPathComponent("backup.sqlite").path
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory)
            .filter { $0.hasPrefix("backup-") }
        #expect(leftovers.isEmpty, "the daemon removed its copy: \(leftovers)")
        let log = daemon.log()
        #expect(log.contains("backup taken"))
        let records = try daemon.json([AccessLogRecord].self, "access-log")
        #expect(records.contains { $0.method == "backup.start" && $0.accounts == nil }, "on record as a read of all")

        let restoredFolder = try DaemonProcess.makeTemporaryDirectory()
        let restoredData = restoredFolder.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: restoredData, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path, toPath: restoredData + "/noaber.sqlite")
        try FileManager.default.copyItem(atPath: daemon.dataDirectory + "/log.key", toPath: restoredData + "/log.key")
        try FileManager.default.copyItem(
            atPath: daemon.directory.appendingPathComponent("admin.key").path,
            toPath: restoredFolder.appendingPathComponent("admin.key").path)
        let restored = try await DaemonProcess(directory: restoredFolder)
        defer { restored.tearDown() }
        let verify = try restored.noaber("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let status = try await restored.status()
        #expect(status.checkpointHold?.reason == "restored_backup")
        print(
            "backup under \(writers) writing clients: \(took) for \(status.entries) entries (\(info.st_size) bytes), \(during) entries committed meanwhile, \(total) in all; mode \(String(info.st_mode & 0o777, radix: 8)); verify on the restored copy: \(verify.stdout.split(separator: "\n").first ?? "")"
        )
    }

    private static func writeUntilStopped(
        writer: Int, ledgerID: String, key: Ed25519PrivateKey, socket: String, stop: StopFlag
    ) async throws -> Int {
        try await RPCClient.withConnection(socketPath: socket) { client in
            var count = 0
            while !stop.isSet {
                let signed = try transfer(id: "load-\(writer)-\(count)", ledgerID: ledgerID, key: key)
                _ = try await client.call(.submit, SubmitParams(signed), as: SubmitResult.self)
                count += 1
            }
            return count
        }
    }

    /// One minor unit from Jan to Piet, signed with Jan's key.
    private static func transfer(id: String, ledgerID: String, key: Ed25519PrivateKey) throws -> SignedEntry {
        let tx = Transaction(
            purpose: .transfer,
            postings: [
                Posting(account: try AccountID("vol:jan-peeters"), amount: -1),
                Posting(account: try AccountID("vol:piet"), amount: 1),
            ])
        return try SignedEntry.sign(Payload(v: 2, ledger: ledgerID, id: id, body: .transaction(tx)), with: key)
    }

    /// Only admin and auditor keys take a backup: it holds everyone's data.
    @Test func backupIsRefusedToOtherKeysAndOverwritesNothing() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let member = try daemon.noaber("backup", "--out", "jan.sqlite", "--key", "jan.key")
        #expect(member.status != 0 && member.stderr.contains("only admin and auditor keys"), "\(member.stderr)")
        let coordinator = try daemon.noaber("backup", "--out", "coord.sqlite", "--key", "coord.key")
        #expect(coordinator.status != 0, "\(coordinator.stderr)")
        for name in ["jan.sqlite", "jan.sqlite.tmp", "coord.sqlite", "coord.sqlite.tmp"] {
            #expect(!FileManager.default.fileExists(atPath: daemon.directory.appendingPathComponent(name).path))
        }
        try Data("keep".utf8).write(to: daemon.directory.appendingPathComponent("kept.sqlite"))
        let existing = try daemon.noaber("backup", "--out", "kept.sqlite")
        #expect(existing.status != 0 && existing.stderr.contains("--force"), "\(existing.stderr)")
        #expect(
            try String(contentsOf: daemon.directory.appendingPathComponent("kept.sqlite"), encoding: .utf8) == "keep")
        try daemon.ok("backup", "--out", "kept.sqlite", "--force")
        #expect(try Data(contentsOf: daemon.directory.appendingPathComponent("kept.sqlite")).count > 4096)

        // A copy left by a daemon that stopped before it was read is removed when it starts again.
        let leftover = daemon.dataDirectory + "/backup-0123456789abcdef0123456789abcdef.sqlite.tmp"
        try Data("stale".utf8).write(to: URL(fileURLWithPath: leftover))
        try await daemon.restart()
        #expect(!FileManager.default.fileExists(atPath: leftover))
    }
}
