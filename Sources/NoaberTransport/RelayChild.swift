import Foundation

/// A program started to carry the line protocol on its standard input and output, as
/// `ssh server noaber dial-stdio` does. Its standard error is left as ours: ssh's own messages
/// (an unknown host key, a refused connection, a passphrase prompt's failure) reach the user as
/// ssh wrote them.
///
/// ssh closes every descriptor it inherits, among them the one by which Foundation's Process
/// learns that a child ended; Process then waits for ssh on the thread that reaps its children.
/// That is harmless here, where ssh is the only child, but a program that also runs others while
/// a connection is open should not take this path.
final class RelayChild: @unchecked Sendable {
    private let process = Process()
    private let exits: AsyncStream<Int32>
    /// The parent's ends of the two pipes, duplicated so that NIO can own and close them.
    let readDescriptor: CInt
    let writeDescriptor: CInt
    /// The program's name, for messages.
    let name: String

    init(executable: String, arguments: [String], display: String) throws(ClientError) {
        name = (executable as NSString).lastPathComponent
        guard let path = Self.resolve(executable) else {
            throw .cannotStart(command: name, daemon: display, reason: "it is not found on PATH")
        }
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let toChild = Pipe()
        let fromChild = Pipe()
        process.standardInput = toChild
        process.standardOutput = fromChild
        let (exits, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.exits = exits
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        do { try process.run() } catch {
            throw .cannotStart(command: name, daemon: display, reason: "\(error.localizedDescription)")
        }
        // The child's ends must be closed here, or its exit would never read as end of file.
        try? toChild.fileHandleForReading.close()
        try? fromChild.fileHandleForWriting.close()
        readDescriptor = fcntl(fromChild.fileHandleForReading.fileDescriptor, F_DUPFD_CLOEXEC, 0)
        writeDescriptor = fcntl(toChild.fileHandleForWriting.fileDescriptor, F_DUPFD_CLOEXEC, 0)
        try? fromChild.fileHandleForReading.close()
        try? toChild.fileHandleForWriting.close()
        guard readDescriptor >= 0, writeDescriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            closeDescriptors()
            kill(process.processIdentifier, SIGTERM)
            throw .cannotStart(command: name, daemon: display, reason: reason)
        }
    }

    /// For when NIO refused the descriptors: they are still ours to close.
    func closeDescriptors() {
        if readDescriptor >= 0 { close(readDescriptor) }
        if writeDescriptor >= 0 { close(writeDescriptor) }
    }

    /// Waits for the program to exit, which it does once its input is closed; one that lingers
    /// past `grace` is sent SIGTERM, so the CLI never hangs on a stuck connection. Returns the exit
    /// status (the signal's number when it was killed).
    func finish(grace: Duration = .seconds(5)) async -> Int32? {
        let pid = process.processIdentifier
        let deadline = Task {
            try await Task.sleep(for: grace)
            kill(pid, SIGTERM)
        }
        defer { deadline.cancel() }
        for await status in exits { return status }
        return nil
    }

    /// `executable` itself when it names a path, else the first match on PATH, as a shell finds it.
    private static func resolve(_ executable: String) -> String? {
        if executable.contains("/") { return executable }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
