import ArgumentParser
import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransparency
import NoaberTransport

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the whole ledger here, trusting nothing the daemon says about it; or an export, offline.",
        discussion: """
            Replays the chain locally: each signature (on every core) and the signer's right at that point, \
            each chain link and hash, each transaction's balance, the stored postings, and finally the \
            stored balances, keys, accounts and settings. It also rebuilds the Merkle tree and checks the \
            ledger's latest checkpoint and every --checkpoint given: same ledger, a prefix of the chain with \
            the same root (so no entry it covers was changed, dropped or reordered), signed by the log key. \
            With --file it reads a `noaber export --format jsonl` file instead of asking a daemon. \
            Exits 0 when all hold, 2 naming the first bad entry otherwise, 1 on any other error.
            """)

    @Option(help: "Verify this jsonl export offline instead of the daemon's ledger.")
    var file: String?

    @Option(
        name: .customLong("checkpoint"),
        help: "A checkpoint saved earlier (repeatable); the ledger must still contain it.")
    var checkpoints: [String] = []

    @OptionGroup var logKeys: LogKeyOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let saved = try checkpoints.map { (source: $0, checkpoint: try readCheckpoint($0)) }
        let pinned = try logKeys.pinned()
        var (audit, reports, failure) =
            if let file { judged(try replayExport(file, saved: saved), saved: saved, pinned: pinned) } else {
                try await verifyDaemon(saved: saved, pinned: pinned)
            }
        // A pinned ledger must be the one replayed: an OK for another ledger would mislead.
        if let file, let pinned = connection.pinnedLedger, let replayed = audit.verifier.state.ledger?.id,
            replayed != pinned
        {
            failure = VerificationFailure(
                seq: nil, reason: "\(file) holds ledger \(replayed), not the pinned ledger \(pinned)")
        } else if file == nil, connection.pinnedLedger != nil, failure == nil || audit.verifier.state.ledger != nil {
            try connection.checkPin(audit.verifier.state.ledger?.id)
        }
        let report = AuditReport(audit: audit, checkpoints: reports, failure: failure)
        // The replay of a large ledger holds every credit id and more: freeing it piece by piece
        // when `run` returns took 1.4 s of a 14 s verify of a million credits, on one core, after
        // the verdict. The process ends right after, and the system takes the memory back at once.
        _ = Unmanaged.passRetained(KeptUntilExit(audit))
        if output.json {
            try printJSON(report)
        } else if let failure {
            print("FAILED after \(counted(report.entries, "good entry", "good entries")): \(failure)")
        } else {
            print(
                "OK: \(counted(report.entries, "entry", "entries")), \(counted(report.accounts, "account")), \(counted(report.keys, "key")); every signature, right, link, hash and balance checks out"
            )
            if let ledger = audit.verifier.state.ledger { print("ledger \(ledger.id) (\(ledger.name))") }
            if let totals = report.totals {
                print(
                    "\(totals.currency): \(totals.issued) issued; members hold \(totals.heldByMembers), merchants \(totals.heldByMerchants)"
                )
            }
            print("head hash \(report.headHash)")
            print("tree root \(report.treeRoot) (\(counted(report.entries, "entry", "entries")))")
            for checkpoint in report.checkpoints {
                print(
                    "checkpoint (\(checkpoint.source)): \(counted(checkpoint.treeSize, "entry", "entries")), root matches, signed by \(checkpoint.signedBy ?? "-")"
                )
            }
            if report.checkpoints.isEmpty {
                print("no checkpoint checked: the ledger names no log key yet, and none was given")
            }
        }
        if !output.json { printWarnings(report.warnings) }
        if let failure {
            var stderr = StandardError()
            print("noaber: verification failed: \(failure)", to: &stderr)
            throw ExitCode(2)
        }
    }

    /// Version 1 texts that break today's character rule: they do not fail the audit, but a reader
    /// should know that a name may hide a character; the first few, then how many more.
    private func printWarnings(_ warnings: [AuditReport.Warning]) {
        let shown = 20
        for warning in warnings.prefix(shown) { print("warning: \(warning.message)") }
        if warnings.count > shown { print("warning: \(warnings.count - shown) more texts like these") }
    }

    /// The replayed chain, the checkpoint that came with it, the stored state to compare, or the first failure.
    private typealias Outcome = (
        ChainAudit, (source: String, checkpoint: SignedCheckpoint)?, StateResult?, VerificationFailure?
    )

    private func sizes(
        _ saved: [(source: String, checkpoint: SignedCheckpoint)], _ latest: SignedCheckpoint?
    ) -> Set<UInt64> {
        Set(saved.map(\.checkpoint.checkpoint.size) + (latest.map { [$0.checkpoint.size] } ?? []))
    }

    private func parseLatest(_ note: String?, source: String) -> Result<SignedCheckpoint?, VerificationFailure> {
        guard let note else { return .success(nil) }
        do { return .success(try SignedCheckpoint(parsing: note)) } catch {
            return .failure(VerificationFailure(seq: nil, reason: "\(source) is malformed: \(error)"))
        }
    }

    /// Checkpoints first, then the stored state: a chain cut short is named as such, not by the
    /// derived tables or header counts that no longer match it.
    private func judged(
        _ outcome: Outcome, saved: [(source: String, checkpoint: SignedCheckpoint)], pinned: [NoteVerifierKey]?
    ) -> (ChainAudit, [AuditReport.CheckpointReport], VerificationFailure?) {
        var (audit, latest, stored, failure) = outcome
        var reports: [AuditReport.CheckpointReport] = []
        if failure == nil {
            for (source, checkpoint) in (latest.map { [$0] } ?? []) + saved {
                do {
                    let signer = try audit.check(checkpoint: checkpoint, pinned: pinned)
                    reports.append(
                        .init(
                            source: source, treeSize: checkpoint.checkpoint.size,
                            root: checkpoint.checkpoint.root.base64, signedBy: signer.text))
                } catch {
                    failure = VerificationFailure(seq: error.seq, reason: "\(source) \(error.reason)")
                    break
                }
            }
        }
        // A ledger that names a log key always has a checkpoint; one that arrives without any may
        // have been cut short with its checkpoint dropped, so the audit cannot pass.
        if failure == nil, reports.isEmpty, pinned != nil || audit.expectsCheckpoint {
            failure = VerificationFailure(
                seq: nil,
                reason:
                    "no checkpoint to check: the ledger names a log key, so its checkpoint must come with it (a ledger without one may have been cut short)"
            )
        }
        if failure == nil, let stored {
            do { try audit.finish(stored: stored) } catch { failure = error }
        }
        return (audit, reports, failure)
    }

    /// The replay, the checkpoints and the stored state, and then, on the same connection, every
    /// row of the derived tables the daemon judges entries from.
    private func verifyDaemon(
        saved: [(source: String, checkpoint: SignedCheckpoint)], pinned: [NoteVerifierKey]?
    ) async throws -> (ChainAudit, [AuditReport.CheckpointReport], VerificationFailure?) {
        try await Session.withReadingClient(try connection.target) { client in
            let outcome = try await replayDaemon(client, saved: saved)
            var (audit, reports, failure) = judged(outcome, saved: saved, pinned: pinned)
            guard failure == nil, let stored = outcome.2 else { return (audit, reports, failure) }
            do { try await DaemonReplay.tables(client, stored: stored, into: &audit) } catch let error
                as VerificationFailure
            {
                failure = error
            }
            return (audit, reports, failure)
        }
    }

    private func replayDaemon(
        _ client: RPCClient, saved: [(source: String, checkpoint: SignedCheckpoint)]
    ) async throws -> Outcome {
        // The stored state first, with the head and checkpoint of the same snapshot; entries up to that head cannot change after.
        let stored = try await client.call(.state, NoParams(), as: StateResult.self)
        let latest: SignedCheckpoint?
        switch parseLatest(stored.checkpoint, source: "the daemon's checkpoint") {
        case .failure(let failure): return (ChainAudit(), nil, nil, failure)
        case .success(let parsed): latest = parsed
        }
        var audit = ChainAudit(checkpointSizes: sizes(saved, latest), readsTables: true)
        do {
            try await DaemonReplay.entries(client, through: stored.headSeq, into: &audit)
            return (audit, latest.map { ("latest", $0) }, stored, nil)
        } catch let failure as VerificationFailure {
            return (audit, nil, nil, failure)
        } catch ClientError.rpc(let error) where error.isCorruptRow {
            // A stored row that cannot even be read back is a failed verification, not an outage.
            return (audit, nil, nil, VerificationFailure(seq: audit.verifier.entries + 1, reason: error.message))
        }
    }

    private func replayExport(_ path: String, saved: [(source: String, checkpoint: SignedCheckpoint)]) throws -> Outcome
    {
        var audit = ChainAudit()
        do throws(VerificationFailure) {
            let reader = try ExportReader(path: path)
            let header = try reader.header()
            let latest = try parseLatest(header.state.checkpoint, source: "the export's checkpoint").get()
            audit = ChainAudit(checkpointSizes: sizes(saved, latest))
            while true {
                let page = try reader.nextPage()
                if page.isEmpty { break }
                try audit.check(page: page)
            }
            if header.personalData == ExportHeader.personalIncluded {
                audit.addPersonal(try reader.personalTexts())
            }
            return (audit, latest.map { ("export", $0) }, header.state, nil)
        } catch {
            return (audit, nil, nil, error)
        }
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandleStandardError.write(string) }
}

/// What `verify` leaves for the end of the process to free (see `run`).
private final class KeptUntilExit {
    let audit: ChainAudit
    init(_ audit: ChainAudit) { self.audit = audit }
}
