import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

/// Every bad input of issue #2: a typed error, nothing written, and the daemon still serving.
@Suite("Bad input against a real daemon")
struct BadInputTests {
    /// Runs `body` on a walkthrough ledger and checks that nothing changed afterwards.
    func withUnchangedLedger(_ body: (DaemonProcess, Payload.Body) async throws -> Void) async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon, entryVersion: 1)
        let before = try await daemon.status()
        let balances = try ["org:zorgkring", "vol:jan-peeters", "vol:piet", "shop:bakker"].map(daemon.balance)
        let validTransfer = Payload.Body.transaction(
            Transaction(
                purpose: .transfer,
                postings: [
                    Posting(account: try AccountID("vol:jan-peeters"), amount: -100),
                    Posting(account: try AccountID("vol:piet"), amount: 100),
                ]))
        try await body(daemon, validTransfer)
        let after = try await daemon.status()
        #expect(after.entries == before.entries)
        #expect(after.headHash == before.headHash)
        #expect(try ["org:zorgkring", "vol:jan-peeters", "vol:piet", "shop:bakker"].map(daemon.balance) == balances)
        #expect(try daemon.noaber("verify").status == 0)
    }

    func cliFails(_ daemon: DaemonProcess, _ arguments: [String], saying text: String) throws {
        let result = try daemon.noaber(arguments: arguments)
        #expect(result.status != 0, "noaber \(arguments.joined(separator: " ")) should fail")
        #expect(result.stderr.contains(text), "stderr: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one line on stderr: \(result.stderr)")
    }

    @Test func cliRefusesBadAmountsBeforeSigning() async throws {
        try await withUnchangedLedger { daemon, _ in
            let pay = ["transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount"]
            try cliFails(daemon, pay + ["0"], saying: "more than zero")
            try cliFails(daemon, pay + ["1.234"], saying: "has 3 decimals; this currency has 2")
            try cliFails(daemon, pay + ["99999999999999999999"], saying: "too large")
            try cliFails(
                daemon, Array(pay.dropLast()) + ["--amount=-5.00"], saying: "is negative; give a positive amount")
            try cliFails(daemon, pay + ["abc"], saying: "not a decimal number")
            try cliFails(
                daemon,
                ["credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--hours", "1.555"],
                saying: "at most two decimals")
            try cliFails(
                daemon,
                ["credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--hours", "0"],
                saying: "must be more than zero")
        }
    }

    @Test func daemonRefusesRuleBreakingEntries() async throws {
        try await withUnchangedLedger { daemon, _ in
            let transfer = ["transfer", "--from", "vol:jan-peeters", "--amount", "1.00"]
            try cliFails(
                daemon, transfer + ["--key", "jan.key", "--to", "vol:nobody"],
                saying: "account vol:nobody does not exist")
            try cliFails(
                daemon, transfer + ["--key", "piet.key", "--to", "vol:piet"],
                saying: "does not control account vol:jan-peeters")
            try cliFails(
                daemon,
                [
                    "transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount",
                    "100.00",
                ],
                saying: "would go to -87.50, below its minimum balance 0.00")
            try cliFails(
                daemon,
                ["redeem", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "1.00"],
                saying: "a redeem may only pay to merchant accounts")
            try cliFails(
                daemon,
                [
                    "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:piet", "--amount",
                    "10000.01",
                ],
                saying: "would go to -10025.01, below its minimum balance -10000.00")
            try daemon.ok("keygen", "--out", "stranger.key")
            try cliFails(
                daemon, transfer + ["--key", "stranger.key", "--to", "vol:piet"],
                saying: "is not registered in this ledger")
            try cliFails(
                daemon,
                [
                    "init", "--admin-key", "admin.key", "--name", "Again", "--currency", "ZMT", "--currency-name", "z",
                    "--hour-rate", "1",
                ],
                saying: "already initialised")
            try cliFails(
                daemon,
                ["key", "add", "--key", "jan.key", "--pub", "stranger.key.pub", "--label", "x", "--role", "admin"],
                saying: "only admin keys may add keys")
            try cliFails(
                daemon,
                [
                    "account", "open", "vol:x", "--key", "jan.key", "--kind", "member", "--name", "X", "--controller",
                    "jan.key.pub",
                ],
                saying: "only admin or operator keys may open accounts")
            try cliFails(
                daemon,
                [
                    "account", "open", "vol:piet", "--key", "coord.key", "--kind", "member", "--name", "X",
                    "--controller", "jan.key.pub",
                ],
                saying: "account vol:piet already exists")
        }
    }

    @Test func smallOrderKeyIsRefused() async throws {
        try await withUnchangedLedger { daemon, _ in
            var raw = [UInt8](repeating: 0, count: 32)
            raw[0] = 1
            try Ed25519PublicKey(rawRepresentation: raw).write(
                toFile: daemon.directory.appendingPathComponent("weak.pub").path)
            try cliFails(
                daemon,
                ["key", "add", "--key", "admin.key", "--pub", "weak.pub", "--label", "weak", "--role", "operator"],
                saying: "small-order point")
        }
    }

    @Test func revokedKeySignsNothing() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let ledger = try WalkthroughLedger(on: daemon)
        try daemon.ok("key", "revoke", "--key", "admin.key", ledger.piet, "--reason", "phone lost")
        let entries = try await daemon.status().entries
        let result = try daemon.noaber(
            "transfer", "--key", "piet.key", "--from", "vol:piet", "--to", "vol:jan-peeters", "--amount", "1.00")
        #expect(result.status != 0)
        #expect(result.stderr.contains("was revoked by entry 13"))
        #expect(try await daemon.status().entries == entries)
        #expect(try daemon.balance("vol:piet") == 500)
        let last = try daemon.noaber("key", "revoke", "--key", "admin.key", ledger.admin)
        #expect(last.stderr.contains("last active admin key"))
    }

    @Test func forgedAndMisdirectedSubmissionsAreRefused() async throws {
        try await withUnchangedLedger { daemon, transfer in
            let status = try await daemon.status()
            let ledgerID = try #require(status.ledgerId)
            let jan = try daemon.privateKey("jan.key")
            let good = try SignedEntry.sign(Payload(ledger: ledgerID, id: "forged-1", body: transfer), with: jan)

            // The right key's signature over other bytes.
            var other = Payload(ledger: ledgerID, id: "forged-1", body: transfer)
            if case .transaction(var tx) = other.body {
                tx.postings = [
                    Posting(account: try AccountID("vol:jan-peeters"), amount: -1000),
                    Posting(account: try AccountID("vol:piet"), amount: 1000),
                ]
                other.body = .transaction(tx)
            }
            var swapped = good
            swapped.payload = other.encoded()
            #expect(await rpcError { try await daemon.submit(swapped) }?.reason == "bad_signature")

            // Signed for another ledger: both the payload's ledger field and the signed message differ.
            let elsewhere = try SignedEntry.sign(
                Payload(ledger: String(repeating: "ab", count: 16), id: "forged-2", body: transfer), with: jan)
            #expect(await rpcError { try await daemon.submit(elsewhere) }?.reason == "wrong_ledger")

            // Claiming the ledger's id while signing as if for another one.
            var rebound = elsewhere
            rebound.payload = Payload(ledger: ledgerID, id: "forged-2", body: transfer).encoded()
            #expect(await rpcError { try await daemon.submit(rebound) }?.reason == "bad_signature")
        }
    }

    @Test func payloadsThatDoNotAddUpOrDoNotParseAreRefused() async throws {
        try await withUnchangedLedger { daemon, transfer in
            let status = try await daemon.status()
            let ledgerID = try #require(status.ledgerId)
            let jan = try daemon.privateKey("jan.key")

            // Unbalanced, zero and overflowing postings, signed properly by the controller.
            func signedTx(_ id: String, _ amounts: [(String, Int64)]) throws -> SignedEntry {
                let postings = try amounts.map { Posting(account: try AccountID($0.0), amount: $0.1) }
                return try SignedEntry.sign(
                    Payload(
                        ledger: ledgerID, id: id,
                        body: .transaction(Transaction(purpose: .transfer, postings: postings))), with: jan)
            }
            #expect(
                await rpcError {
                    try await daemon.submit(try signedTx("u1", [("vol:jan-peeters", -100), ("vol:piet", 99)]))
                }?.reason == "unbalanced")
            #expect(
                await rpcError {
                    try await daemon.submit(try signedTx("u2", [("vol:jan-peeters", 0), ("vol:piet", 0)]))
                }?.reason == "invalid_amount")
            #expect(
                await rpcError {
                    try await daemon.submit(
                        try signedTx(
                            "u3", [("vol:jan-peeters", -100), ("vol:piet", Int64.max), ("shop:bakker", Int64.max)]))
                }?.reason == "invalid_amount")
            #expect(
                await rpcError { try await daemon.submit(try signedTx("u4", [("vol:jan-peeters", -100)])) }?.reason
                    == "unbalanced")

            // An amount past Int64 in the JSON text itself.
            let text =
                "{\"id\":\"u5\",\"kind\":\"tx\",\"ledger\":\"\(ledgerID)\",\"postings\":[{\"account\":\"vol:jan-peeters\",\"amount\":-99999999999999999999},{\"account\":\"vol:piet\",\"amount\":99999999999999999999}],\"purpose\":\"transfer\",\"v\":1}"
            let bytes = Array(text.utf8)
            let big = try raw(bytes, for: ledgerID, signedBy: jan)
            #expect(await rpcError { try await daemon.submit(big) }?.reason == "invalid_payload")

            // Unknown fields are refused, so nothing unsigned-for can ride along.
            let extra = Array(
                text.replacingOccurrences(of: "99999999999999999999", with: "100").replacingOccurrences(
                    of: "\"v\":1", with: "\"v\":1,\"note\":\"x\""
                ).utf8)
            let withExtra = try raw(extra, for: ledgerID, signedBy: jan)
            #expect(await rpcError { try await daemon.submit(withExtra) }?.message.contains("unknown field") == true)

            // A digit with a combining mark once crashed the writer: now a refusal, and the daemon serves on.
            let coordinator = try daemon.privateKey("coord.key")
            let crash = Array(
                "{\"hour_rate\":1000,\"hours\":\"2\u{301}\",\"id\":\"h1\",\"kind\":\"tx\",\"ledger\":\"\(ledgerID)\",\"postings\":[{\"account\":\"org:zorgkring\",\"amount\":-2000},{\"account\":\"vol:piet\",\"amount\":2000}],\"purpose\":\"credit\",\"v\":1}"
                    .utf8)
            let crashEntry = try raw(crash, for: ledgerID, signedBy: coordinator)
            #expect(await rpcError { try await daemon.submit(crashEntry) }?.reason == "invalid_hours")

            // Payloads that JSON readers disagree on: duplicate keys (Foundation reads the first,
            // Python the last), unknown fields inside postings, integers not written plainly.
            let plain = text.replacingOccurrences(of: "99999999999999999999", with: "100")
            for (variant, complaint) in [
                (
                    plain.replacingOccurrences(of: "\"amount\":-100", with: "\"amount\":-100,\"amount\":-900"),
                    "appears twice"
                ),
                (
                    plain.replacingOccurrences(of: "\"amount\":-100", with: "\"amount\":-100,\"note\":1"),
                    "postings[0].note\" is not part"
                ),
                (plain.replacingOccurrences(of: "\"amount\":100", with: "\"amount\":1e2"), "must be a plain integer"),
                (plain.replacingOccurrences(of: "\"v\":1", with: "\"v\":1,\"memo\":null"), "is null"),
            ] {
                let bytes = Array(variant.utf8)
                let entry = try raw(bytes, for: ledgerID, signedBy: jan)
                let error = await rpcError { try await daemon.submit(entry) }
                #expect(
                    error?.reason == "invalid_payload" && error?.message.contains(complaint) == true,
                    "\(variant): \(String(describing: error))")
            }
        }
    }

    @Test func malformedRequestsGetJSONRPCErrorsAndTheDaemonKeepsServing() async throws {
        try await withUnchangedLedger { daemon, _ in
            try await daemon.withAdminReads { client in
                for (line, code) in [
                    ("{not json", -32700), ("[1,2]", -32600),
                    ("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ledger.status\"}", -32600),
                    ("{\"jsonrpc\":\"2.0\",\"method\":\"ledger.status\"}", -32600),
                    ("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ledger.drop\"}", -32601),
                    ("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ledger.submit\",\"params\":{}}", -32602),
                    (
                        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ledger.submit\",\"params\":{\"payload\":\"!!\",\"signature\":\"00\",\"key_id\":\"x\"}}",
                        -32602
                    ),
                    // A read without an authorisation is refused before its params are looked at.
                    (
                        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"account.get\",\"params\":{\"account\":\"NOT VALID\"}}",
                        1030
                    ),
                ] {
                    let error = await rpcError {
                        try await client.send(Data((line + "\n").utf8), as: StatusResult.self)
                    }
                    #expect(error?.code == code, "\(line) → \(String(describing: error))")
                }
                // Signed, the same read's params are judged: the account id is not one.
                let signed = try RPCCoding.requestLine(
                    id: .number(6), method: Method.accountGet.rawValue, params: AccountParams(account: "NOT VALID"),
                    authorize: try #require(client.readSigner).authorize)
                #expect(await rpcError { try await client.send(signed, as: AccountInfo.self) }?.code == -32602)
                // The same connection still works after all of that.
                let alive = try await client.call(.status, NoParams(), as: StatusResult.self)
                #expect(alive.initialised)
            }
        }
    }

    @Test func oversizedLineIsRefusedAndOnlyThatConnectionCloses() async throws {
        try await withUnchangedLedger { daemon, _ in
            try await RPCClient.withConnection(socketPath: daemon.socket) { client in
                try await client.writeRaw(
                    Array(repeating: UInt8(ascii: "x"), count: LineFrameDecoder.defaultMaxLength + 10))
                let answer = try #require(try await client.readLine())
                #expect(answer.contains("request_too_large"))
                #expect(try await client.readLine() == nil, "the connection is closed after the error")
            }
            #expect(try await daemon.status().initialised)
        }
    }

    @Test func clientThatDisconnectsMidRequestChangesNothing() async throws {
        try await withUnchangedLedger { daemon, transfer in
            let ledgerID = try #require(try await daemon.status().ledgerId)
            let signed = try SignedEntry.sign(
                Payload(ledger: ledgerID, id: "half-sent", body: transfer), with: try daemon.privateKey("jan.key"))
            let line = try RPCCoding.line(
                RPCRequest(id: .number(1), method: Method.submit.rawValue, params: SubmitParams(signed)))
            for _ in 0..<5 {
                try await RPCClient.withConnection(socketPath: daemon.socket) { client in
                    try await client.writeRaw(Array(line.prefix(line.count / 2)))
                }
            }
            #expect(try await daemon.status().initialised)
        }
    }
}

/// Payload bytes written by hand, signed as they are: what a client other than noaber could send.
private func raw(_ bytes: [UInt8], for ledgerID: String, signedBy key: Ed25519PrivateKey) throws -> SignedEntry {
    SignedEntry(
        payload: bytes,
        signature: try key.signature(for: SignedEntry.signingMessage(ledgerID: ledgerID, payload: bytes)),
        keyID: key.publicKey.keyID)
}
