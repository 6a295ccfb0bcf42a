import Foundation
import NoaberTestSupport
import Testing

/// The README's "A coordinator's month" runs verbatim after the walkthrough, on 6 December 2026
/// (faketime), and prints exactly the output the README shows under each command, ids included.
@Suite("README month")
struct ReadmeMonthTests {
    /// Commands (a run of lines that are not comments, a here-document's included) and the output
    /// the README shows under them: the `#   ` lines that follow, if any.
    struct Step {
        var command: String
        var shown: [String]
    }

    /// The ```sh block after the month marker, in steps.
    static func steps() throws -> [Step] {
        let readme = try String(contentsOf: PackagePaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = try #require(readme.range(of: "<!-- month"))
        let start = try #require(readme.range(of: "```sh\n", range: marker.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        var steps: [Step] = []
        // What the previous line was: a step's output may follow only its command or more output.
        var after: (command: Bool, output: Bool) = (false, false)
        for line in readme[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#   "), after.command || after.output {
                steps[steps.count - 1].shown.append(String(line.dropFirst(4)))
                after = (false, true)
            } else if line.isEmpty || line.hasPrefix("#") {
                after = (false, false)
            } else if after.command {
                steps[steps.count - 1].command += "\n" + line
            } else {
                steps.append(Step(command: String(line), shown: []))
                after = (true, false)
            }
        }
        return steps
    }

    /// Whether `line` is what the README shows: the same text, where each `…` stands for any text.
    static func matches(_ line: String, shown: String) -> Bool {
        let pattern = shown.components(separatedBy: "…").map(NSRegularExpression.escapedPattern(for:)).joined(
            separator: ".*")
        return line.range(of: "^" + pattern + "$", options: .regularExpression) != nil
    }

    @Test func theMonthPrintsWhatTheReadmeShows() async throws {
        let daemon = try await DaemonProcess(today: "2026-12-06T10:00:00Z")
        defer { daemon.tearDown() }
        let steps = try Self.steps()
        #expect(steps.filter { !$0.shown.isEmpty }.count >= 8, "the README shows the month's output")
        // Each step's output follows its marker; stderr goes with it, in order, as a reader sees it.
        let month = steps.enumerated().map { "echo '@@ step \($0)'\n\($1.command)" }.joined(separator: "\n")
        let script = "exec 2>&1\n" + (try ReadmeTests.walkthrough()) + "\n" + month
        let path = DaemonProcess.binaries.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let clock = try #require(daemon.clockAhead)
        let result = try await runProcessOffloaded(
            URL(fileURLWithPath: "/usr/bin/faketime"), ["-f", clock, "/bin/bash", "-euo", "pipefail", "-c", script],
            in: daemon.directory, environment: .inherited(adding: ["NOABER_SOCKET": daemon.socket, "PATH": path]))
        #expect(result.status == 0, "the month failed:\n\(result.stdout)")

        var outputs: [[String]] = []
        for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@@ step ") {
                outputs.append([])
            } else if !outputs.isEmpty {
                outputs[outputs.count - 1].append(String(line))
            }
        }
        if outputs.last?.last == "" { outputs[outputs.count - 1].removeLast() }
        try #require(outputs.count == steps.count, "\(outputs.count) of \(steps.count) steps ran:\n\(result.stdout)")
        for (step, printed) in zip(steps, outputs) where !step.shown.isEmpty {
            let same =
                printed.count == step.shown.count
                && zip(printed, step.shown).allSatisfy { Self.matches($0, shown: $1) }
            #expect(
                same,
                "\(step.command)\nprinted:\n\(printed.map { "#   " + $0 }.joined(separator: "\n"))\nthe README shows:\n\(step.shown.map { "#   " + $0 }.joined(separator: "\n"))"
            )
        }
    }

    @Test func anEllipsisStandsForAnyTextAndNothingElseDoes() {
        #expect(Self.matches("  committed 2026-12-06T10:00:05.809Z, hash 9eba", shown: "  committed …, hash …"))
        #expect(!Self.matches("  committed 2026-12-06T10:00:05.809Z", shown: "  committed …, hash …"))
        #expect(!Self.matches("entry 21 (x)", shown: "entry 2 (x)"))
        #expect(Self.matches("a.b", shown: "a.b") && !Self.matches("axb", shown: "a.b"))
    }
}
