import Foundation
import Testing

/// The README's walkthrough is pasted by newcomers; this runs it verbatim so it stays true.
@Suite("README")
struct ReadmeTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The first ```sh block after the walkthrough marker.
    static func walkthrough() throws -> String {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = try #require(readme.range(of: "<!-- walkthrough"))
        let start = try #require(readme.range(of: "```sh\n", range: marker.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        return String(readme[start.upperBound..<end.lowerBound])
    }

    @Test func walkthroughRunsAsWrittenAndGivesTheBalancesItPromises() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let script = try Self.walkthrough()
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = ["-euo", "pipefail", "-c", script]
        bash.currentDirectoryURL = daemon.directory
        var environment = ProcessInfo.processInfo.environment
        environment["NOABER_SOCKET"] = daemon.socket
        environment["PATH"] = DaemonProcess.binaries.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        bash.environment = environment
        let out = Pipe()
        let err = Pipe()
        bash.standardOutput = out
        bash.standardError = err
        try bash.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        bash.waitUntilExit()

        #expect(bash.terminationStatus == 0, "walkthrough failed:\n\(stdout)\n\(stderr)")
        #expect(stdout.contains("vol:jan-peeters  Jan Peeters  12.50 ZMT"))
        #expect(stdout.contains("OK: 12 entries, 4 accounts, 5 keys"))
        #expect(stdout.contains("credit 2.5 hours = 25.00 ZMT from org:zorgkring to vol:jan-peeters: entry 10"))
        #expect(try daemon.balance("org:zorgkring") == -2500)
        #expect(try daemon.balance("vol:piet") == 500)
        #expect(try daemon.balance("shop:bakker") == 750)
    }
}
