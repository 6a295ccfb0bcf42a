import Dispatch
import Foundation
import Glibc
import NoaberCrypto
import Synchronization

/// What this machine can do at most, measured in the same run as the daemon so that every figure
/// can be read against it: Ed25519 through the project's own crypto module (every entry and every
/// signed read costs one verification), and the disk's fsync rate (every acknowledgement waits for
/// one, shared by a group commit).
struct Ceiling {
    var signPerSecond: [Int: Double] = [:]
    var verifyPerSecond: [Int: Double] = [:]
    var fsyncPerSecond = 0.0

    /// The cores the machine has; the figures are taken on 1 and on all of them.
    static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    static func measure(directory: String, seconds: Double = 1.0) throws -> Ceiling {
        let key = try Ed25519PrivateKey.generate()
        // About the size of a credit's signing message (prefix, ledger id, payload).
        let message = [UInt8](repeating: 0x61, count: 320)
        let signature = try key.signature(for: message)
        let publicKey = key.publicKey
        var ceiling = Ceiling()
        for threads in Set([1, cores]).sorted() {
            ceiling.signPerSecond[threads] = rate(threads: threads, seconds: seconds) {
                _ = try? key.signature(for: message)
            }
            ceiling.verifyPerSecond[threads] = rate(threads: threads, seconds: seconds) {
                precondition(publicKey.isValidSignature(signature, for: message))
            }
        }
        ceiling.fsyncPerSecond = try fsyncRate(directory: directory, seconds: seconds)
        return ceiling
    }

    /// Operations per second of `operation` run in a loop on `threads` threads at once.
    static func rate(threads: Int, seconds: Double, _ operation: @escaping @Sendable () -> Void) -> Double {
        let total = Atomic<Int>(0)
        let start = ContinuousClock.now
        let limit = Duration.milliseconds(Int64(seconds * 1000))
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var count = 0
            // Checking the clock every 64 operations keeps its cost out of the figure.
            while ContinuousClock.now - start < limit {
                for _ in 0..<64 { operation() }
                count += 64
            }
            total.add(count, ordering: .relaxed)
        }
        return Double(total.load(ordering: .relaxed)) / (ContinuousClock.now - start).seconds
    }

    /// Rewrites one 4 KiB page and fsyncs it, as a WAL commit does, for `seconds`.
    static func fsyncRate(directory: String, seconds: Double) throws -> Double {
        let path = directory + "/fsync-probe"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CeilingError.cannotProbe(path: path, errno: errno) }
        defer {
            close(fd)
            unlink(path)
        }
        let page = [UInt8](repeating: 0, count: 4096)
        let start = ContinuousClock.now
        var count = 0
        while (ContinuousClock.now - start).seconds < seconds {
            let written = page.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(count % 16 * 4096)) }
            guard written == 4096, fsync(fd) == 0 else { throw CeilingError.cannotProbe(path: path, errno: errno) }
            count += 1
        }
        return Double(count) / (ContinuousClock.now - start).seconds
    }
}

enum CeilingError: Error, CustomStringConvertible {
    /// The fsync probe file could not be written in the benchmark's directory.
    case cannotProbe(path: String, errno: Int32)

    var description: String {
        switch self {
        case .cannotProbe(let path, let code): "cannot measure fsync with \(path): \(String(cString: strerror(code)))"
        }
    }
}
