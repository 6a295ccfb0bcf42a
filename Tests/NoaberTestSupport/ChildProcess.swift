package import Foundation

/// What a finished child process printed and returned.
package struct CommandResult: Sendable {
    package var status: Int32
    package var stdout: String
    package var stderr: String

    package init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// The environment a child process runs with.
package enum ChildEnvironment: Sendable {
    /// This process's environment with these variables added or replaced.
    case inherited(adding: [String: String])
    /// Exactly these variables, so that the result does not depend on the machine's settings.
    case only([String: String])
}

/// What a child process reads on its standard input.
package enum ChildInput: Sendable {
    /// This process's standard input.
    case inherited
    /// Nothing: end of file at once, so a child that asks for input cannot wait for it.
    case empty
}

/// Runs a program to its end and collects what it printed.
///
/// Standard output and standard error are read at the same time, each to its end, before the
/// child is waited for: a child blocks when a pipe's buffer (64 KiB on Linux) is full, so reading
/// one stream to its end before the other hangs as soon as the child fills the other one first.
package func runProcess(
    _ executable: URL, _ arguments: [String], in directory: URL? = nil,
    environment: ChildEnvironment = .inherited(adding: [:]), input: ChildInput = .inherited
) throws -> CommandResult {
    let child = Process()
    child.executableURL = executable
    child.arguments = arguments
    if let directory { child.currentDirectoryURL = directory }
    switch environment {
    case .inherited(let adding):
        child.environment = ProcessInfo.processInfo.environment.merging(adding) { $1 }
    case .only(let variables):
        child.environment = variables
    }
    if case .empty = input { child.standardInput = FileHandle.nullDevice }
    let out = Pipe()
    let err = Pipe()
    child.standardOutput = out
    child.standardError = err
    try child.run()
    let errorReader = PipeReader(err.fileHandleForReading)
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = errorReader.wait()
    child.waitUntilExit()
    return CommandResult(
        status: child.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// `runProcess` on a thread of its own, for commands that run long: a test blocked on a child
/// process must not hold one of the few threads every async test shares, or the others' pending
/// requests stall until their daemons close them as idle.
package func runProcessOffloaded(
    _ executable: URL, _ arguments: [String], in directory: URL? = nil,
    environment: ChildEnvironment = .inherited(adding: [:]), input: ChildInput = .inherited
) async throws -> CommandResult {
    try await offloaded { try runProcess(executable, arguments, in: directory, environment: environment, input: input) }
}

/// A blocking job started on a thread of its own at once. A `Task` would first wait for one of the
/// cooperative pool's threads, which the whole suite's load on two cores can hold for minutes.
package final class ThreadJob<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the job's thread before `done` is signalled; read only after waiting for it.
    private var result: Result<T, any Error>?

    package init(_ body: @escaping @Sendable () throws -> T) {
        Thread { [self] in
            result = Result { try body() }
            done.signal()
        }.start()
    }

    /// The job's result, waited for off the cooperative pool.
    package func value() async throws -> T {
        try await offloaded { [self] in
            done.wait()
            return try result!.get()
        }
    }
}

/// The full path of the program `name` on this process's PATH, or nil where it is not installed.
package func onPath(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// Runs blocking `body` on a new thread, not on one of the cooperative pool's few threads.
package func offloaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Reads a pipe to its end on a thread of its own (not Dispatch's pool, which Swift concurrency
/// shares), so the caller can read another pipe meanwhile.
private final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the reading thread before `done` is signalled; read only after waiting for it.
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
