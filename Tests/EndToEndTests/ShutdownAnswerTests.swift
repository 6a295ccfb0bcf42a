import Foundation
import Glibc
import NoaberCore
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

/// PROTOCOL.md, "Shutdown": a request the daemon has read before it stops is answered, with its
/// result if it was committed and with `shutting_down` if it was not started. The review saw 24 of
/// 24 submissions sent 5-13 ms before SIGTERM committed without an answer.
@Suite("Shutdown answers what it commits")
struct ShutdownAnswerTests {
    /// With `fresh`, each submission goes out on a connection made just before it, as a CLI run
    /// makes one; else on a connection served once already.
    @Test(arguments: [2, 8, 20], [false, true])
    func submissionsSentJustBeforeSIGTERMAreAllAnswered(delayMilliseconds: Int, fresh: Bool) async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:jan-peeters", "--amount", "100.00")
        let ledgerID = try #require(try await daemon.status().ledgerId)
        let jan = try daemon.privateKey("jan.key")
        let count = 24
        let lines = try (0..<count).map { i -> String in
            let tx = Transaction(
                purpose: .transfer,
                postings: [
                    Posting(account: try AccountID("vol:jan-peeters"), amount: -1),
                    Posting(account: try AccountID("vol:piet"), amount: 1),
                ])
            let (payload, texts) = try Payload(v: 2, ledger: ledgerID, id: "late-\(i)", body: .transaction(tx))
                .committingPersonalData()
            let params = SubmitParams(try SignedEntry.sign(payload, with: jan), personal: texts)
            let line = try RPCCoding.requestLine(id: .number(Int64(i)), method: "ledger.submit", params: params)
            return String(decoding: line, as: UTF8.self)
        }
        var clients: [RawClient] = []
        if fresh {
            for line in lines {
                clients.append(try RawClient(socketPath: daemon.socket))
                clients.last!.send(line)
            }
        } else {
            // Every connection is accepted and served once before the submissions go out.
            clients = try (0..<count).map { _ in try RawClient(socketPath: daemon.socket) }
            for client in clients { client.send(ResourceLimitTests.statusRequest) }
            for client in clients {
                let answer = try await offloaded { try client.readLine(timeout: .seconds(30)) }
                try #require(answer?.contains("\"result\"") == true, "\(answer ?? "end of file")")
            }
            for (client, line) in zip(clients, lines) { client.send(line) }
        }
        usleep(useconds_t(delayMilliseconds * 1000))
        kill(daemon.process.processIdentifier, SIGTERM)
        let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for (i, client) in clients.enumerated() {
                group.addTask { (i, try await offloaded { try client.readLine(timeout: .seconds(30)) }) }
            }
            return try await group.reduce(into: [Int: String?]()) { $0[$1.0] = $1.1 }
        }
        // A daemon that hangs in its shutdown fails the test instead of stalling it.
        for _ in 0..<300 where daemon.process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        if daemon.process.isRunning {
            Issue.record("noaberd did not stop within 30 s of SIGTERM:\n\(daemon.log())")
            daemon.kill9()
            return
        }
        #expect(daemon.process.terminationStatus == 0, "\(daemon.log())")
        let unanswered = (0..<count).filter { answers[$0]! == nil }
        let committed = Set((0..<count).filter { answers[$0]!?.contains("\"result\"") == true }.map { "late-\($0)" })
        let refused = (0..<count).compactMap { answers[$0]! }.filter { !$0.contains("\"result\"") }
        #expect(refused.allSatisfy { $0.contains("shutting_down") }, "\(refused)")
        print(
            "shutdown \(delayMilliseconds) ms after \(count) submissions on \(fresh ? "fresh" : "open") connections: \(committed.count) answered committed, "
                + "\(refused.count) answered with an error, \(unanswered.count) unanswered")
        #expect(unanswered.isEmpty, "submissions \(unanswered) got end of file without an answer")

        try await daemon.restart()
        let stored = try await daemon.withAdminReads { client in
            try await client.call(.entries, EntriesParams(fromSeq: 1, limit: 1000), as: EntriesResult.self)
        }
        let late = Set(stored.entries.map(\.id).filter { $0.hasPrefix("late-") })
        #expect(late == committed, "stored but not answered committed: \(late.subtracting(committed))")
    }
}
