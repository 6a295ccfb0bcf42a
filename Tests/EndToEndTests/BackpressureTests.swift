import Foundation
import Glibc
import NoaberCore
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Synchronization
import Testing

/// Clients that ask for the largest answer and never read it: the review's 200 such clients took
/// the daemon from 99 MB to 4.2 GB, and stalled others for more than 10 s. The answers out are
/// bounded by `answer_buffer_bytes` (the oldest unread connections are closed to make room).
@Suite("Clients that do not read their answers")
struct BackpressureTests {
    @Test func twoHundredNonReadingClientsKeepMemoryBoundedAndOthersServed() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let ledgerID = try await Self.fillLedger(daemon)
        let context = HostileContext(
            ledgerID: ledgerID, admin: try daemon.privateKey("admin.key"), jan: try daemon.privateKey("jan.key"),
            piet: try daemon.privateKey("piet.key"), existingID: "none")
        let page = "{\"from_seq\":1,\"limit\":1000}"
        // A client that reads gets the whole page.
        let pageBytes = try await daemon.withAdminReads { client in
            let result = try await client.call(.entries, EntriesParams(fromSeq: 1, limit: 1000), as: EntriesResult.self)
            return try RPCCoding.encoder().encode(result).count
        }
        let pid = daemon.process.processIdentifier
        let before = try Self.rss(pid)
        let lines = try (0..<200).map { _ in try context.signedRead("ledger.entries", params: page) }
        let hogs = try (0..<200).map { _ in try RawClient(socketPath: daemon.socket) }
        for (hog, line) in zip(hogs, lines) { hog.send(String(decoding: line, as: UTF8.self) + "\n") }
        // Sample the daemon's memory while it answers them all, and ask for the status meanwhile.
        let sampling = Sampling()
        async let sampledPeak = offloaded { () throws -> Int in
            var peak = before
            while sampling.running {
                peak = max(peak, try Self.rss(pid))
                usleep(20_000)
            }
            return peak
        }
        let clock = ContinuousClock()
        let start = clock.now
        var slowest = Duration.zero
        var asked = 0
        while clock.now - start < .seconds(15) {
            let sent = clock.now
            let status = try RawClient(socketPath: daemon.socket)
            status.send(ResourceLimitTests.statusRequest)
            let answer = try await offloaded { try status.readLine(timeout: .seconds(30)) }
            #expect(answer?.contains("\"result\"") == true, "\(answer ?? "end of file")")
            slowest = max(slowest, clock.now - sent)
            asked += 1
            try await Task.sleep(for: .milliseconds(200))
        }
        sampling.stop()
        let peak = try await sampledPeak
        let closed = daemon.log().components(separatedBy: "does not read its answer").count - 1
        print(
            "200 non-reading clients of a \(pageBytes / 1024) KiB page: daemon RSS \(before / 1024) MiB before, "
                + "peak \(peak / 1024) MiB; slowest of \(asked) status answers \(slowest); \(closed) connections closed for unread answers"
        )
        #expect(peak < 256 * 1024, "peak RSS \(peak / 1024) MiB")
        #expect(slowest < .seconds(1), "a status request waited \(slowest)")
        #expect(pageBytes * 200 <= 64 << 20 || closed > 0, "the budget was exceeded without closing anyone")
        // The page still works for a client that reads, with the hogs still connected.
        let again = try await daemon.withAdminReads { client in
            try await client.call(.entries, EntriesParams(fromSeq: 1, limit: 1000), as: EntriesResult.self).entries
                .count
        }
        #expect(again == 1000)
        withExtendedLifetime(hogs) {}
    }

    /// A ledger whose first 1000 entries make a page of some megabytes: transfers with long memos.
    static func fillLedger(_ daemon: DaemonProcess) async throws -> String {
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:jan-peeters", "--amount", "100.00")
        let ledgerID = try #require(try await daemon.status().ledgerId)
        let jan = try daemon.privateKey("jan.key")
        let memo = String(repeating: "a long memo, ", count: 38)
        try await RPCClient.withConnection(socketPath: daemon.socket) { client in
            for batch in 0..<4 {
                let entries = try (0..<250).map { i -> SubmitParams in
                    let tx = Transaction(
                        purpose: .transfer,
                        postings: [
                            Posting(account: try AccountID("vol:jan-peeters"), amount: -1),
                            Posting(account: try AccountID("vol:piet"), amount: 1),
                        ], memo: memo)
                    let (payload, texts) = try Payload(
                        v: 2, ledger: ledgerID, id: "bulk-\(batch)-\(i)", body: .transaction(tx)
                    ).committingPersonalData()
                    return SubmitParams(try SignedEntry.sign(payload, with: jan), personal: texts)
                }
                _ = try await client.call(.submitBatch, SubmitBatchParams(entries: entries), as: SubmitBatchResult.self)
            }
        }
        return ledgerID
    }

    final class Sampling: Sendable {
        private let state = Mutex(true)
        var running: Bool { state.withLock { $0 } }
        func stop() { state.withLock { $0 = false } }
    }

    /// A process's resident memory in KiB (`VmRSS` in /proc/PID/status).
    static func rss(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" })[1])
        else { throw CLIFailure(message: "no VmRSS in /proc/\(pid)/status") }
        return kib
    }
}
