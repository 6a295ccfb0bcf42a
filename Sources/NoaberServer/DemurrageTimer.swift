import ServiceLifecycle

/// Writes the demurrage due, about once a minute: so that a period's charge is made soon after it
/// starts even when nobody writes. Any entry submitted first has it written before it anyway, and
/// start-up catches up on the periods missed while the daemon was down.
struct DemurrageTimer: Service {
    let writer: GroupCommitWriter
    var seconds = 60

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: .seconds(seconds))
                    await writer.writeDueDemurrage()
                }
            }
        } catch is CancellationError {
            // Shutdown: whatever is due is written at the next start, or before the next entry.
        }
    }
}
