import Foundation
import NoaberTestSupport
import Testing

/// The README's walkthrough is pasted by newcomers; this runs it verbatim so it stays true.
@Suite("README")
struct ReadmeTests {
    /// The first ```sh block after the walkthrough marker.
    static func walkthrough() throws -> String {
        let readme = try String(contentsOf: PackagePaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = try #require(readme.range(of: "<!-- walkthrough"))
        let start = try #require(readme.range(of: "```sh\n", range: marker.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        return String(readme[start.upperBound..<end.lowerBound])
    }

    @Test func walkthroughRunsAsWrittenAndGivesTheBalancesItPromises() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        let script = try Self.walkthrough()
        let path = DaemonProcess.binaries.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try await runProcessOffloaded(
            URL(fileURLWithPath: "/bin/bash"), ["-euo", "pipefail", "-c", script], in: daemon.directory,
            environment: .inherited(adding: ["NOABER_SOCKET": daemon.socket, "PATH": path]))
        let stdout = result.stdout
        #expect(result.status == 0, "walkthrough failed:\n\(stdout)\n\(result.stderr)")
        #expect(stdout.contains("vol:0042  Jan Peeters  12.50 ZMT"))
        #expect(stdout.contains("OK: 12 entries, 4 accounts, 6 keys"))
        #expect(stdout.contains("credit 2.5 hours = 25.00 ZMT from org:zorgkring to vol:0042: entry 10"))
        #expect(stdout.contains("OK: entry 10 (tx, id credit-jan-1"), "verify-proof")
        #expect(
            stdout.contains("checkpoint (checkpoint.txt): 12 entries, root matches, signed by noaber/"), "verify --file"
        )
        #expect(try daemon.balance("org:zorgkring") == -2500)
        #expect(try daemon.balance("vol:0043") == 500)
        #expect(try daemon.balance("shop:bakker") == 750)
    }
}
