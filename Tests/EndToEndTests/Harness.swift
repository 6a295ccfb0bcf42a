import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTestSupport
import NoaberTransport
import Testing

/// A real `noaberd` process on a temporary socket, and the real `noaber` to drive it.
final class DaemonProcess: @unchecked Sendable {
    let directory: URL
    var dataDirectory: String { directory.appendingPathComponent("data").path }
    var socket: String { directory.appendingPathComponent("noaberd.sock").path }
    var logPath: String { directory.appendingPathComponent("noaberd.log").path }
    private(set) var process: Process
    /// How far the daemon's clock runs ahead (faketime's offset), if it does; the CLI runs with the
    /// same offset, as a client on the daemon's machine would share its clock.
    private(set) var clockAhead: String?

    /// The folder holding the built `noaberd` and `noaber` (beside the test bundle), or $NOABER_BIN_DIR.
    static let binaries: URL = {
        if let dir = ProcessInfo.processInfo.environment["NOABER_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent()
    }()

    /// With `today` (an RFC 3339 time), the daemon's clock and every CLI run's start there and run
    /// on together (faketime), so that a test can be "on 6 December" whatever day it runs.
    init(directory: URL? = nil, extraArguments: [String] = [], today: String? = nil) async throws {
        self.directory = try directory ?? Self.makeTemporaryDirectory()
        process = Process()
        try start(extraArguments: extraArguments, clockAhead: try today.map(Self.offset(to:)))
        try await waitUntilServing()
    }

    /// faketime's offset (`+12345s`, `-678s`) from the real clock to `time`.
    static func offset(to time: String) throws -> String {
        guard let target = Timestamp(rfc3339: time) else { throw CLIFailure(message: "\(time) is not RFC 3339") }
        let seconds = (target.millisecondsSinceEpoch - Timestamp.now().millisecondsSinceEpoch) / 1000
        return seconds < 0 ? "\(seconds)s" : "+\(seconds)s"
    }

    static func makeTemporaryDirectory() throws -> URL {
        // Short paths: a Unix socket path must fit in 108 bytes.
        try NoaberTestSupport.makeTemporaryDirectory("noaber-e2e", under: URL(fileURLWithPath: "/tmp"), shortName: true)
    }

    /// Starts noaberd; with `clockAhead` (faketime's offset, e.g. `+61d`) its clock runs that far
    /// ahead, so that claims expire and demurrage periods pass without any waiting.
    private func start(extraArguments: [String], clockAhead: String? = nil) throws {
        self.clockAhead = clockAhead
        process = Process()
        // Tests share a few threads; one blocked on a child process can delay another's request past
        // the daemon's 30-second request deadline. Unless a test is about that limit, it is long here.
        let idle =
            ["--request-deadline", "--idle-timeout", "--config"].contains(where: extraArguments.contains)
            ? [] : ["--request-deadline", "600"]
        let arguments = ["--data", dataDirectory, "--socket", socket] + idle + extraArguments
        if let clockAhead {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/faketime")
            process.arguments = ["-f", clockAhead, Self.binaries.appendingPathComponent("noaberd").path] + arguments
        } else {
            process.executableURL = Self.binaries.appendingPathComponent("noaberd")
            process.arguments = arguments
        }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try process.run()
    }

    func waitUntilServing() async throws {
        for _ in 0..<200 {
            if !process.isRunning { break }
            if (try? await status()) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("noaberd did not start serving; log:\n\(log())")
        throw CLIFailure(message: "noaberd did not start")
    }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        // The faketime wrapper does not pass signals on: they go to noaberd, its child.
        for child in wrappedChildren() { kill(child, SIGTERM) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func kill9() {
        for child in wrappedChildren() { kill(child, SIGKILL) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func restart(extraArguments: [String] = [], clockAhead: String? = nil) async throws {
        if process.isRunning { stop() }
        try start(extraArguments: extraArguments, clockAhead: clockAhead)
        try await waitUntilServing()
    }

    /// noaberd's pid when it runs under the faketime wrapper; none otherwise.
    private func wrappedChildren() -> [Int32] {
        guard process.isRunning, process.executableURL?.lastPathComponent == "faketime" else { return [] }
        let pid = process.processIdentifier
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Stops the daemon and removes its folder.
    func tearDown() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func status() async throws -> StatusResult {
        try await RPCClient.withConnection(socketPath: socket) {
            try await $0.call(.status, NoParams(), as: StatusResult.self)
        }
    }

    /// Runs the real CLI against this daemon, in the daemon's folder (where the key files live).
    @discardableResult
    func noaber(_ arguments: String...) throws -> CommandResult {
        try run(Self.binaries.appendingPathComponent("noaber"), arguments)
    }

    func noaber(arguments: [String]) throws -> CommandResult {
        try run(Self.binaries.appendingPathComponent("noaber"), arguments)
    }

    /// Runs the CLI and requires success; returns its stdout.
    @discardableResult
    func ok(arguments: [String]) throws -> String {
        let result = try run(Self.binaries.appendingPathComponent("noaber"), arguments)
        guard result.status == 0 else {
            throw CLIFailure(
                message: "noaber \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    @discardableResult
    func ok(_ arguments: String...) throws -> String { try ok(arguments: arguments) }

    /// Runs a program in the daemon's folder, with its socket, and the admin's key for reads once
    /// the ledger has one (reads need a key: tests of who may read what give theirs with --key, or
    /// none with NOABER_KEY set empty).
    func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        var variables = ["NOABER_SOCKET": socket]
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("admin.key").path) {
            variables["NOABER_KEY"] = "admin.key"
        }
        let (program, programArguments) =
            clockAhead.map { (URL(fileURLWithPath: "/usr/bin/faketime"), ["-f", $0, executable.path] + arguments) }
            ?? (executable, arguments)
        return try runProcess(
            program, programArguments, in: directory,
            environment: .inherited(adding: variables.merging(environment) { $1 }))
    }

    /// A connection whose reads are signed with the admin's key, as `noaber` signs them: for tests
    /// that speak the protocol themselves.
    func withAdminReads<R>(_ body: (RPCClient) async throws -> R) async throws -> R {
        let key = try privateKey("admin.key")
        let ledgerID = try await status().ledgerId ?? ""
        return try await RPCClient.withConnection(socketPath: socket) { client in
            client.readSigner = ReadSigner(key: key, ledgerID: ledgerID)
            return try await body(client)
        }
    }

    /// A JSON answer of the CLI, decoded with the protocol's snake_case rules.
    func json<T: Decodable>(_ type: T.Type, _ arguments: String...) throws -> T {
        let result = try run(Self.binaries.appendingPathComponent("noaber"), arguments + ["--json"])
        guard result.status == 0 else { throw CLIFailure(message: "noaber \(arguments) failed: \(result.stderr)") }
        return try RPCCoding.decoder().decode(T.self, from: Data(result.stdout.utf8))
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

struct BalanceOutput: Decodable {
    var account: String
    var balance: String
    var minorUnits: Int64
}

/// The README's walkthrough ledger: an issuer, two volunteers and a shop, with one credit, one
/// transfer and one redemption. Key files are left in the daemon's folder. `entryVersion` 1 is for
/// tests that sign version 1 payloads by hand or edit texts in the derived tables.
struct WalkthroughLedger {
    var admin, coordinator, jan, piet, bakker: String

    init(on daemon: DaemonProcess, entryVersion: Int = 2) throws {
        var ids: [String: String] = [:]
        for name in ["admin", "coord", "jan", "piet", "bakker"] {
            ids[name] = try daemon.ok("keygen", "--out", "\(name).key").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        try daemon.ok(
            "init", "--admin-key", "admin.key", "--name", "Zorgkring Noord", "--currency", "ZMT", "--currency-name",
            "zorgmunt", "--scale", "2", "--hour-rate", "10.00", "--entry-version", "\(entryVersion)")
        func add(_ file: String, _ label: String, _ role: String) throws -> String {
            let printed = try daemon.ok(
                "key", "add", "--key", "admin.key", "--pub", "\(file).key.pub", "--label", label, "--role", role)
            #expect(printed.hasPrefix(ids[file]!), "key add prints the id keygen printed")
            return ids[file]!
        }
        admin = ids["admin"]!
        coordinator = try add("coord", "coordinator Anja", "operator")
        jan = try add("jan", "Jan Peeters", "member")
        piet = try add("piet", "Piet", "member")
        bakker = try add("bakker", "Bakker de Vries", "member")
        try daemon.ok(
            "account", "open", "org:zorgkring", "--key", "admin.key", "--kind", "issuer", "--name", "Zorgkring Noord",
            "--min-balance", "-10000.00", "--controller", coordinator)
        try daemon.ok(
            "account", "open", "vol:jan-peeters", "--key", "coord.key", "--kind", "member", "--name", "Jan Peeters",
            "--controller", jan)
        try daemon.ok(
            "account", "open", "vol:piet", "--key", "coord.key", "--kind", "member", "--name", "Piet", "--controller",
            piet)
        try daemon.ok(
            "account", "open", "shop:bakker", "--key", "coord.key", "--kind", "merchant", "--name", "Bakker de Vries",
            "--controller", bakker)
        try daemon.ok(
            "credit", "--key", "coord.key", "--from", "org:zorgkring", "--to", "vol:jan-peeters", "--hours", "2.5",
            "--memo", "boodschappen")
        try daemon.ok(
            "transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "5.00",
            "--memo", "bedankt")
        try daemon.ok(
            "redeem", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "shop:bakker", "--amount", "7.50",
            "--memo", "brood")
    }

    /// Entries the walkthrough writes: init, 4 keys, 4 accounts, 3 transactions.
    static let entries: Int64 = 12
}

extension DaemonProcess {
    func balance(_ account: String) throws -> Int64 { try json(BalanceOutput.self, "balance", account).minorUnits }

    /// Signs and submits a hand-made payload, as a misbehaving client would.
    func submit(_ signed: SignedEntry) async throws -> SubmitResult {
        try await RPCClient.withConnection(socketPath: socket) {
            try await $0.call(.submit, SubmitParams(signed), as: SubmitResult.self)
        }
    }

    func privateKey(_ file: String) throws -> Ed25519PrivateKey {
        try Ed25519PrivateKey(contentsOfFile: directory.appendingPathComponent(file).path)
    }
}

/// The RPC error a call failed with, or nil if it did not fail that way.
func rpcError(_ body: () async throws -> some Any) async -> RPCError? {
    do {
        _ = try await body()
        return nil
    } catch ClientError.rpc(let error) {
        return error
    } catch {
        return nil
    }
}
