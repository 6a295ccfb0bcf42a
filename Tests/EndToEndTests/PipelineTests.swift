import NoaberProtocol
import NoaberTransport
import Testing

/// The client writes several requests before reading any answer (one round trip for the CLI's
/// trust check and the reads that go with it); the daemon must answer each, in order.
@Suite("Pipelined requests are answered in order")
struct PipelineTests {
    @Test func eachAnswerIsItsOwnRequestsEvenBesideAnError() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try await daemon.withAdminReads { client in
            var batch = RPCClient.Batch()
            let status = batch.add(.status, NoParams(), as: StatusResult.self)
            let missing = batch.add(.entryGet, EntryGetParams(id: "no-such-entry"), as: EntryInfo.self)
            let first = batch.add(.entries, EntriesParams(fromSeq: 1, limit: 1), as: EntriesResult.self)
            let answers = try await client.send(batch)
            #expect(try answers.result(status).initialised)
            let error = await rpcError { try answers.result(missing) }
            #expect(error?.reason == "not_found")
            #expect(try answers.result(first).entries.map(\.seq) == [1])
            // The connection is still in step: the next call gets its own answer.
            #expect(try await client.call(.status, NoParams(), as: StatusResult.self).initialised)
        }
    }
}
