import ArgumentParser
import Foundation
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransparency
import NoaberTransport

/// The benchmark's side of one daemon: its socket and how many connections to load it with.
struct BenchClient: Sendable {
    var socket: String
    var connections: Int

    struct Run {
        var elapsed: Duration = .zero
        var latencies: [Duration] = []
        var retried = 0
        /// When each entry's acknowledgement came, from the start of the submission, sorted.
        var completions: [Duration] = []

        /// Entries per second in the first and in the last tenth of the acknowledgements: the
        /// growth of the cost of an entry as the ledger grows.
        var tenths: (first: Double, last: Double)? {
            let tenth = completions.count / 10
            guard tenth > 0 else { return nil }
            let first = completions[tenth - 1].seconds
            let last = (completions[completions.count - 1] - completions[completions.count - tenth - 1]).seconds
            return (Double(tenth) / first, Double(tenth) / last)
        }

        mutating func append(_ other: Run) {
            let offset = elapsed
            elapsed += other.elapsed
            latencies += other.latencies
            retried += other.retried
            completions += other.completions.map { $0 + offset }
        }
    }

    func report(_ what: String, count: Int, run: Run, unit: String = "entries") {
        let sorted = run.latencies.sorted()
        print(
            String(
                format:
                    "%@: %.2f s, %.0f %@ per second; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d resubmitted",
                what, run.elapsed.seconds, Double(count) / run.elapsed.seconds, unit,
                Self.percentile(sorted, 0.5), Self.percentile(sorted, 0.99), Self.percentile(sorted, 1), run.retried))
    }

    /// The `p` quantile of sorted latencies, in milliseconds.
    static func percentile(_ sorted: [Duration], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))].seconds * 1000
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
        try await submit(entries.map { Submission(signed: $0) })
    }

    /// As `submit(_:)`, with each entry's personal texts (entry format 2).
    func submit(_ entries: [Submission]) async throws -> Run {
        try await submit(lines: entries.enumerated().map { try Self.submitLine($1, id: $0 + 1) })
    }

    /// The `ledger.submit` request line of `entry`. The workload's lines are encoded as they are
    /// signed, outside the timed submission, so that the client's share of the two cores goes to
    /// sending and reading, as a real client's would with its request at hand.
    static func submitLine(_ entry: SignedEntry, id: Int) throws -> Data {
        try submitLine(Submission(signed: entry), id: id)
    }

    /// As `submitLine(_:id:)`, with the entry's personal texts beside it (entry format 2).
    static func submitLine(_ entry: Submission, id: Int) throws -> Data {
        try RPCCoding.requestLine(
            id: .number(Int64(id)), method: Method.submit.rawValue,
            params: SubmitParams(entry.signed, personal: entry.personal))
    }

    /// Submits request lines made by `submitLine`, as `submit(_:)` does: a thread per core, each
    /// serving its share of the connections as they answer (`SubmitLane`).
    func submit(lines entries: [Data]) async throws -> Run {
        let start = ContinuousClock.now
        let lines = entries.map { [UInt8]($0) }
        var pending = Array(entries.indices)
        var run = Run()
        while !pending.isEmpty {
            let lanes = min(connections, pending.count)
            let threads = min(lanes, max(Ceiling.cores, 1))
            let waiting = pending
            let outcomes = try await Self.onThreads(threads) { thread in
                let mine = try stride(from: thread, to: lanes, by: threads).map { lane in
                    let indices = stride(from: lane, to: waiting.count, by: lanes).map { waiting[$0] }
                    return try SubmitLane(
                        socket: socket, lines: indices.map { lines[$0] }, indices: indices, since: start)
                }
                try serveLanes(mine, timeout: 30)
                return mine.reduce(into: ([Int](), [Duration](), [Duration]())) {
                    $0.0 += $1.failed
                    $0.1 += $1.times
                    $0.2 += $1.done
                }
            }
            let failed = outcomes.flatMap(\.0)
            run.latencies += outcomes.flatMap(\.1)
            run.completions += outcomes.flatMap(\.2)
            guard failed.count < pending.count else {
                throw ValidationError("no progress: \(failed.count) entries keep failing")
            }
            pending = failed.sorted()
            run.retried += pending.count
        }
        run.completions.sort()
        return run
    }

    /// A new ledger with its admin, a coordinator (operator) for the issuers and one member key for
    /// every volunteer and shop: signing is not what the benchmark measures.
    /// `version` 2 makes a ledger of entry format 2 (docs/FORMAT.md §16), whose labels and names are
    /// commitments with the texts beside them, as a care organisation's new ledger is.
    func createLedger(
        version: Int = Payload.version
    ) async throws -> (
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
                try Self.sign(Payload(v: version, ledger: ledger, id: "setup-\(i)", body: body), with: admin)
            ])
        }
        return (ledger, admin, coordinator, members)
    }

    /// The admin's `account.open` of `short`: an issuer the coordinator controls, or a volunteer
    /// or shop under the shared member key, with no limit an issuer could reach.
    static func opening(
        _ short: String, kind: AccountKind, ledger: String, admin: Ed25519PrivateKey,
        coordinator: Ed25519PrivateKey, members: Ed25519PrivateKey
    ) throws -> SignedEntry {
        try opening(
            short, kind: kind, ledger: ledger, admin: admin, coordinator: coordinator, members: members, version: 1
        ).signed
    }

    /// As `opening`, in entry format `version`: in format 2 the name is a commitment, its text beside it.
    static func opening(
        _ short: String, kind: AccountKind, ledger: String, admin: Ed25519PrivateKey,
        coordinator: Ed25519PrivateKey, members: Ed25519PrivateKey, version: Int
    ) throws -> Submission {
        let body = AccountOpen(
            account: try NoaberBench.account(short), accountKind: kind, name: short,
            minBalance: kind == .issuer ? -1_000_000_000_000 : 0,
            controllers: [kind == .issuer ? coordinator.publicKey.keyID : members.publicKey.keyID])
        return try sign(Payload(v: version, ledger: ledger, id: "open-\(short)", body: .accountOpen(body)), with: admin)
    }

    /// A signed entry and, in entry format 2, the personal texts its commitments stand for.
    struct Submission: Sendable {
        var signed: SignedEntry
        var personal: [PersonalText] = []
    }

    /// Signs `payload`; in format 2, its personal texts are first replaced by commitments.
    static func sign(_ payload: Payload, with key: Ed25519PrivateKey) throws -> Submission {
        guard payload.v >= 2 else { return Submission(signed: try SignedEntry.sign(payload, with: key)) }
        let (committed, texts) = try payload.committingPersonalData()
        return Submission(signed: try SignedEntry.sign(committed, with: key), personal: texts)
    }

    /// As `noaber verify` does it: signatures on every core, then the rules in order with each
    /// page's stored Merkle nodes, the latest checkpoint against the rebuilt tree, the stored state,
    /// and every row of the derived tables. Returns the audit and the stored balances.
    func verify(signer: ReadSigner) async throws -> (ChainAudit, [AccountBalance]) {
        try await RPCClient.withConnection(socketPath: socket) { client in
            client.readSigner = signer
            try await client.openSession(signer)
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

}
