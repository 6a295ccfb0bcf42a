import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

/// A connection authenticated once (`session.challenge`, then `session.open`) reads without a
/// signature per request, with the same rights and the same record as a signed read; an opening
/// holds on its own connection only, and a revoked key's session ends at its next read.
@Suite("Sessions: a connection authenticated once")
struct SessionReadTests {
    func ledger() async throws -> (DaemonProcess, WalkthroughLedger, ledgerID: String) {
        let daemon = try await DaemonProcess()
        let ledger = try WalkthroughLedger(on: daemon)
        return (daemon, ledger, try #require(try await daemon.status().ledgerId))
    }

    func signer(_ daemon: DaemonProcess, _ file: String, _ ledgerID: String) throws -> ReadSigner {
        ReadSigner(key: try daemon.privateKey(file), ledgerID: ledgerID)
    }

    /// The `session.open` line answering `challenge`, signed as `signer` under `context`.
    func openLine(
        _ challenge: String, _ signer: ReadSigner, context: String = ReadAuthorization.sessionContext
    ) throws -> Data {
        try RPCCoding.requestLine(
            id: .number(99), method: Method.sessionOpen.rawValue, params: SessionOpenParams(challenge: challenge),
            authorize: { method, params in
                try ReadAuthorization.sign(
                    context: context, method: method, params: params, ledgerID: signer.ledgerID,
                    timestamp: Timestamp.now().rfc3339, with: signer.key)
            })
    }

    @Test func aSessionReadsAsItsKeyWithItsRightsAndOnRecord() async throws {
        let (daemon, _, ledgerID) = try await ledger()
        defer { daemon.tearDown() }
        let jan = try signer(daemon, "jan.key", ledgerID)
        try await RPCClient.withConnection(socketPath: daemon.socket) { client in
            // Before the session, an unsigned read is refused as ever.
            let before = await rpcError {
                try await client.call(.accountGet, AccountParams(account: "vol:jan-peeters"), as: AccountInfo.self)
            }
            #expect(before?.code == 1030)
            let info = try await client.openSession(jan)
            #expect(info.role == "member" && info.keyId == jan.key.publicKey.keyID.hex)
            for _ in 0..<3 {
                let own = try await client.call(
                    .accountGet, AccountParams(account: "vol:jan-peeters"), as: AccountInfo.self)
                #expect(own.balance == 1250)
            }
            // The member's rights, no more: another's account and ledger-wide reads are refused.
            let other = await rpcError {
                try await client.call(.accountGet, AccountParams(account: "vol:piet"), as: AccountInfo.self)
            }
            #expect(other?.code == 1031)
            let ledgerWide = await rpcError { try await client.call(.balances, NoParams(), as: BalancesResult.self) }
            #expect(ledgerWide?.code == 1031)
        }
        // Every answered session read is on record under Jan's key, as a signed one would be.
        let log = try await daemon.withAdminReads {
            try await $0.call(.accessLog, AccessLogParams(account: "vol:jan-peeters"), as: AccessLogResult.self)
        }
        let jans = log.records.filter { $0.keyId == jan.key.publicKey.keyID.hex && $0.method == "account.get" }
        #expect(jans.count == 3, "\(log.records)")
        #expect(jans.allSatisfy { $0.peerPid != nil && $0.accounts == ["vol:jan-peeters"] })
        #expect(daemon.log().contains("session opened"))
    }

    @Test func anOpeningHoldsOnItsOwnConnectionOnceAndUnderItsOwnContext() async throws {
        let (daemon, _, ledgerID) = try await ledger()
        defer { daemon.tearDown() }
        let admin = try signer(daemon, "admin.key", ledgerID)
        try await RPCClient.withConnection(socketPath: daemon.socket) { first in
            try await RPCClient.withConnection(socketPath: daemon.socket) { second in
                // No challenge asked on this connection: nothing to answer.
                let unasked = await rpcError {
                    try await second.send(try openLine(String(repeating: "0", count: 64), admin), as: SessionInfo.self)
                }
                #expect(unasked?.code == 1035 && unasked?.reason == "session_challenge_invalid")

                let challenge = try await first.call(.sessionChallenge, NoParams(), as: SessionChallenge.self)
                #expect(challenge.challenge.count == 64)
                let line = try openLine(challenge.challenge, admin)
                // The same line on another connection, even one holding a challenge of its own:
                // refused, and the second connection's reads stay unauthenticated.
                _ = try await second.call(.sessionChallenge, NoParams(), as: SessionChallenge.self)
                let stolen = await rpcError { try await second.send(line, as: SessionInfo.self) }
                #expect(stolen?.code == 1035, "\(String(describing: stolen))")
                let unsigned = await rpcError { try await second.call(.balances, NoParams(), as: BalancesResult.self) }
                #expect(unsigned?.code == 1030)

                // The stolen try spent the line's nonce: it opens nothing anywhere now.
                #expect(await rpcError { try await first.send(line, as: SessionInfo.self) }?.code == 1034)
                // A read's signature (noaber:read:v1) does not open a session; a refused signature
                // spends neither the nonce nor the challenge.
                let asRead = try openLine(challenge.challenge, admin, context: ReadAuthorization.context)
                #expect(await rpcError { try await first.send(asRead, as: SessionInfo.self) }?.code == 1032)
                let genuine = try openLine(challenge.challenge, admin)
                let opened = try await first.send(genuine, as: SessionInfo.self)
                #expect(opened.role == "admin")
                _ = try await first.call(.balances, NoParams(), as: BalancesResult.self)
                // Sent again on the same connection: its nonce is spent, and its challenge with it.
                let again = await rpcError { try await first.send(genuine, as: SessionInfo.self) }
                #expect(again?.code == 1034)
                // Bound to the ledger: an opening signed for another ledger id does not verify.
                let fresh = try await first.call(.sessionChallenge, NoParams(), as: SessionChallenge.self)
                let elsewhere = ReadSigner(key: admin.key, ledgerID: String(repeating: "0", count: 32))
                let wrongLedger = await rpcError {
                    try await first.send(try openLine(fresh.challenge, elsewhere), as: SessionInfo.self)
                }
                #expect(wrongLedger?.code == 1032)
                // A session's signature is no read's either.
                let request = try RPCCoding.requestLine(
                    id: .number(7), method: Method.balances.rawValue, params: NoParams(),
                    authorize: { method, params in
                        try ReadAuthorization.sign(
                            context: ReadAuthorization.sessionContext, method: method, params: params,
                            ledgerID: ledgerID, timestamp: Timestamp.now().rfc3339, with: admin.key)
                    })
                #expect(await rpcError { try await second.send(request, as: BalancesResult.self) }?.code == 1032)
            }
        }
    }

    @Test func aRevokedKeysSessionEndsAtItsNextRead() async throws {
        let (daemon, ledger, ledgerID) = try await ledger()
        defer { daemon.tearDown() }
        try await RPCClient.withConnection(socketPath: daemon.socket) { client in
            try await client.openSession(try signer(daemon, "piet.key", ledgerID))
            _ = try await client.call(.accountGet, AccountParams(account: "vol:piet"), as: AccountInfo.self)
            try daemon.ok("key", "revoke", "--key", "admin.key", ledger.piet)
            let revoked = await rpcError {
                try await client.call(.accountGet, AccountParams(account: "vol:piet"), as: AccountInfo.self)
            }
            #expect(revoked?.code == 1032 && revoked?.message.contains("revoked") == true)
            // The session is closed: the next read is unauthenticated, not Piet's.
            let after = await rpcError {
                try await client.call(.accountGet, AccountParams(account: "vol:piet"), as: AccountInfo.self)
            }
            #expect(after?.code == 1030)
            // A request's own signature still counts on the same connection.
            let line = try RPCCoding.requestLine(
                id: .number(9), method: Method.accountGet.rawValue, params: AccountParams(account: "vol:piet"),
                authorize: try signer(daemon, "admin.key", ledgerID).authorize)
            #expect(try await client.send(line, as: AccountInfo.self).account == "vol:piet")
        }
    }

    @Test func perRequestSignaturesAreJudgedByThemselvesOnASessionConnection() async throws {
        let (daemon, _, ledgerID) = try await ledger()
        defer { daemon.tearDown() }
        let jan = try signer(daemon, "jan.key", ledgerID)
        try await RPCClient.withConnection(socketPath: daemon.socket) { client in
            try await client.openSession(try signer(daemon, "admin.key", ledgerID))
            // Jan's signed read on the admin's session connection is Jan's, with Jan's rights.
            let line = try RPCCoding.requestLine(
                id: .number(5), method: Method.accountGet.rawValue, params: AccountParams(account: "vol:piet"),
                authorize: jan.authorize)
            #expect(await rpcError { try await client.send(line, as: AccountInfo.self) }?.code == 1031)
        }
        // `noaber verify` and `export` read through a session, `balance` by a signed request.
        #expect(try daemon.noaber("verify").status == 0)
        #expect(try daemon.noaber("export", "--format", "jsonl", "--out", "ledger.jsonl").status == 0)
        #expect(try daemon.noaber("balance", "vol:piet").status == 0)
    }
}
