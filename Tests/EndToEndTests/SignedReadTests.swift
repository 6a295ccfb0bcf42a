import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

/// Reads need a key, and a key reads what its role allows: a member its own accounts, operators,
/// admins and auditors everything; without a key, nothing personal. Every answered read is on
/// record, every refused one in the daemon's log.
@Suite("Signed reads, scoped by role")
struct SignedReadTests {
    /// Every read command, each asking for Piet's data or the whole ledger's.
    static let readsOfPiet: [[String]] = [
        ["balance", "vol:piet"], ["history", "vol:piet"], ["statement", "vol:piet"], ["account", "show", "vol:piet"],
        ["claims", "--account", "vol:piet"], ["report"], ["export", "--format", "csv", "--out", "x.csv"], ["verify"],
        ["proof", "credit-piet"], ["access-log", "--account", "vol:piet"],
    ]

    /// The CLI in the daemon's folder with only the key given (none: no key at all), and the log's
    /// verifier key, which `proof` checks its checkpoint against.
    func noaber(
        _ daemon: DaemonProcess, _ arguments: [String], key: String?, logKey: String = ""
    ) throws -> CommandResult {
        try daemon.run(
            DaemonProcess.binaries.appendingPathComponent("noaber"), arguments + (key.map { ["--key", $0] } ?? []),
            environment: ["NOABER_KEY": "", "NOABER_LOG_KEY": logKey])
    }

    func ledger() async throws -> (DaemonProcess, WalkthroughLedger) {
        let daemon = try await DaemonProcess()
        let ledger = try WalkthroughLedger(on: daemon)
        let auditor = try daemon.ok("keygen", "--out", "auditor.key").trimmingCharacters(in: .whitespacesAndNewlines)
        try daemon.ok(
            "key", "add", "--key", "admin.key", "--pub", "auditor.key.pub", "--label", "auditor", "--role", "auditor")
        #expect(!auditor.isEmpty)
        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--hours", "1", "--id",
            "credit-piet")
        return (daemon, ledger)
    }

    @Test func aMemberReadsItsOwnAccountsOnlyAndOthersReadEverything() async throws {
        let (daemon, _) = try await ledger()
        defer { daemon.tearDown() }
        let logKey = try #require(try await daemon.status().logKey)
        for read in Self.readsOfPiet {
            let refused = try noaber(daemon, read, key: "jan.key")
            #expect(refused.status != 0, "\(read) with a member key on another's account")
            #expect(refused.stderr.contains("read refused"), "\(read): \(refused.stderr)")
            let none = try noaber(daemon, read, key: nil)
            #expect(
                none.status != 0 && none.stderr.contains("--key FILE or $NOABER_KEY"),
                "\(read) without a key: \(none.stderr)")
            for key in ["coord.key", "auditor.key", "admin.key"] where !(read[0] == "access-log" && key == "coord.key")
            {
                let result = try noaber(daemon, read, key: key, logKey: logKey)
                #expect(result.status == 0, "\(read) with \(key): \(result.stderr)")
            }
        }
        // An operator does not read the access log: only admins and auditors oversee the readers.
        #expect(try noaber(daemon, ["access-log"], key: "coord.key").stderr.contains("only admin and auditor keys"))
        // Jan's own: his balance and history, and lists that hold only his.
        #expect(try noaber(daemon, ["balance", "vol:jan-peeters"], key: "jan.key").stdout.contains("12.50 ZMT"))
        #expect(try noaber(daemon, ["history", "vol:jan-peeters"], key: "jan.key").status == 0)
        let list = try noaber(daemon, ["account", "list"], key: "jan.key").stdout
        #expect(list.contains("vol:jan-peeters") && !list.contains("vol:piet") && !list.contains("org:zorgkring"))
        #expect(list.contains("Jan Peeters") && !list.contains("[withheld]"), "her own name, as a text: \(list)")
        let keys = try noaber(daemon, ["key", "list"], key: "jan.key").stdout
        #expect(keys.contains("Jan Peeters") && !keys.contains("Piet") && !keys.contains("coordinator Anja"))
        // An auditor reads everything and writes nothing.
        let write = try noaber(
            daemon, ["transfer", "--from", "vol:piet", "--to", "vol:jan-peeters", "--amount", "1.00"],
            key: "auditor.key")
        #expect(write.status != 0, "an auditor key signs no entry: \(write.stdout)")

        // Refused reads are in the daemon's log, answered ones in the access log.
        #expect(daemon.log().contains("read refused") && daemon.log().contains("read_forbidden"))
        let log = try noaber(daemon, ["access-log", "--account", "vol:piet", "--json"], key: "auditor.key")
        let records = try RPCCoding.decoder().decode([AccessLogRecord].self, from: Data(log.stdout.utf8))
        let roles = Set(records.filter { $0.accounts?.contains("vol:piet") == true }.map(\.role))
        #expect(roles.isSuperset(of: ["operator", "auditor", "admin"]), "\(roles)")
        #expect(records.allSatisfy { $0.role != "member" }, "Jan never read Piet's data")
        #expect(
            records.contains { $0.accounts == nil && $0.method == "ledger.entries" }, "ledger-wide reads are on record")
        #expect(records.allSatisfy { $0.peerUid == Int64(getuid()) }, "the local user is on record")
    }

    /// The same signed request twice, a stale one, one whose params were changed after signing,
    /// and one by an unknown or revoked key: each refused with its own code.
    @Test func replayedStaleTamperedAndUnknownAuthorisationsAreRefused() async throws {
        let (daemon, keys) = try await ledger()
        defer { daemon.tearDown() }
        let ledgerID = try #require(try await daemon.status().ledgerId)
        let jan = try daemon.privateKey("jan.key")
        let own = AccountParams(account: "vol:jan-peeters")
        func line(
            _ id: Int64, _ params: AccountParams, key: Ed25519PrivateKey = jan, at time: Timestamp = .now()
        ) throws -> Data {
            try RPCCoding.requestLine(id: .number(id), method: Method.accountGet.rawValue, params: params) {
                method, bytes in
                try ReadAuthorization.sign(
                    method: method, params: bytes, ledgerID: ledgerID, timestamp: time.rfc3339, with: key)
            }
        }
        try await RPCClient.withConnection(socketPath: daemon.socket) { client in
            let once = try line(1, own)
            #expect(try await client.send(once, as: AccountInfo.self).account == "vol:jan-peeters")
            #expect(
                await rpcError { try await client.send(once, as: AccountInfo.self) }?.reason == "read_auth_replayed")
            let stale = try line(
                2, own, at: Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch - 600_000))
            #expect(await rpcError { try await client.send(stale, as: AccountInfo.self) }?.reason == "read_auth_stale")
            let tampered = Data(
                String(decoding: try line(3, own), as: UTF8.self).replacingOccurrences(
                    of: "vol:jan-peeters", with: "vol:piet"
                ).utf8)
            #expect(
                await rpcError { try await client.send(tampered, as: AccountInfo.self) }?.reason == "read_auth_invalid")
            let stranger = try line(4, own, key: try .generate())
            #expect(await rpcError { try await client.send(stranger, as: AccountInfo.self) }?.code == 1032)
        }
        // A revoked key reads nothing more.
        try daemon.ok("key", "revoke", "--key", "admin.key", keys.jan, "--reason", "left the project")
        let revoked = try noaber(daemon, ["balance", "vol:jan-peeters"], key: "jan.key")
        #expect(revoked.status != 0 && revoked.stderr.contains("was revoked"), "\(revoked.stderr)")
    }
}
