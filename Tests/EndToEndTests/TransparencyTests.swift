import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import NoaberTestSupport
import NoaberTransparency
import Testing

/// Checkpoints, proofs and offline verification through the real binaries (issue #3).
@Suite("Checkpoints, proofs and offline audits")
struct TransparencyTests {
    func file(_ daemon: DaemonProcess, _ name: String) -> String { daemon.directory.appendingPathComponent(name).path }

    func read(_ daemon: DaemonProcess, _ name: String) throws -> String {
        try String(contentsOfFile: file(daemon, name), encoding: .utf8)
    }

    func write(_ daemon: DaemonProcess, _ name: String, _ text: String) throws {
        try text.write(toFile: file(daemon, name), atomically: true, encoding: .utf8)
    }

    /// The verifier key `noaber status` prints.
    func logKey(_ daemon: DaemonProcess) throws -> String {
        let line = try #require(try daemon.ok("status").split(separator: "\n").first { $0.hasPrefix("log key") })
        return String(line.dropFirst("log key".count)).trimmingCharacters(in: .whitespaces)
    }

    @Test func checkpointProofAndConsistencyRoundTrip() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let key = try logKey(daemon)
        #expect(key.hasPrefix("noaber/\(try #require(try await daemon.status().ledgerId))+"))
        _ = try NoteVerifierKey(parsing: key)

        // Without the verifier key from elsewhere, the CLI will not take the daemon's word for one.
        let unpinned = try daemon.noaber("checkpoint")
        #expect(unpinned.status == 1 && unpinned.stderr.contains("give --log-key"), "\(unpinned.stderr)")

        // Every group commit signs a checkpoint, so the latest covers the whole ledger.
        let printed = try daemon.ok("checkpoint", "--log-key", key)
        let checkpoint = try SignedCheckpoint(parsing: printed)
        #expect(checkpoint.checkpoint.size == UInt64(WalkthroughLedger.entries))
        try checkpoint.verify(by: [NoteVerifierKey(parsing: key)])
        try daemon.ok("checkpoint", "--out", "old.checkpoint", "--log-key", key)
        #expect(try read(daemon, "old.checkpoint") == printed)

