import ArgumentParser
import Foundation
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransparency
import NoaberTransport

/// Replays a `gen_workload.py --format jsonl` file through a running noaberd from many
/// connections at once and prints throughput, latency and the final balances' digest, which must
/// equal `gen_workload.py --summary`'s.
@main
struct NoaberBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noaber-bench", abstract: "Measure noaberd on the shared workload.")

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

    struct Line: Decodable {
        var id, date, kind, from, to, memo: String
        var amount: Int64
    }

    func run() async throws {
        let lines = try String(contentsOfFile: workload, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Line.self, from: Data($0.utf8))
        }
        let (ledger, admin, coordinator, members) = try await createLedger()
        if let adminKeyOut { try admin.write(toFile: adminKeyOut) }

        var accounts: [String: AccountKind] = [:]
        for line in lines {
            accounts[line.from] = line.kind == "credit" ? .issuer : .member
            accounts[line.to] = line.kind == "redeem" ? .merchant : .member
        }
        let opens = try accounts.sorted { $0.key < $1.key }.map { short, kind in
            let body = AccountOpen(
                account: try Self.account(short), accountKind: kind, name: short,
                minBalance: kind == .issuer ? -1_000_000_000_000 : 0,
                controllers: [kind == .issuer ? coordinator.publicKey.keyID : members.publicKey.keyID])
            return try SignedEntry.sign(
                Payload(ledger: ledger, id: "open-\(short)", body: .accountOpen(body)), with: admin)
        }
        let openRun = try await timed { try await submit(opens) }
        report("open \(opens.count) accounts", count: opens.count, run: openRun)

        let signStart = ContinuousClock.now
        let transactions = try lines.map { line in
            let purpose = Purpose(rawValue: line.kind)!
            let hours = purpose == .credit ? try Hours(Money.format(line.amount, scale: 2)) : nil
            let tx = Transaction(
                purpose: purpose,
                postings: [
                    Posting(account: try Self.account(line.from), amount: -line.amount),
                    Posting(account: try Self.account(line.to), amount: line.amount),
                ],
                memo: line.memo, hours: hours?.description, hourRate: hours == nil ? nil : 100)
            return try SignedEntry.sign(
                Payload(ledger: ledger, id: line.id, body: .transaction(tx)),
                with: purpose == .credit ? coordinator : members)
        }
        let signing = ContinuousClock.now - signStart
        print(
            String(
                format: "sign %d transactions on the client: %.0f per second", transactions.count,
                Double(transactions.count) / signing.seconds))

        let txRun = try await timed { try await submit(transactions) }
        report(
            "submit \(transactions.count) transactions over \(connections) connections", count: transactions.count,
            run: txRun)

        let status = try await RPCClient.withConnection(socketPath: socket) {
            try await $0.call(.status, NoParams(), as: StatusResult.self)
        }
        print(
            "group commits: \(status.groupCommits) for \(status.entriesCommitted) entries (\(String(format: "%.1f", Double(status.entriesCommitted) / Double(max(status.groupCommits, 1)))) per fsync); database \(status.databaseBytes / 1024) KiB"
        )

        let verifyStart = ContinuousClock.now
        let (audit, balances) = try await verify(signer: ReadSigner(key: admin, ledgerID: ledger))
        let verifying = ContinuousClock.now - verifyStart
        print(
            String(
                format:
                    "verify %d entries on the client (fetch, signatures on every core, chain, rules, tree, checkpoint, derived tables): %.2f s, %.0f per second",
                audit.verifier.entries, verifying.seconds, Double(audit.verifier.entries) / verifying.seconds))

        // The workload's digest: sorted "SHORTID=UNITS" lines of the non-zero balances.
        let digestLines = balances.filter { $0.balance != 0 }.map { "\(Self.short($0.account))=\($0.balance)" }.sorted()
        let digest = SHA256.hash(digestLines.joined(separator: "\n") + "\n").hex
        print("balances digest: \(digest)")
        if let expectDigest {
            guard digest == expectDigest else {
                throw ValidationError("digest differs from the workload's \(expectDigest)")
            }
            print("balances digest matches gen_workload.py --summary")
        }
        guard let credit = lines.first(where: { $0.kind == "credit" }) else { return }
        let volunteer = try Self.account(credit.to)
        try await readBenchmark(signer: ReadSigner(key: members, ledgerID: ledger), account: volunteer)
    }

    /// A new ledger with its admin, a coordinator (operator) for the issuers and one member key for
    /// every volunteer and shop: signing is not what the benchmark measures.
    func createLedger() async throws -> (
        ledger: String, admin: Ed25519PrivateKey, coordinator: Ed25519PrivateKey, members: Ed25519PrivateKey
    ) {
        let admin = try Ed25519PrivateKey.generate()
        let coordinator = try Ed25519PrivateKey.generate()
        let members = try Ed25519PrivateKey.generate()
        let nonce = try SecureRandom.bytes(LedgerIdentity.nonceByteCount)
        let ledger = LedgerIdentity.derive(adminKey: admin.publicKey, nonce: nonce)
        // The daemon's log key goes into entry 1, as `noaber init` does, so every group commit
        // also signs a checkpoint: the figures include that cost.
        let daemonStatus = try await RPCClient.withConnection(socketPath: socket) {
            try await $0.call(.status, NoParams(), as: StatusResult.self)
        }
        let logKey = try daemonStatus.logPublicKey.flatMap(Hex.decodeLowercase).map {
            try Ed25519PublicKey(rawRepresentation: $0)
        }
        // 1 hour = 1.00 coin = 100 minor units, as the workload counts.
        let setup: [Payload.Body] = [
            .ledgerInit(
                LedgerInit(
                    name: "bench", currency: Currency(code: "ZM", name: "zorgmunt", scale: 2), hourRate: 100,
                    adminKey: KeySpec(publicKey: admin.publicKey, label: "admin", role: .admin),
                    nonce: Hex.encode(nonce),
                    logKey: logKey.map { KeySpec(publicKey: $0, label: "log", role: .log) })),
            .keyAdd(KeyAdd(key: KeySpec(publicKey: coordinator.publicKey, label: "coordinator", role: .operator))),
            .keyAdd(KeyAdd(key: KeySpec(publicKey: members.publicKey, label: "members", role: .member))),
        ]
        for (i, body) in setup.enumerated() {
            _ = try await submit([
                try SignedEntry.sign(Payload(ledger: ledger, id: "setup-\(i)", body: body), with: admin)
            ])
        }
        return (ledger, admin, coordinator, members)
    }

    /// As `noaber verify` does it: signatures on every core, then the rules in order with each
    /// page's stored Merkle nodes, the latest checkpoint against the rebuilt tree, the stored state,
    /// and every row of the derived tables. Returns the audit and the stored balances.
    func verify(signer: ReadSigner) async throws -> (ChainAudit, [AccountBalance]) {
        try await RPCClient.withConnection(socketPath: socket) { client in
            client.readSigner = signer
            let state = try await client.call(.state, NoParams(), as: StateResult.self)
            let checkpoint = try state.checkpoint.map { try SignedCheckpoint(parsing: $0) }
            var audit = ChainAudit(
                checkpointSizes: Set(checkpoint.map { [$0.checkpoint.size] } ?? []), readsTables: true)
            try await DaemonReplay.entries(client, through: state.headSeq, into: &audit)
            if let checkpoint { try audit.check(checkpoint: checkpoint) }
            try audit.finish(stored: state)
            try await DaemonReplay.tables(client, stored: state, into: &audit)
            return (audit, state.accounts.map { AccountBalance(account: $0.account, balance: $0.balance) })
        }
    }

    struct Run {
        var elapsed: Duration
        var latencies: [Duration]
        var retried: Int
    }

    func report(_ what: String, count: Int, run: Run, unit: String = "entries") {
        let sorted = run.latencies.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))].seconds * 1000
        }
        print(
            String(
                format:
                    "%@: %.2f s, %.0f %@ per second; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d resubmitted",
                what, run.elapsed.seconds, Double(count) / run.elapsed.seconds, unit, percentile(0.5), percentile(0.99),
                percentile(1), run.retried))
    }

    func timed(_ body: () async throws -> Run) async throws -> Run {
        let start = ContinuousClock.now
        var run = try await body()
        run.elapsed = ContinuousClock.now - start
        return run
    }

    /// Submits from `connections` connections; entries refused because a spend raced ahead of its
    /// credit are sent again (same bytes, so idempotent) until every entry is committed.
    func submit(_ entries: [SignedEntry]) async throws -> Run {
        var pending = Array(entries.indices)
        var latencies: [Duration] = []
        var retried = 0
        while !pending.isEmpty {
            let lanes = min(connections, pending.count)
            let outcome = try await withThrowingTaskGroup(of: ([Int], [Duration]).self) { group in
                for lane in 0..<lanes {
                    let mine = stride(from: lane, to: pending.count, by: lanes).map { pending[$0] }
                    group.addTask {
                        try await RPCClient.withConnection(socketPath: socket) { client in
                            var failed: [Int] = []
                            var times: [Duration] = []
                            for index in mine {
                                let start = ContinuousClock.now
                                do {
                                    _ = try await client.call(
                                        .submit, SubmitParams(entries[index]), as: SubmitResult.self)
                                } catch ClientError.rpc(let error) where error.reason == "limit_exceeded" {
                                    failed.append(index)
                                }
                                times.append(ContinuousClock.now - start)
                            }
                            return (failed, times)
                        }
                    }
                }
                return try await group.reduce(into: ([Int](), [Duration]())) {
                    $0.0 += $1.0
                    $0.1 += $1.1
                }
            }
            latencies += outcome.1
            guard outcome.0.count < pending.count else {
                throw ValidationError("no progress: \(outcome.0.count) entries keep failing")
            }
            pending = outcome.0.sorted()
            retried += pending.count
        }
        return Run(elapsed: .zero, latencies: latencies, retried: retried)
    }

    static func account(_ short: String) throws -> AccountID {
        let prefix = short.hasPrefix("O") ? "org" : short.hasPrefix("V") ? "vol" : "shop"
        return try AccountID("\(prefix):\(short.lowercased())")
    }

    static func short(_ account: String) -> String { String(account.split(separator: ":")[1]).uppercased() }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
