import ArgumentParser
import NoaberCore
import NoaberHashing
import NoaberProtocol

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the whole ledger here, trusting nothing the daemon says about it.",
        discussion: """
            Fetches the stored state and every stored entry, then replays the chain locally: each
            signature and the signer's right at that point, each chain link and hash, each transaction's
            balance, the stored postings, and finally the stored balances, keys, accounts and settings. Exits 0 when all hold, 2 naming
            the first bad entry otherwise, 1 on any other error.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        var ok: Bool
        var entries: Int64
        var accounts: Int
        var keys: Int
        var headHash: String
        var failure: Failure?
        struct Failure: Encodable {
            var seq: Int64?
            var reason: String
        }
    }

    func run() async throws {
        let (verifier, failure) = try await RPCClient.withConnection(socketPath: connection.socketPath) { client in
            // The stored state first, with the head it belongs to; entries up to that head cannot change after.
            let stored = try await client.call(.state, NoParams(), as: StateResult.self)
            var verifier = Verifier()
            do {
                var next: Int64 = 1
                while next <= stored.headSeq {
                    let page = try await client.call(.entries, EntriesParams(fromSeq: next, limit: 1000), as: EntriesResult.self)
                    for info in page.entries where info.seq <= stored.headSeq { try verifier.check(try info.storedEntry()) }
                    guard let last = page.entries.last else { break }
                    next = last.seq + 1
                }
                if verifier.entries < stored.headSeq {
                    throw VerificationFailure(seq: verifier.entries + 1, reason: "entry \(verifier.entries + 1) is missing")
                }
                try verifier.finish(stored: try stored.ledgerState(), rows: stored.rows)
                return (verifier, VerificationFailure?.none)
            } catch let failure as VerificationFailure {
                return (verifier, failure)
            } catch ClientError.rpc(let error) where error.reason == "storage_error" && error.message.contains("corrupt row") {
                // A stored row that cannot even be read back is a failed verification, not an outage.
                return (verifier, VerificationFailure(seq: verifier.entries + 1, reason: error.message))
            }
        }
        // A pinned ledger must be the one replayed: an OK for another ledger would mislead.
        if connection.pinnedLedger != nil, failure == nil || verifier.state.ledger != nil {
            try connection.checkPin(verifier.state.ledger?.id)
        }
        let report = Report(
            ok: failure == nil, entries: verifier.entries, accounts: verifier.state.accounts.count,
            keys: verifier.state.keys.count, headHash: verifier.headHash.hex,
            failure: failure.map { Report.Failure(seq: $0.seq, reason: $0.reason) })
        if output.json {
            try printJSON(report)
        } else if let failure {
            print("FAILED after \(report.entries) good entries: \(failure)")
        } else {
            print("OK: \(report.entries) entries, \(report.accounts) accounts, \(report.keys) keys; every signature, right, link, hash and balance checks out")
            print("head hash \(report.headHash)")
        }
        if let failure {
            var stderr = StandardError()
            print("noaber: verification failed: \(failure)", to: &stderr)
            throw ExitCode(2)
        }
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandleStandardError.write(string) }
}
