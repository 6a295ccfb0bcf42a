import Dispatch
import Foundation
import Synchronization

/// Work that is the same for every item of a page, spread over every core: the verifier's
/// payload parsing and signature checks, and an export reader's line decoding.
package enum Parallel {
    /// Fewer items than this are done on the calling thread: waking workers for them costs more
    /// than it saves, and a worker's thread-local state is allocated on the first hand-off.
    package static let smallestSplit = 8

    /// `transform` over 0..<count in about two chunks per core; the results come back in index
    /// order. Each chunk gets its range, so that it can set up once (a decoder, say) for all of it.
    package static func map<T: Sendable>(_ count: Int, _ transform: @Sendable (Range<Int>) -> [T]) -> [T] {
        guard count > 0 else { return [] }
        guard count >= smallestSplit else { return transform(0..<count) }
        let chunks = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount) * 2)
        let results = Mutex([[T]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let part = transform((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
            results.withLock { $0[chunk] = part }
        }
        return results.withLock { $0.flatMap { $0 } }
    }
}
