import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

/// The CLI signs amounts in minor units, so the scale and hour rate it uses must be the ledger's
/// own, signed in entry 1, and not whatever the program on the socket says.
@Suite("The CLI trusts the ledger's signed settings, not the daemon's word")
struct CLITrustTests {
    static let python = "/usr/bin/python3"
    static let hasPython = FileManager.default.isExecutableFile(atPath: python)

    static let transfer = ["transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet"]

    func fails(_ result: CommandResult, saying text: String, _ what: String) {
        #expect(result.status != 0, "\(what) should fail")
        #expect(result.stderr.contains(text), "\(what): stderr: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(what): one line on stderr: \(result.stderr)")
    }

    /// Runs the CLI in the daemon's folder with extra environment variables.
    func noaber(_ daemon: DaemonProcess, _ arguments: [String], environment: [String: String]) throws -> CommandResult {
        try runProcess(
            DaemonProcess.binaries.appendingPathComponent("noaber"), arguments, in: daemon.directory,
            environment: .inherited(
                adding: ["NOABER_SOCKET": daemon.socket, "NOABER_KEY": "admin.key"].merging(environment) { $1 }))
    }

    @Test func ledgerPinAcceptsTheRightIdAndRefusesAnyOther() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let id = try #require(try await daemon.status().ledgerId)
        let other = String(repeating: "0", count: 32)
        let pay = Self.transfer + ["--amount", "0.05"]

