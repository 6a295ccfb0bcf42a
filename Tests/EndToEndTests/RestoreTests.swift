import Foundation
import NoaberCore
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

@Suite("Restoring a backup")
struct RestoreTests {
    /// A backup restored with its log key, with the `log.key.signed` of backup time or without
    /// one, takes writes but signs no checkpoint: not at the published size, where the published
    /// one has another root, nor past it. Asking for one names the hold; and given the published
    /// checkpoint it now contradicts, the daemon refuses to start.
    @Test(arguments: [true, false])
    func restoredBackupSignsNoSecondHistory(withSignedHead: Bool) async throws {
        let ledger = try await BackedUpLedger.make()
        defer { ledger.tearDown() }
        let folder = try ledger.restoreFolder(withSignedHead: withSignedHead)
        let restored = try await DaemonProcess(directory: folder)
        defer { restored.tearDown() }
        let held = try #require(try await restored.status().checkpointHold)
        #expect(held.reason == "restored_backup" && held.backupEntries == UInt64(ledger.backupEntries))
        #expect(restored.log().contains("this ledger is a restored backup"))
        #expect(try restored.ok("status").contains("checkpoints held: this ledger is a restored backup"))

        for i in 0..<4 { try restored.transferCent("after-restore-\(i)") }
        let status = try await restored.status()
        #expect(status.entries == ledger.publishedEntries + 1, "writes go on while checkpoints are held")
        #expect(status.checkpointSize == UInt64(ledger.backupEntries), "no checkpoint past the backup")
        #expect(try await restored.servedCheckpointSize() == UInt64(ledger.backupEntries))

        let lastEntry = "after-restore-3"
        let proof = await rpcError {
            try await restored.withAdminReads {
                try await $0.call(
                    .inclusionProof, InclusionProofParams(entryId: lastEntry, treeSize: nil),
                    as: InclusionProofResult.self)
            }
        }
        #expect(proof?.reason == "checkpoints_held" && proof?.code == -32005, "\(String(describing: proof))")

        restored.stop()
        let refused = try await noaberdRefusal([
            "--data", restored.dataDirectory, "--socket", restored.socket, "--published-checkpoint", ledger.published,
        ])
        #expect(refused.status != 0 && refused.log.contains("differs from what was published"), "\(refused.log)")
        print(
            "restored backup (log.key.signed of backup time: \(withSignedHead)): \(status.entries) entries, checkpoint still \(status.checkpointSize ?? 0), published \(ledger.publishedEntries)"
        )
    }

    /// Given the published checkpoint, a restored backup stays held while its chain is shorter;
    /// with the newer chain's export it catches up to exactly the published tree, signs again
    /// (the very checkpoint that was published), and goes on.
    @Test func catchingUpToThePublishedCheckpointResumesCheckpoints() async throws {
        let ledger = try await BackedUpLedger.make()
        defer { ledger.tearDown() }
        let folder = try ledger.restoreFolder(withSignedHead: true)
        let restored = try await DaemonProcess(
            directory: folder, extraArguments: ["--published-checkpoint", ledger.published])
        defer { restored.tearDown() }
        var status = try await restored.status()
        #expect(status.checkpointHold?.publishedSize == UInt64(ledger.publishedEntries))
        #expect(status.checkpointSize == UInt64(ledger.backupEntries))

        try await restored.restart(extraArguments: [
            "--published-checkpoint", ledger.published, "--catch-up", ledger.newerExport,
        ])
        status = try await restored.status()
        #expect(status.checkpointHold == nil)
        #expect(status.entries == ledger.publishedEntries)
        #expect(status.checkpointSize == UInt64(ledger.publishedEntries))
        let served = try await RPCClient.withConnection(socketPath: restored.socket) {
            try await $0.call(.checkpoint, NoParams(), as: CheckpointResult.self)
        }
        #expect(served.checkpoint == (try String(contentsOfFile: ledger.published, encoding: .utf8)))

        try restored.transferCent("after-catch-up")
        status = try await restored.status()
        #expect(status.checkpointSize == UInt64(ledger.publishedEntries) + 1, "checkpoints resume")
        let verify = try restored.noaber("verify", "--checkpoint", ledger.published, "--log-key", ledger.verifierKey)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        try await restored.restart()
        #expect(try await restored.status().checkpointHold == nil, "the release is kept over a restart")
        print(
            "caught up from \(ledger.backupEntries) to the published \(ledger.publishedEntries) entries; checkpoint now \(status.checkpointSize ?? 0)"
        )
    }

    /// A new log key, announced in the chain by an admin, signs for the restored ledger; the key
    /// that made the backup stays held on it for good.
    @Test func aNewLogKeyReleasesTheRestoredLedger() async throws {
        let ledger = try await BackedUpLedger.make()
        defer { ledger.tearDown() }
        let folder = try ledger.restoreFolder(withSignedHead: false)
        let newKey = folder.appendingPathComponent("data/new-log.key").path
        let restored = try await DaemonProcess(directory: folder, extraArguments: ["--log-key", newKey])
        defer { restored.tearDown() }
        var status = try await restored.status()
        #expect(status.checkpointHold == nil, "the hold is on the old key only")
        #expect(status.logKey == nil, "the new key is not announced yet, so it signs nothing")
        try restored.ok("key", "add", "--role", "log", "--label", "log key after the restore", "--key", "admin.key")
        status = try await restored.status()
        let announced = try #require(status.logKey)
        #expect(announced != ledger.verifierKey)
        #expect(status.checkpointSize == UInt64(status.entries), "the new key signs at once")
        try restored.transferCent("after-rotation")
        status = try await restored.status()
        #expect(status.checkpointSize == UInt64(status.entries))
        let verify = try restored.noaber("verify", "--log-key", announced)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        try await restored.restart(extraArguments: ["--log-key", restored.dataDirectory + "/log.key"])
        let size = try await restored.status().checkpointSize
        try restored.transferCent("old-key-again")
        status = try await restored.status()
        #expect(status.checkpointHold?.reason == "restored_backup", "the old key is held on this ledger for good")
        #expect(status.checkpointSize == size)
        print("rotated: new log key \(announced) signs \(size ?? 0) entries; the old key stays held")
    }
}
