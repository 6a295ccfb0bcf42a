import NoaberCore
import NoaberProtocol
import NoaberTransport

extension BenchClient {
    /// Balance reads from 16 connections: `ledger.status`, which needs no authorisation, beside
    /// `account.get` signed by a member key (the client's signature, the daemon's verification,
    /// nonce check, scope check and access-log record): what signing reads costs.
    func readBenchmark(
        signer: ReadSigner, account: AccountID, connections: Int = 16, perConnection: Int = 2000
    )
        async throws -> (rate: Double, p99: Double)
    {
        var signedFigures = (rate: 0.0, p99: 0.0)
        for signed in [false, true] {
            let run = try await timed {
                try await withThrowingTaskGroup(of: [Duration].self) { group in
                    for _ in 0..<connections {
                        group.addTask {
                            try await RPCClient.withConnection(socketPath: socket) { client in
                                client.readSigner = signer
                                var times: [Duration] = []
                                for _ in 0..<perConnection {
                                    let start = ContinuousClock.now
                                    if signed {
                                        _ = try await client.call(
                                            .accountGet, AccountParams(account: account.rawValue), as: AccountInfo.self)
                                    } else {
                                        _ = try await client.call(.status, NoParams(), as: StatusResult.self)
                                    }
                                    times.append(ContinuousClock.now - start)
                                }
                                return times
                            }
                        }
                    }
                    return try await group.reduce(into: Run()) {
                        $0.latencies += $1
                    }
                }
            }
            let what = signed ? "signed account.get" : "unsigned ledger.status"
            report(
                "\(what) over \(connections) connections", count: connections * perConnection, run: run, unit: "reads")
            if signed {
                signedFigures = (
                    Double(connections * perConnection) / run.elapsed.seconds,
                    Self.percentile(run.latencies.sorted(), 0.99)
                )
            }
        }
        return signedFigures
    }
}
