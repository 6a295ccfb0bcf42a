import ServiceLifecycle

/// With `checkpoint_interval` set, signs a checkpoint every so many seconds when the ledger has
/// grown, instead of in every group commit.
struct CheckpointTimer: Service {
    let writer: GroupCommitWriter
    let seconds: Int

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: .seconds(seconds))
                    await writer.checkpointIfBehind()
                }
            }
        } catch is CancellationError {
            // Shutdown: the writer signs nothing more; the latest checkpoint stays stored.
        }
    }
}
