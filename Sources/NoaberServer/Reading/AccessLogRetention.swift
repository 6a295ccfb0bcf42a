import Logging
import NoaberCore

/// Deletes access-log records older than the retention, at start-up and every hour: the log
/// answers "who read my data?" for the retention period, and keeps no one's reading for longer.
struct AccessLogRetention: Sendable {
    let log: AccessLogger
    let days: Int
    let clock: @Sendable () -> Timestamp
    let logger: Logger

    func prune() {
        let cutoff = Timestamp(millisecondsSinceEpoch: clock().millisecondsSinceEpoch - Int64(days) * 86_400_000)
        do {
            let removed = try log.prune(before: cutoff)
            if removed > 0 {
                logger.info("access log pruned", metadata: ["records": "\(removed)", "before": "\(cutoff.rfc3339)"])
            }
        } catch {
            logger.error("cannot prune the access log", metadata: ["error": .escaped(error)])
        }
    }

    var timer: PeriodicTask {
        PeriodicTask(description: "access log retention", seconds: 3600) { prune() }
    }
}