        // The right id, by flag and by environment (and the flag wins over the environment).
        #expect(try daemon.noaber(arguments: pay + ["--ledger", id]).status == 0)
        #expect(try noaber(daemon, pay, environment: ["NOABER_LEDGER": id]).status == 0)
        #expect(try noaber(daemon, pay + ["--ledger", id], environment: ["NOABER_LEDGER": other]).status == 0)
        #expect(
            try noaber(daemon, ["balance", "vol:piet"], environment: ["NOABER_LEDGER": id]).stdout.contains("5.15 ZMT"))
        #expect(try noaber(daemon, ["verify"], environment: ["NOABER_LEDGER": id]).status == 0)
        #expect(try noaber(daemon, ["status"], environment: ["NOABER_LEDGER": id]).status == 0)

        // Any other id: one line on stderr, a non-zero exit, and nothing signed.
        let before = try await daemon.status()
        let refusal = "serves ledger \(id), not ledger \(other)"
        fails(
            try daemon.noaber(arguments: pay + ["--ledger", other]), saying: refusal + " (--ledger)",
            "transfer --ledger OTHER")
        fails(
            try noaber(daemon, pay, environment: ["NOABER_LEDGER": other]), saying: refusal + " (NOABER_LEDGER)",
            "transfer with NOABER_LEDGER=OTHER")
        fails(
            try noaber(daemon, pay + ["--ledger", other], environment: ["NOABER_LEDGER": id]), saying: refusal,
            "--ledger OTHER over NOABER_LEDGER")
        fails(
            try daemon.noaber(arguments: ["balance", "vol:piet", "--ledger", other]), saying: refusal,
            "balance --ledger OTHER")
        fails(try daemon.noaber(arguments: ["verify", "--ledger", other]), saying: refusal, "verify --ledger OTHER")
        fails(
            try noaber(daemon, ["status"], environment: ["NOABER_LEDGER": other]), saying: refusal,
            "status with NOABER_LEDGER=OTHER")
        fails(
            try daemon.noaber(arguments: [
                "init", "--admin-key", "admin.key", "--name", "Again", "--currency", "ZMT", "--currency-name", "z",
                "--hour-rate", "1",
                "--ledger", id,
            ]), saying: "init creates a new ledger", "init --ledger")
        let after = try await daemon.status()
        #expect(after.entries == before.entries && after.headHash == before.headHash)
        #expect(after.entries == WalkthroughLedger.entries + 3)

        // A pin on a daemon that serves no ledger yet is refused too.
        let fresh = try await DaemonProcess()
        defer { fresh.tearDown() }
        fails(
            try fresh.noaber(arguments: ["status", "--ledger", id]), saying: "serves no ledger yet, not ledger \(id)",
            "status on an empty daemon")
        #expect(try fresh.noaber(arguments: ["status"]).status == 0)
    }

    /// What a program posing as the daemon serves, and what it was asked.
    struct FakeDaemon {
        var socket: String
        var methods: [String]
    }

    /// Fetches the real `ledger.status` and entry 1, lets `rewrite` change them, serves them from a
    /// fake daemon at a socket of its own while `body` runs the CLI against it, and returns the
    /// methods the CLI called. The fake serves one connection of at most 20 requests, and gives up
    /// by itself after 120 seconds without one.
    func withFakeDaemon(
        posingAs daemon: DaemonProcess, rewrite: (inout StatusResult, inout EntriesResult) throws -> Void,
        then body: (String) throws -> Void
    ) async throws -> [String] {
        var (status, entries) = try await RPCClient.withConnection(socketPath: daemon.socket) { client in
            (
                try await client.call(.status, NoParams(), as: StatusResult.self),
                try await client.call(.firstEntry, NoParams(), as: EntriesResult.self)
            )
        }
        try rewrite(&status, &entries)
        let dir = daemon.directory
        let socket = dir.appendingPathComponent("fake.sock").path
        try? FileManager.default.removeItem(atPath: socket)
        try RPCCoding.encoder().encode(status).write(to: dir.appendingPathComponent("fake-status.json"))
        try RPCCoding.encoder().encode(entries).write(to: dir.appendingPathComponent("fake-entries.json"))
        try Self.fakeScript.write(to: dir.appendingPathComponent("fake.py"), atomically: true, encoding: .utf8)

        // On a thread of its own, started at once: the fake serves for the whole test, and must
        // neither hold a thread that the other tests' async work needs nor wait for one to start.
        let fake = ThreadJob {
            try runProcess(
                URL(fileURLWithPath: Self.python), ["fake.py", socket, "fake-status.json", "fake-entries.json"], in: dir
            )
        }
        // The fake renames its socket into place once it listens, so a connect never races the bind.
        // Python's start-up under the whole suite's load on two cores can take seconds, so the
        // bound is a minute of wall time, not a count of sleeps that the load stretches anyway.
        let deadline = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: socket) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(FileManager.default.fileExists(atPath: socket), "the fake daemon did not start")
        try body(socket)
        let result = try await fake.value()
        #expect(result.status == 0, "fake daemon: \(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// The fake daemon: answers `ledger.status` and `ledger.first_entry` with the given JSON, refuses
    /// everything else, and prints the method of every request it got.
    static let fakeScript = #"""
        import json, os, socket, sys

        path, status_file, entries_file = sys.argv[1:4]
        with open(status_file) as f:
            status = json.load(f)
        with open(entries_file) as f:
            entries = json.load(f)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path + ".tmp")
        server.listen(1)
        os.rename(path + ".tmp", path)
        server.settimeout(120)
        methods = []
        try:
            conn, _ = server.accept()
        except socket.timeout:
            conn = None
        if conn is not None:
            conn.settimeout(60)
            buffer = b""
            for _ in range(20):
                while b"\n" not in buffer:
                    try:
                        chunk = conn.recv(65536)
                    except socket.timeout:
                        chunk = b""
                    if not chunk:
                        break
                    buffer += chunk
                if b"\n" not in buffer:
                    break
                line, buffer = buffer.split(b"\n", 1)
                request = json.loads(line)
                method = request.get("method")
                methods.append(str(method))
                answer = {"jsonrpc": "2.0", "id": request.get("id")}
                if method == "ledger.status":
                    answer["result"] = status
                elif method == "ledger.first_entry":
                    answer["result"] = entries
                else:
                    answer["error"] = {"code": -32000, "message": "the fake daemon refuses " + str(method), "data": {"reason": "fake"}}
                conn.sendall((json.dumps(answer) + "\n").encode())
            conn.close()
        server.close()
        os.unlink(path)
        print("\n".join(methods))
        """#

    @Test(.enabled(if: hasPython, "python3 is missing; scripts/setup.sh installs it"))
    func aDaemonReportingAnotherScaleIsRefusedBeforeSigning() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let before = try await daemon.status()
        let id = try #require(before.ledgerId)

        // The reviewer's fake: the real status with scale 4, and the real entry 1.
        let methods = try await withFakeDaemon(
            posingAs: daemon, rewrite: { status, _ in status.currency?.scale = 4 },
            then: {
                socket in
                let result = try daemon.noaber(
                    arguments: Self.transfer + ["--socket", socket, "--amount", "0.05", "--ledger", id])
                fails(
                    result,
                    saying:
                        "the daemon at \(socket) reports settings that entry 1 does not sign (scale 4, entry 1 signs 2); refusing to sign",
                    "transfer via a fake daemon reporting scale 4")
            })
        #expect(methods.contains("ledger.status") && methods.contains("ledger.first_entry"), "\(methods)")
        #expect(!methods.contains("ledger.submit"), "nothing was signed and sent: \(methods)")

        // A fake that also rewrites entry 1 to scale 4 breaks the admin's signature.
        let forged = try await withFakeDaemon(
            posingAs: daemon,
            rewrite: { status, entries in
                status.currency?.scale = 4
                let payload = try #require(Data(base64Encoded: entries.entries[0].payload))
                let text = String(decoding: payload, as: UTF8.self)
                #expect(text.contains("\"scale\":2"))
                entries.entries[0].payload = Data(
                    text.replacingOccurrences(of: "\"scale\":2", with: "\"scale\":4").utf8
                ).base64EncodedString()
            },
            then: { socket in
                fails(
                    try daemon.noaber(arguments: Self.transfer + ["--socket", socket, "--amount", "0.05"]),
                    saying:
                        "entry 1 from the daemon at \(socket) is not validly signed by the admin key it registers; refusing to sign",
                    "transfer via a fake daemon serving a rewritten entry 1")
            })
        #expect(!forged.contains("ledger.submit"), "\(forged)")

        // The control: the same fake, telling the truth, is trusted as far as the submission.
        let honest = try await withFakeDaemon(
            posingAs: daemon, rewrite: { _, _ in },
            then: { socket in
                fails(
                    try daemon.noaber(arguments: Self.transfer + ["--socket", socket, "--amount", "0.05"]),
                    saying: "the fake daemon refuses ledger.submit", "transfer via an honest fake daemon")
            })
        #expect(honest.contains("ledger.submit"), "\(honest)")

        let after = try await daemon.status()
        #expect(after.entries == before.entries && after.headHash == before.headHash)
        #expect(try daemon.balance("vol:piet") == 500)
    }

    @Test(.enabled(if: hasPython, "python3 is missing; scripts/setup.sh installs it"))
    func aLookAlikeEntryOneUnderTheRealIDIsRefused() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let before = try await daemon.status()
        let id = try #require(before.ledgerId)

        // A fake with an admin key of its own signs a look-alike entry 1 at scale 4 under the real
        // id. Its signature is good, but the id is not the one its key derives (FORMAT.md §1), so
        // it is refused, pinned or not.
        let impostor = try Ed25519PrivateKey.generate()
        for pin in [["--ledger", id], []] {
            let lookalike = try await withFakeDaemon(
                posingAs: daemon,
                rewrite: { status, entries in
                    status.currency?.scale = 4
                    let real = try Payload.decode(Array(try #require(Data(base64Encoded: entries.entries[0].payload))))
                    guard case .ledgerInit(var settings) = real.body else {
                        throw CLIFailure(message: "entry 1 is not ledger.init")
                    }
                    settings.currency.scale = 4
                    settings.adminKey = KeySpec(publicKey: impostor.publicKey, label: "admin", role: .admin)
                    let signed = try SignedEntry.sign(
                        Payload(ledger: id, id: real.id, body: .ledgerInit(settings)), with: impostor)
                    entries.entries[0].payload = Data(signed.payload).base64EncodedString()
                    entries.entries[0].signature = Hex.encode(signed.signature)
                    entries.entries[0].keyId = signed.keyID.hex
                },
                then: { socket in
                    fails(
                        try daemon.noaber(arguments: Self.transfer + ["--socket", socket, "--amount", "0.05"] + pin),
                        saying: "entry 1 from the daemon at \(socket) does not derive its ledger id from its admin key",
                        "transfer via a fake daemon serving a look-alike entry 1 \(pin)")
                })
            #expect(!lookalike.contains("ledger.submit"), "\(lookalike)")
        }
        let after = try await daemon.status()
        #expect(after.entries == before.entries && after.headHash == before.headHash)
    }
}
