import Foundation
import Glibc
import NoaberCore
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Synchronization
import Testing

@Suite("Daemon lifecycle")
struct LifecycleTests {
    @Test func socketIsNotWorldConnectable() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        var info = stat()
        #expect(stat(daemon.socket, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o660)
        #expect(stat(daemon.dataDirectory + "/noaber.sqlite", &info) == 0)
        #expect(info.st_mode & 0o077 == 0, "the database is private to the daemon's user")
    }

    @Test func sigtermStopsCleanlyAndDataSurvivesARestart() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let head = try await daemon.status().headHash
        #expect(daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socket), "the socket is removed on shutdown")
        #expect(daemon.log().contains("noaberd stopped cleanly"))
        try await daemon.restart()
        #expect(try await daemon.status().headHash == head)
        #expect(try daemon.noaber("verify").status == 0)
    }

    @Test func acknowledgedEntriesSurviveKill9() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok(
            "transfer", "--key", "piet.key", "--from", "vol:piet", "--to", "vol:jan-peeters", "--amount", "2.00",
            "--id", "last-one")
        daemon.kill9()
        // The socket file is left behind; the next start must clear it.
        #expect(FileManager.default.fileExists(atPath: daemon.socket))
        try await daemon.restart()
        #expect(try await daemon.status().entries == WalkthroughLedger.entries + 1)
        #expect(try daemon.balance("vol:piet") == 300)
        #expect(try daemon.noaber("verify").status == 0)
    }

    @Test func secondDaemonOnTheSameDataRefusesToStart() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let other = try daemon.run(
            DaemonProcess.binaries.appendingPathComponent("noaberd"),
            ["--data", daemon.dataDirectory, "--socket", daemon.directory.appendingPathComponent("other.sock").path])
        #expect(other.status != 0)
        #expect(other.stderr.contains("another noaberd is serving this ledger"))
        let stealing = try daemon.run(
            DaemonProcess.binaries.appendingPathComponent("noaberd"),
            ["--data", daemon.directory.appendingPathComponent("data2").path, "--socket", daemon.socket])
        #expect(stealing.status != 0)
        #expect(stealing.stderr.contains("another noaberd is listening there"))
        #expect(try await daemon.status().entries == 0)
    }

    @Test func configFileIsReadAndFlagsWin() async throws {
        let directory = try DaemonProcess.makeTemporaryDirectory()
        let config = directory.appendingPathComponent("noaberd.conf")
        try """
        # test config
        socket_mode = 0600
        log_level = "debug"
        max_connections = 4
        """.write(to: config, atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess(directory: directory, extraArguments: ["--config", config.path])
        defer { daemon.tearDown() }
        var info = stat()
        #expect(stat(daemon.socket, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(daemon.log().contains("debug"))

        try "bogus_key = 1\n".write(to: config, atomically: true, encoding: .utf8)
        let bad = try daemon.run(
            DaemonProcess.binaries.appendingPathComponent("noaberd"),
            ["--config", config.path, "--data", daemon.directory.appendingPathComponent("d3").path])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("unknown key \"bogus_key\""))
        let open = try daemon.run(
            DaemonProcess.binaries.appendingPathComponent("noaberd"),
            ["--socket-mode", "0666", "--data", daemon.directory.appendingPathComponent("d4").path])
        #expect(open.stderr.contains("gives others no access"))
    }

    @Test func cliWithoutDaemonSaysSoInOneLine() throws {
        let directory = try DaemonProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runProcess(
            DaemonProcess.binaries.appendingPathComponent("noaber"),
            ["status", "--socket", directory.appendingPathComponent("none.sock").path],
            in: directory)
        let text = result.stderr
        #expect(result.status != 0)
        #expect(text.contains("cannot connect to noaberd at") && text.contains("No such file or directory"))
        #expect(text.split(separator: "\n").count == 1, "\(text)")
    }
}

@Suite("Shutdown under load")
struct ShutdownUnderLoadTests {
    /// SIGTERM while clients are submitting: the daemon exits 0, and every entry a client heard
    /// "committed" for is there after a restart, in a chain that verifies.
    @Test func everyAcknowledgedEntrySurvivesAGracefulShutdown() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:jan-peeters", "--amount", "100.00")
        let ledgerID = try #require(try await daemon.status().ledgerId)
        let jan = try daemon.privateKey("jan.key")
        let entries = try (0..<400).map { i in
            let tx = Transaction(
                purpose: .transfer,
                postings: [
                    Posting(account: try AccountID("vol:jan-peeters"), amount: -1),
                    Posting(account: try AccountID("vol:piet"), amount: 1),
                ])
            let (payload, texts) = try Payload(v: 2, ledger: ledgerID, id: "load-\(i)", body: .transaction(tx))
                .committingPersonalData()
            return SubmitParams(try SignedEntry.sign(payload, with: jan), personal: texts)
        }

        let heard = Heard()
        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            for lane in 0..<16 {
                group.addTask {
                    var mine: [String] = []
                    do {
                        try await RPCClient.withConnection(socketPath: daemon.socket) { client in
                            for entry in stride(from: lane, to: entries.count, by: 16).map({ entries[$0] }) {
                                mine.append(try await client.call(.submit, entry, as: SubmitResult.self).id)
                                heard.add()
                            }
                        }
                    } catch {
                        // Refused (shutting_down) or cut off: not acknowledged, so not promised.
                    }
                    return mine
                }
            }
            // The signal falls among the submissions: after some were answered (on a loaded machine
            // none may be within 150 ms), with the rest in flight.
            try await Task.sleep(for: .milliseconds(150))
            for _ in 0..<300 where heard.count < 16 { try await Task.sleep(for: .milliseconds(100)) }
            kill(daemon.process.processIdentifier, SIGTERM)
            return try await group.reduce(into: []) { $0 += $1 }
        }
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0, "\(daemon.log())")
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))

        try await daemon.restart()
        let stored = try await daemon.withAdminReads { client in
            var ids = Set<String>()
            var next: Int64 = 1
            while true {
                let page = try await client.call(
                    .entries, EntriesParams(fromSeq: next, limit: 1000), as: EntriesResult.self)
                guard let last = page.entries.last else { break }
                ids.formUnion(page.entries.map(\.id))
                next = last.seq + 1
            }
            return ids
        }
        #expect(
            Set(acknowledged).isSubset(of: stored),
            "\(Set(acknowledged).subtracting(stored).count) acknowledged entries are missing")
        print("shutdown under load: \(acknowledged.count) of \(entries.count) acknowledged before SIGTERM")
        #expect(!acknowledged.isEmpty, "no submission was committed before the signal: the test tested nothing")
        // And every one committed was acknowledged: shutdown answers what it commits.
        let committed = stored.filter { $0.hasPrefix("load-") }
        #expect(committed == Set(acknowledged), "committed unanswered: \(committed.subtracting(acknowledged).sorted())")
        #expect(try daemon.noaber("verify").status == 0)
    }
}

/// Submissions answered so far, across the lanes of a test.
final class Heard: Sendable {
    private let state = Mutex(0)
    func add() { state.withLock { $0 += 1 } }
    var count: Int { state.withLock { $0 } }
}
