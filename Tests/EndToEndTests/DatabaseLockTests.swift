import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

@Suite("The daemon's lock on its database")
struct DatabaseLockTests {
    /// The lock is on the database file itself: with every file beside it that can be deleted
    /// without harming the ledger gone (a lock file of older versions included), a second daemon
    /// on the same data directory is refused, and the first goes on serving and writing.
    @Test func deletingFilesLetsNoSecondDaemonIn() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let keep: Set<String> = [
            "noaber.sqlite", "noaber.sqlite-wal", "noaber.sqlite-shm", "access.sqlite", "access.sqlite-wal",
            "access.sqlite-shm", "access.pending", "log.key",
        ]
        var deleted: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory) where !keep.contains(name)
        {
            try FileManager.default.removeItem(atPath: daemon.dataDirectory + "/" + name)
            deleted.append(name)
        }
        let second = daemon.directory.appendingPathComponent("second.sock").path
        let refused = try await noaberdRefusal(["--data", daemon.dataDirectory, "--socket", second])
        #expect(refused.status != 0, "\(refused.log)")
        #expect(refused.log.contains("another noaberd is serving this ledger"), "\(refused.log)")
        #expect(!FileManager.default.fileExists(atPath: second))

        let before = try await daemon.status()
        try daemon.transferCent("after-the-refusal")
        let after = try await daemon.status()
        #expect(after.entries == before.entries + 1)
        let verify = try daemon.noaber("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        print(
            "deleted \(deleted.sorted()); a second noaberd was refused: \(refused.log.split(separator: "\n").last ?? "")"
        )
    }
}
