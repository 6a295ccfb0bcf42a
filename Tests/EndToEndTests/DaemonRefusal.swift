import Foundation
import NoaberTestSupport
import Testing

extension DaemonProcess {
    /// A signed transfer of one minor unit from Jan to Piet, as the CLI sends it, with entry id `id`.
    func transferCent(_ id: String) throws {
        try ok(
            "transfer", "--key", "jan.key", "--from", "vol:jan-peeters", "--to", "vol:piet", "--amount", "0.01",
            "--id", id)
    }

}

/// Runs `noaberd` where it must refuse to start: returns its exit status and what it said, or
/// records an issue (and stops it) if it is still running after `seconds`.
func noaberdRefusal(_ arguments: [String], seconds: Int = 20) async throws -> (status: Int32, log: String) {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("noaberd-refusal-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: log) }
    let process = Process()
    process.executableURL = DaemonProcess.binaries.appendingPathComponent("noaberd")
    process.arguments = arguments
    let handle = try FileHandle(forWritingTo: log)
    process.standardError = handle
    process.standardOutput = handle
    try process.run()
    for _ in 0..<(seconds * 20) where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        Issue.record("noaberd did not refuse to start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }
    process.waitUntilExit()
    return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
}
