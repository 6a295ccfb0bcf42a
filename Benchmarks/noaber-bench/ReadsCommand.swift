import ArgumentParser
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport

/// `noaber-bench reads`: the read benchmark alone, on a fresh ledger with one credited volunteer,
/// to profile or compare the read path without replaying the workload first.
struct ReadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reads", abstract: "Measure account.get (and ledger.status) over many connections.")

    @Option(help: "The daemon's socket (a fresh, uninitialised ledger).")
    var socket: String

    @Option(help: "Concurrent client connections.")
    var connections = 16

    @Option(help: "Reads per connection.")
    var perConnection = 2000

    @Option(help: "Which reads: open, signed, session (repeat the option for several; all when none).")
    var mode: [String] = []

    @Option(help: "The daemon's process id, to report the CPU each read costs it.")
    var daemonPid: Int32?

    @Option(help: "Write each read's send time and latency (ms) to this path, suffixed by the mode.")
    var trace: String?

    @Option(
        help:
            "With session reads, also read at this rate offered (reads/s, open loop, latency from when each read was due); 0 for none."
    )
    var pacedRate = 30_000.0

    @Option(help: "How long the paced reads last, in seconds.")
    var pacedSeconds = 3.0

    func run() async throws {
        let modes = try mode.map { name in
            guard let found = BenchClient.ReadMode.allCases.first(where: { "\($0)" == name }) else {
                throw ValidationError("--mode is open, signed or session, not \(name)")
            }
            return found
        }
        let client = BenchClient(socket: socket, connections: 1)
        let (ledger, admin, coordinator, members) = try await client.createLedger()
        let volunteer = try NoaberBench.account("V00001")
        var opened: [SignedEntry] = []
        for (short, kind) in [("O001", AccountKind.issuer), ("V00001", .member)] {
            opened.append(
                try BenchClient.opening(
                    short, kind: kind, ledger: ledger, admin: admin, coordinator: coordinator, members: members))
        }
        _ = try await client.submit(opened)
        let credit = Transaction(
            purpose: .credit,
            postings: [
                Posting(account: try NoaberBench.account("O001"), amount: -100),
                Posting(account: volunteer, amount: 100),
            ], memo: "an hour", hours: "1.00", hourRate: 100)
        _ = try await client.submit([
            try SignedEntry.sign(Payload(ledger: ledger, id: "credit-1", body: .transaction(credit)), with: coordinator)
        ])
        let signer = ReadSigner(key: members, ledgerID: ledger)
        let chosen = modes.isEmpty ? BenchClient.ReadMode.allCases : modes
        _ = try await client.readBenchmark(
            signer: signer, account: volunteer, connections: connections, perConnection: perConnection,
            modes: chosen, daemonPID: daemonPid, trace: trace)
        if chosen.contains(.session), pacedRate > 0 {
            _ = try await client.pacedReadBenchmark(
                signer: signer, account: volunteer, connections: connections, rate: pacedRate, seconds: pacedSeconds,
                daemonPID: daemonPid, trace: trace)
        }
    }
}
