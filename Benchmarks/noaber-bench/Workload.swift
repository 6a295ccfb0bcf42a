import ArgumentParser
import Foundation
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport

/// Replays a `gen_workload.py --format jsonl` file through a running noaberd from many
/// connections at once and prints throughput, latency, growth and the final balances' digest,
/// which must equal `gen_workload.py --summary`'s.
struct Workload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload", abstract: "Replay the shared workload and measure the daemon.")

    @Option(help: "The daemon's socket (a fresh, uninitialised ledger).")
    var socket: String

    @Option(help: "A workload from ../shared/bench/gen_workload.py --format jsonl.")
    var workload: String

    @Option(help: "Concurrent client connections.")
    var connections = 64

    @Option(help: "Write the ledger's admin key here, so that an export after the run can sign its reads.")
    var adminKeyOut: String?

    @Option(help: "The digest `gen_workload.py --summary` printed for the same workload.")
    var expectDigest: String?

    @Option(help: "Append the figures to this file, for `noaber-bench targets`.")
    var figures: String?

    @Option(help: "The daemon's process id, to report the CPU each read costs it.")
    var daemonPid: Int32?

    @Option(help: "Write each paced read's due time, latency and lateness (ms) to this path, suffixed by the mode.")
    var trace: String?

    @Flag(help: "Stop after the submission, to profile or count the write path alone.")
    var submitOnly = false

    /// Transactions read, signed and encoded ahead of their submission at a time: neither the
    /// workload's text nor a million request lines should take the memory the benchmark should
    /// leave to the daemon. 50,000 request lines took the client to 122 MB at 100,000
    /// transactions (84 MB with signed entries and the whole file); the connections wait for each
    /// other at the end of a chunk, which at this size is a few milliseconds in seconds.
    static let chunk = 10_000

    /// The read target's rate, offered to the paced session reads whose p99 the target judges.
    static let pacedReadRate = 30_000.0

    struct Line: Decodable {
        var id, date, kind, from, to, memo: String
        var amount: Int64
    }

    func run() async throws {
        let client = BenchClient(socket: socket, connections: connections)
        let (accounts, count, firstCredit) = try WorkloadFile.survey(workload)
        let (ledger, admin, coordinator, members) = try await client.createLedger()
        if let adminKeyOut { try admin.write(toFile: adminKeyOut) }
        var out = Figures()

        let opens = try accounts.sorted { $0.key < $1.key }.map { short, kind in
            try BenchClient.opening(
                short, kind: kind, ledger: ledger, admin: admin, coordinator: coordinator, members: members)
        }
        let openRun = try await client.timed { try await client.submit(opens) }
        client.report("open \(opens.count) accounts", count: opens.count, run: openRun)

        let (total, signing, cpu) = try await submitAll(
            client, ledger: ledger, coordinator: coordinator, members: members)
        print(
            String(
                format: "sign %d transactions on the client: %.0f per second", count,
                Double(count) / signing.seconds))
        client.report("submit \(count) transactions over \(connections) connections", count: count, run: total)
        print(
            String(
                format: "  CPU per entry: daemon %@, this client %.1f µs",
                daemonPid == nil ? "not measured" : String(format: "%.1f µs", cpu.daemon / Double(count) * 1e6),
                cpu.client / Double(count) * 1e6))
        out["submit_rate"] = Double(count) / total.elapsed.seconds
        out["submit_entries"] = Double(count)
        if let tenths = total.tenths {
            print(
                String(
                    format: "growth: %.0f entries per second in the first tenth, %.0f in the last", tenths.first,
                    tenths.last))
            out["submit_first_tenth"] = tenths.first
            out["submit_last_tenth"] = tenths.last
        }

        if submitOnly {
            if let figures { try out.append(to: figures) }
            return
        }
        let status = try await RPCClient.withConnection(socketPath: socket) {
            try await $0.call(.status, NoParams(), as: StatusResult.self)
        }
        print(
            "group commits: \(status.groupCommits) for \(status.entriesCommitted) entries (\(String(format: "%.1f", Double(status.entriesCommitted) / Double(max(status.groupCommits, 1)))) per fsync); database \(status.databaseBytes / 1024) KiB, \(status.databaseBytes / max(status.entries, 1)) bytes per entry"
        )
        out["database_bytes"] = Double(status.databaseBytes)
        out["database_entries"] = Double(status.entries)

        let verifyStart = ContinuousClock.now
        let (audit, balances) = try await client.verify(signer: ReadSigner(key: admin, ledgerID: ledger))
        let verifying = ContinuousClock.now - verifyStart
        print(
            String(
                format:
                    "verify %d entries on the client (fetch, signatures on every core, chain, rules, tree, checkpoint, derived tables): %.2f s, %.0f per second",
                audit.verifier.entries, verifying.seconds, Double(audit.verifier.entries) / verifying.seconds))
        out["verify_online_rate"] = Double(audit.verifier.entries) / verifying.seconds

        try checkDigest(balances)
        if let credit = firstCredit {
            let signer = ReadSigner(key: members, ledgerID: ledger)
            let account = try NoaberBench.account(credit.to)
            let reads = try await client.readBenchmark(signer: signer, account: account, daemonPID: daemonPid)
            out["read_signed_rate"] = reads[.signed]?.rate
            out["read_signed_p99_ms"] = reads[.signed]?.p99
            out["read_session_rate"] = reads[.session]?.rate
            out["read_session_p99_ms"] = reads[.session]?.p99
            // The target's latency: the same reads at the target's rate, paced (Targets.swift).
            let paced = try await client.pacedReadBenchmark(
                signer: signer, account: account, rate: Self.pacedReadRate, daemonPID: daemonPid, trace: trace)
            out["read_paced_offered"] = paced.offered
            out["read_paced_rate"] = paced.rate
            out["read_paced_p50_ms"] = paced.p50
            out["read_paced_p99_ms"] = paced.p99
            out["read_paced_max_ms"] = paced.max
        }
        if let figures { try out.append(to: figures) }
    }

    /// Signs and submits the workload's transactions a chunk at a time; returns the submission's
    /// run, the time spent signing, and the CPU the submission alone cost the daemon (with
    /// `daemonPid`) and this client, signing excluded: on a shared machine these compare across
    /// runs where the rate does not.
    func submitAll(
        _ client: BenchClient, ledger: String, coordinator: Ed25519PrivateKey, members: Ed25519PrivateKey
    ) async throws -> (BenchClient.Run, Duration, (daemon: Double, client: Double)) {
        var total = BenchClient.Run()
        var signing = Duration.zero
        let file = try WorkloadFile(path: workload)
        var first = 0
        var cpu = (daemon: 0.0, client: 0.0)
        while case let part = file.next(Self.chunk), !part.isEmpty {
            let signStart = ContinuousClock.now
            let lines = try sign(part, from: first, ledger: ledger, coordinator: coordinator, members: members)
            signing += ContinuousClock.now - signStart
            first += part.count
            let before = (daemon: daemonPid.flatMap(BenchClient.cpuSeconds), client: BenchClient.ownCPUSeconds())
            total.append(try await client.timed { try await client.submit(lines: lines) })
            if let start = before.daemon, let end = daemonPid.flatMap(BenchClient.cpuSeconds) {
                cpu.daemon += end - start
            }
            cpu.client += BenchClient.ownCPUSeconds() - before.client
        }
        return (total, signing, cpu)
    }

    /// The workload's lines as signed `ledger.submit` request lines, on every core; `first` is the
    /// number of lines before these, so that every request has an id of its own.
    func sign(
        _ lines: [String], from first: Int, ledger: String, coordinator: Ed25519PrivateKey,
        members: Ed25519PrivateKey
    ) throws -> [Data] {
        let signed = Parallel.map(lines.count) { range in
            range.map { index -> Result<Data, any Error> in
                Result {
                    let line = try JSONDecoder().decode(Line.self, from: Data(lines[index].utf8))
                    let purpose = Purpose(rawValue: line.kind)!
                    let hours = purpose == .credit ? try Hours(Money.format(line.amount, scale: 2)) : nil
                    let tx = Transaction(
                        purpose: purpose,
                        postings: [
                            Posting(account: try NoaberBench.account(line.from), amount: -line.amount),
                            Posting(account: try NoaberBench.account(line.to), amount: line.amount),
                        ],
                        memo: line.memo, hours: hours?.description, hourRate: hours == nil ? nil : 100)
                    let entry = try SignedEntry.sign(
                        Payload(ledger: ledger, id: line.id, body: .transaction(tx)),
                        with: purpose == .credit ? coordinator : members)
                    return try BenchClient.submitLine(entry, id: first + index + 1)
                }
            }
        }
        return try signed.map { try $0.get() }
    }

    /// The workload's digest: sorted "SHORTID=UNITS" lines of the non-zero balances.
    func checkDigest(_ balances: [AccountBalance]) throws {
        let lines = balances.filter { $0.balance != 0 }.map { "\(NoaberBench.short($0.account))=\($0.balance)" }
            .sorted()
        let digest = SHA256.hash(lines.joined(separator: "\n") + "\n").hex
        print("balances digest: \(digest)")
        guard let expectDigest else { return }
        guard digest == expectDigest else {
            throw ValidationError("digest differs from the workload's \(expectDigest)")
        }
        print("balances digest matches gen_workload.py --summary")
    }
}