        // A proof for the credit (entry 10) checks offline with the log key, and only with it.
        let credit = try #require(try daemon.json(HistoryOutput.self, "history", "vol:jan-peeters").lines.last?.entryId)
        try daemon.ok("proof", credit, "--out", "credit.tlog-proof", "--log-key", key)
        let proof = try read(daemon, "credit.tlog-proof")
        #expect(proof.hasPrefix("c2sp.org/tlog-proof@v1\nextra "))
        let verified = try daemon.noaber("verify-proof", "credit.tlog-proof", "--log-key", key)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("OK: entry 10 (tx, id \(credit)"))
        #expect(try daemon.noaber("verify-proof", "credit.tlog-proof").status == 1, "no trusted key given")
        let stranger = try NoteVerifierKey(
            name: checkpoint.checkpoint.origin, publicKey: Ed25519PrivateKey.generate().publicKey)
        let wrongKey = try daemon.noaber("verify-proof", "credit.tlog-proof", "--log-key", stranger.text)
        #expect(wrongKey.status == 2 && wrongKey.stderr.contains("not signed by the given log key"))

        // One changed proof hash, or a different entry in the extra line, and the proof fails.
        var lines = proof.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let hashLine = try #require(lines.firstIndex { $0.hasPrefix("index ") }) + 1
        lines[hashLine] = try #require(
            SHA256Digest(base64: lines[hashLine]).map { digest in
                var bytes = digest.bytes
                bytes[0] ^= 1
                return SHA256Digest(bytes: bytes)!.base64
            })
        try write(daemon, "bad.tlog-proof", lines.joined(separator: "\n"))
        let bad = try daemon.noaber("verify-proof", "bad.tlog-proof", "--log-key", key)
        #expect(bad.status == 2 && bad.stderr.contains("does not lead to the checkpoint's root"), "\(bad.stderr)")

        // The ledger grows; the old checkpoint is still a prefix of it, and proofs against it still work.
        try daemon.ok(
            "transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "1.00")
        try daemon.ok("checkpoint", "--out", "new.checkpoint", "--log-key", key)
        let consistent = try daemon.ok("consistency", "old.checkpoint", "new.checkpoint", "--log-key", key)
        #expect(consistent.contains("OK: the checkpoint of 13 entries extends the one of 12 entries"))
        #expect(
            try daemon.ok("consistency", "old.checkpoint", "--log-key", key).contains("extends the one of 12 entries"))
        try daemon.ok("proof", credit, "--checkpoint", "old.checkpoint", "--out", "old.tlog-proof", "--log-key", key)
        #expect(try daemon.noaber("verify-proof", "old.tlog-proof", "--log-key", key).status == 0)
        let swapped = try daemon.noaber("consistency", "new.checkpoint", "old.checkpoint", "--log-key", key)
        #expect(swapped.status == 1 && swapped.stderr.contains("swap them"))

        // A checkpoint the log key did not sign, or one for a rewritten history, is refused.
        let forged = try SignedCheckpoint.sign(checkpoint.checkpoint, with: Ed25519PrivateKey.generate())
        try write(daemon, "forged.checkpoint", forged.serialized)
        let refused = try daemon.noaber("consistency", "forged.checkpoint", "--log-key", key)
        #expect(
            refused.status == 1 && refused.stderr.contains("not validly signed by the log key"), "\(refused.stderr)")
        let verifyAgainst = try daemon.noaber(
            "verify", "--checkpoint", "old.checkpoint", "--checkpoint", "new.checkpoint")
        #expect(verifyAgainst.status == 0, "\(verifyAgainst.stdout)\(verifyAgainst.stderr)")
        #expect(verifyAgainst.stdout.contains("checkpoint (old.checkpoint): 12 entries, root matches"))
    }

    @Test func offlineVerifyOfAnExportAndItsTamperedCopies() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let key = try logKey(daemon)
        try daemon.ok("checkpoint", "--out", "audit.checkpoint", "--log-key", key)
        // The chain alone: the personal part (ErasureTests) would follow the entries.
        try daemon.ok("export", "--format", "jsonl", "--without-personal-data", "--out", "ledger.jsonl")
        #expect(daemon.stop() == 0)  // offline means offline: no daemon from here on

        let good = try daemon.noaber("verify", "--file", "ledger.jsonl", "--checkpoint", "audit.checkpoint")
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("OK: 12 entries, 4 accounts, 6 keys"))
        #expect(good.stdout.contains("ZMT: 25.00 issued; members hold 17.50, merchants 7.50"))
        #expect(good.stdout.contains("checkpoint (export): 12 entries, root matches"))
        #expect(good.stdout.contains("checkpoint (audit.checkpoint): 12 entries, root matches"))

        let lines = try read(daemon, "ledger.jsonl").split(separator: "\n").map(String.init)
        #expect(lines.count == 13, "a header and 12 entries")
        func verify(_ lines: [String], _ extra: String...) throws -> CommandResult {
            try write(daemon, "tampered.jsonl", lines.joined(separator: "\n") + "\n")
            return try daemon.noaber(arguments: ["verify", "--file", "tampered.jsonl"] + extra)
        }
        // Entry 11 is on line 12.
        var removed = lines
        removed.remove(at: 11)
        let r = try verify(removed)
        #expect(r.status == 2 && r.stderr.contains("entry 11: entry 11 is missing"), "\(r.stderr)")

        var reordered = lines
        reordered.swapAt(10, 11)
        let o = try verify(reordered)
        #expect(
            o.status == 2 && o.stderr.contains("entry 10: entry 10 is missing (the next entry found is 11)"),
            "\(o.stderr)")

        var changed = lines
        var entry = try JSONSerialization.jsonObject(with: Data(changed[11].utf8)) as! [String: Any]
        var payload = Array(Data(base64Encoded: entry["payload"] as! String)!)
        payload[payload.firstIndex(of: UInt8(ascii: "5"))!] = UInt8(ascii: "6")  // -500 becomes -600
        entry["payload"] = Data(payload).base64EncodedString()
        changed[11] = String(decoding: try JSONSerialization.data(withJSONObject: entry), as: UTF8.self)
        let c = try verify(changed)
        #expect(c.status == 2 && c.stderr.contains("entry 11: stored hash"), "\(c.stderr)")

        // Cutting off the newest entry and fixing up the header still contradicts the signed checkpoint.
        var cut = Array(lines.dropLast())
        var header = try JSONSerialization.jsonObject(with: Data(cut[0].utf8)) as! [String: Any]
        var state = header["state"] as! [String: Any]
        state["head_seq"] = 11
        state["entry_rows"] = 11
        header["state"] = state
        cut[0] = String(decoding: try JSONSerialization.data(withJSONObject: header), as: UTF8.self)
        let t = try verify(cut, "--checkpoint", "audit.checkpoint")
        #expect(t.status == 2, "\(t.stdout)")
        #expect(t.stderr.contains("commits to 12 entries, but the chain holds only 11"), "\(t.stderr)")

        // ...and dropping the checkpoint as well leaves an export that cannot pass: its ledger names a log key.
        state["checkpoint"] = nil
        header["state"] = state
        cut[0] = String(decoding: try JSONSerialization.data(withJSONObject: header), as: UTF8.self)
        let n = try verify(cut, "--log-key", key)
        #expect(n.status == 2 && n.stderr.contains("no checkpoint to check"), "\(n.stderr)")
    }

    @Test func aLedgerWithoutALogKeyGetsOneFromItsAdmin() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        // Entry 1 as a ledger made before checkpoints has it: no log_key.
        let admin = try Ed25519PrivateKey.generate()
        try admin.write(toFile: file(daemon, "admin.key"))
        let nonce = try SecureRandom.bytes(16)
        let id = LedgerIdentity.derive(adminKey: admin.publicKey, nonce: nonce)
        let body = LedgerInit(
            name: "Oud", currency: Currency(code: "ZMT", name: "zorgmunt", scale: 2), hourRate: 1000,
            adminKey: KeySpec(publicKey: admin.publicKey, label: "admin", role: .admin), nonce: Hex.encode(nonce))
        _ = try await daemon.submit(
            try SignedEntry.sign(Payload(ledger: id, id: "init", body: .ledgerInit(body)), with: admin))

        #expect(try daemon.ok("status").contains("log key    not announced"))
        let none = try daemon.noaber("checkpoint")
        #expect(none.status == 1 && none.stderr.contains("no checkpoint yet"))

        try daemon.ok("key", "add", "--key", "admin.key", "--role", "log", "--label", "noaberd log key")
        let checkpoint = try SignedCheckpoint(parsing: try daemon.ok("checkpoint", "--log-key", try logKey(daemon)))
        #expect(checkpoint.checkpoint.size == 2, "signed in the same commit as the key.add that announced it")
        let verify = try daemon.noaber("verify")
        #expect(
            verify.status == 0 && verify.stdout.contains("checkpoint (latest): 2 entries, root matches"),
            "\(verify.stdout)")

        // A log key signs checkpoints, never entries.
        let logKey = try daemon.privateKey("data/log.key")
        let error = await rpcError {
            try await daemon.submit(
                try SignedEntry.sign(
                    Payload(
                        ledger: id, id: "by-log-key",
                        body: .keyRevoke(KeyRevoke(keyID: admin.publicKey.keyID, reason: nil))), with: logKey))
        }
        #expect(
            error?.message.contains("is a log key; it signs checkpoints and demurrage, never other entries") == true,
            "\(String(describing: error))")
    }

    @Test func theTreeSurvivesRestartsAndAnEditedTreeStopsTheDaemon() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let key = try logKey(daemon)
        let before = try daemon.ok("checkpoint", "--log-key", key)
        try await daemon.restart()
        #expect(try daemon.ok("checkpoint", "--log-key", key) == before, "nothing new to sign after a restart")
        try daemon.ok(
            "transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "1.00")
        #expect(try daemon.noaber("verify").status == 0)
        #expect(daemon.stop() == 0)

        // Someone edits the stored node for entries 1-8, on which every later root builds: the
        // daemon must not sign anything from that tree. (13 entries: the tree's right edge is the
        // subtrees of 8, 4 and 1 entries.)
        let db = try Connection(path: Database(directory: daemon.dataDirectory).path)
        try db.execute("DROP TRIGGER merkle_nodes_append_only_update")
        try db.execute("UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 3 AND idx = 0")
        let refused = try runProcess(
            DaemonProcess.binaries.appendingPathComponent("noaberd"),
            ["--data", daemon.dataDirectory, "--socket", daemon.socket],
            in: daemon.directory)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("the Merkle tree does not match the journal"), "\(refused.stderr)")
    }

    /// A database restored from an older backup (or cut short) next to a log key that has signed
    /// more must not be signed from: the next checkpoint would contradict a published one.
    @Test func anOlderDatabaseBesideTheLogKeyIsRefused() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let backup = file(daemon, "backup.sqlite")
        let db = try Connection(path: Database(directory: daemon.dataDirectory).path)
        try db.execute("VACUUM INTO '\(backup)'")
        try daemon.ok(
            "transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "1.00")
        #expect(daemon.stop() == 0)
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: Database(directory: daemon.dataDirectory).path + suffix)
        }
        try FileManager.default.copyItem(atPath: backup, toPath: Database(directory: daemon.dataDirectory).path)
        let refused = try runProcess(
            DaemonProcess.binaries.appendingPathComponent("noaberd"),
            ["--data", daemon.dataDirectory, "--socket", daemon.socket],
            in: daemon.directory)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("the log key has signed a checkpoint of 13 entries"), "\(refused.stderr)")
    }

    @Test func intervalModeSignsOnTheTimer() async throws {
        let daemon = try await DaemonProcess(extraArguments: ["--checkpoint-interval", "1"])
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        // The timer, not the commits, signs: wait (bounded) for it to catch up with the head.
        var size: UInt64?
        for _ in 0..<50 where size != UInt64(WalkthroughLedger.entries) {
            try await Task.sleep(for: .milliseconds(100))
            size = try await daemon.status().checkpointSize
        }
        #expect(size == UInt64(WalkthroughLedger.entries))
        #expect(try daemon.noaber("verify").status == 0)
    }
}

struct HistoryOutput: Decodable {
    struct Line: Decodable { var entryId: String }
    var lines: [Line]
}
