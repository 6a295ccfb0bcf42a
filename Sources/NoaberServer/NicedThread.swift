import Dispatch
import Foundation
import Glibc
import Synchronization

/// A thread of its own at the lowest CPU priority (nice 19) that runs its work each time it is
/// woken: work in the background that must not take a core from the event loops while they have
/// reads to answer, yet is never starved outright, as a `SCHED_IDLE` thread could be on a machine
/// that is always busy. The thread ends once this is released.
final class NicedThread: Sendable {
    /// What the thread shares with this: it holds no reference to this, so that this can go.
    private final class Control: Sendable {
        let signal = DispatchSemaphore(value: 0)
        let stopped = Atomic<Bool>(false)
    }

    private let control = Control()

    /// Starts the thread; `work` runs on it once for each `wake()`.
    init(name: String, work: @escaping @Sendable () -> Void) {
        let thread = Thread { [control] in
            // On Linux a nice value is a thread's own, and 0 names the calling thread: this one
            // alone is lowered (setpriority(2), "BUGS").
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            while true {
                control.signal.wait()
                if control.stopped.load(ordering: .acquiring) { return }
                work()
            }
        }
        thread.name = name
        thread.start()
    }

    deinit {
        control.stopped.store(true, ordering: .releasing)
        control.signal.signal()
    }

    /// Runs the work once more, after what it is running now, if anything.
    func wake() { control.signal.signal() }
}
