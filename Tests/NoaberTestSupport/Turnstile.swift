import Glibc
import Synchronization

/// A door that a test closes to hold the threads that pass through it (a sync of the disk, say)
/// until it opens again, counting who passed and who waits; or sets to fail, so that each pass
/// reports a failure for the caller to throw.
package final class Turnstile: Sendable {
    private struct State {
        var open = true
        var failing = false
        var passed = 0
        var waiting = 0
    }

    private let state = Mutex(State())

    package init() {}

    package func close() { state.withLock { $0.open = false } }
    package func open() { state.withLock { $0.open = true } }

    /// Opens the door, and every pass from now on fails.
    package func fail() {
        state.withLock {
            $0.failing = true
            $0.open = true
        }
    }

    /// Passes once the door is open; false when it is set to fail.
    package func pass() -> Bool {
        var counted = false
        while true {
            let through = state.withLock { s -> Bool? in
                guard s.open else {
                    if !counted { s.waiting += 1 }
                    return nil
                }
                if counted { s.waiting -= 1 }
                s.passed += 1
                return !s.failing
            }
            if let through { return through }
            counted = true
            usleep(1000)
        }
    }

    package var passed: Int { state.withLock { $0.passed } }
    package var waiting: Int { state.withLock { $0.waiting } }

    /// Waits (up to `seconds`) until `condition` holds; false if it never did. Blocks the thread:
    /// for tests that run no tasks meanwhile.
    package static func eventuallyBlocking(within seconds: Double = 30, _ condition: () -> Bool) -> Bool {
        for _ in 0..<Int(seconds * 1000) {
            if condition() { return true }
            usleep(1000)
        }
        return condition()
    }

    /// Waits (up to `seconds`) until `condition` holds, sleeping as a task, so that the tasks it
    /// waits for run meanwhile; false if it never did.
    package static func eventually(within seconds: Double = 30, _ condition: () -> Bool) async -> Bool {
        for _ in 0..<Int(seconds * 1000) {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return condition()
    }
}
