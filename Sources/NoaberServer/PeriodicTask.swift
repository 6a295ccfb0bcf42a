import ServiceLifecycle

/// Runs `work` every `seconds` until graceful shutdown, as one of the daemon's services. One type
/// serves every timer so that they all stop the same way on SIGTERM.
struct PeriodicTask: Service, CustomStringConvertible {
    /// What the task does, for the service group's log lines.
    let description: String
    let seconds: Int
    let work: @Sendable () async -> Void

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: .seconds(seconds))
                    await work()
                }
            }
        } catch is CancellationError {
            // Shutdown: each task's work is safe to leave until the next start (see Daemon).
        }
    }
}
