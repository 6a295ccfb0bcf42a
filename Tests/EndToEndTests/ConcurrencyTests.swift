import Foundation
import NoaberCore
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

@Suite("Concurrent submissions")
struct ConcurrencyTests {
    /// Many clients at once, some re-sending the same entry: each entry is committed exactly once,
    /// the sequence has no gaps and the chain verifies.
    @Test func concurrentSubmissionsAreCommittedExactlyOnce() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon, entryVersion: 1)
        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:jan-peeters", "--amount", "100.00")
        let base = try await daemon.status()
        let ledgerID = try #require(base.ledgerId)
        let jan = try daemon.privateKey("jan.key")

        let connections = 32
        let perConnection = 12
        var signed: [[SignedEntry]] = []
        for c in 0..<connections {
            signed.append(
                try (0..<perConnection).map { i in
                    let tx = Transaction(
                        purpose: .transfer,
                        postings: [
                            Posting(account: try AccountID("vol:jan-peeters"), amount: -1),
                            Posting(account: try AccountID("vol:piet"), amount: 1),
                        ], memo: "c\(c) i\(i)")
                    return try SignedEntry.sign(
                        Payload(ledger: ledgerID, id: "conc-\(c)-\(i)", body: .transaction(tx)), with: jan)
                })
        }
        // Every fourth connection re-sends another connection's entries at the same time.
        let results = try await withThrowingTaskGroup(of: [SubmitResult].self) { group in
            for c in 0..<connections {
                let mine = c % 4 == 3 ? signed[c - 1] : signed[c]
                group.addTask {
                    try await RPCClient.withConnection(socketPath: daemon.socket) { client in
                        var out: [SubmitResult] = []
                        for entry in mine {
                            out.append(try await client.call(.submit, SubmitParams(entry), as: SubmitResult.self))
                        }
                        return out
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }

        let distinct = Set(signed.enumerated().filter { $0.offset % 4 != 3 }.flatMap { $0.element.map(\.payload) })
        let expected = Int64(distinct.count)
        let after = try await daemon.status()
        #expect(after.entries == base.entries + expected)
        let bySeq = Dictionary(grouping: results, by: \.seq)
        #expect(bySeq.count == Int(expected), "each distinct entry got exactly one sequence number")
        #expect(bySeq.values.allSatisfy { Set($0.map(\.id)).count == 1 }, "no sequence number was given to two entries")
        #expect(Set(bySeq.keys) == Set((base.entries + 1)...(base.entries + expected)), "no gaps")
        #expect(results.filter(\.replayed).count == results.count - Int(expected))
        #expect(try daemon.balance("vol:piet") == 500 + expected)
        let verify = try daemon.noaber("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        print("concurrency: \(expected) entries in \(after.groupCommits - base.groupCommits) group commits")
    }
}
