import Foundation
import NoaberCore
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

/// Fault injection (issue #11): hostile requests over the raw socket, each on a connection of its
/// own: malformed and nested JSON, wrong types, huge numbers, duplicate keys, lone surrogates, bad
/// base64 and hex, another ledger's id, oversized lines, unknown methods, binary garbage, cut-short
/// lines, another method's params, forged and replayed read authorisations, and entries that break
/// each rule. Every one gets a JSON-RPC error with the expected code and reason; afterwards the
/// ledger is exactly as before (head hash, entry count, balances), the daemon still serves, and the
/// chain verifies.
@Suite("Fault injection: hostile requests over the raw socket")
struct HostileRequestTests {
    @Test func everyHostileRequestGetsATypedErrorAndChangesNothing() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let before = try await daemon.status()
        let balances = try await CrashRoundsTests.balances(daemon)
        let existing = try await daemon.withAdminReads { client in
            try await client.call(.entries, EntriesParams(fromSeq: 10, limit: 1), as: EntriesResult.self).entries[0].id
        }
        var context = HostileContext(
            ledgerID: try #require(before.ledgerId), admin: try daemon.privateKey("admin.key"),
            jan: try daemon.privateKey("jan.key"), piet: try daemon.privateKey("piet.key"), existingID: existing)
        var cases = try context.all()
        // A replayed read: the same signed line twice, the second refused.
        let read = try context.signedRead("account.get", params: "{\"account\":\"vol:piet\"}")
        _ = try await Self.send(read, on: daemon)
        cases.append(HostileCase(name: "a replayed read", bytes: read, code: 1034, reason: "read_auth_replayed"))

        var codes: [Int: Int] = [:]
        var expected = 0
        for hostile in cases {
            let answer = try await Self.send(hostile.bytes, on: daemon, closes: hostile.closes)
            let error = answer.error
            let asExpected = error?.code == hostile.code && error?.reason == hostile.reason
            #expect(
                asExpected, "\(hostile.name): wanted \(hostile.code) \(hostile.reason), got \(answer.text.prefix(300))")
            expected += asExpected ? 1 : 0
            #expect(
                answer.closed == hostile.closes,
                "\(hostile.name): the connection \(answer.closed ? "was" : "was not") closed")
            if let error { codes[error.code, default: 0] += 1 }
        }
        let after = try await daemon.status()
        let unchanged = after.entries == before.entries && after.headHash == before.headHash
        #expect(unchanged, "the ledger changed")
        let sameBalances = try await CrashRoundsTests.balances(daemon) == balances
        #expect(sameBalances)
        #expect(daemon.process.isRunning)
        let verify = try daemon.noaber("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(cases.count >= 60)
        let seen = codes.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
        print(
            "hostile requests: \(cases.count) sent, \(codes.values.reduce(0, +)) answered with a JSON-RPC error, \(expected) with the expected code and reason (codes seen: \(seen)); entries \(before.entries) -> \(after.entries), head \(unchanged ? "unchanged" : "CHANGED"), balances \(sameBalances ? "unchanged" : "CHANGED"), daemon serving, verify \(verify.status == 0 ? "OK" : "FAILED")"
        )
    }

    struct Answer {
        var text: String
        var error: RPCError?
        /// The daemon closed the connection after its answer.
        var closed: Bool
    }

    /// Sends `bytes` and a newline on a new connection and reads one answer; with `closes`, also
    /// whether the daemon then closed the connection (else the connection is left open).
    static func send(_ bytes: [UInt8], on daemon: DaemonProcess, closes: Bool = false) async throws -> Answer {
        try await RPCClient.withConnection(socketPath: daemon.socket) { client in
            try await client.writeRaw(bytes + [0x0A])
            let line = try await client.readLine() ?? ""
            struct Response: Decodable { var error: RPCError? }
            let error = try? RPCCoding.decoder().decode(Response.self, from: Data(line.utf8)).error
            let closed = closes ? try await client.readLine() == nil : false
            return Answer(text: line, error: error, closed: closed)
        }
    }
}
