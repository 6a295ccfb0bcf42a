import Foundation
import NoaberTestSupport
import Testing

@Suite("Child processes")
struct ChildProcessTests {
    /// A child that fills its stderr pipe before it writes a byte to stdout hangs a reader that reads
    /// stdout to its end first. `timeout` kills the child and what it started after 60 s, so a hang
    /// shows as a failed test instead of a run that never ends. It must be SIGKILL:
    /// children of the test process inherit a signal mask that blocks SIGTERM.
    @Test(.timeLimit(.minutes(2)))
    func moreThanAMebibyteOnStderrBeforeStdoutDoesNotHang() async throws {
        let size = 1_200_000
        let script = "head -c \(size) /dev/zero | tr '\\0' e >&2; printf 'written after stderr'"
        let started = ContinuousClock.now
        let result = try await runProcessOffloaded(
            URL(fileURLWithPath: "/usr/bin/timeout"), ["--signal=KILL", "60", "/bin/sh", "-c", script], input: .empty)
        #expect(result.status == 0, "timeout killed a child blocked on a full stderr pipe")
        #expect(result.stdout == "written after stderr")
        #expect(result.stderr.utf8.count == size)
        #expect(result.stderr.utf8.allSatisfy { $0 == UInt8(ascii: "e") })
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test func bothStreamsAndTheStatusAreKept() throws {
        let result = try runProcess(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "printf out; printf err >&2; exit 3"], input: .empty)
        #expect(result.status == 3)
        #expect(result.stdout == "out")
        #expect(result.stderr == "err")
    }

    @Test func environmentIsInheritedOrReplaced() throws {
        let inherited = try runProcess(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "printf '%s %s' \"$NOABER_TEST_VALUE\" \"${HOME:-none}\""],
            environment: .inherited(adding: ["NOABER_TEST_VALUE": "added"]))
        #expect(inherited.stdout == "added \(ProcessInfo.processInfo.environment["HOME"] ?? "none")")
        let only = try runProcess(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "printf '%s %s' \"$NOABER_TEST_VALUE\" \"${HOME:-none}\""],
            environment: .only(["NOABER_TEST_VALUE": "alone"]))
        #expect(only.stdout == "alone none")
    }

    @Test func runsInTheGivenDirectory() throws {
        try withTemporaryDirectory("noaber-support") { directory in
            let result = try runProcess(URL(fileURLWithPath: "/bin/pwd"), [], in: directory)
            #expect(result.stdout.trimmingCharacters(in: .newlines) == directory.resolvingSymlinksInPath().path)
        }
    }
}

@Suite("Temporary directories")
struct TemporaryDirectoryTests {
    @Test func aDirectoryIsNewEmptyAndRemovedAfterwards() throws {
        let used = try withTemporaryDirectory("noaber-support") { directory in
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
            try Data("x".utf8).write(to: directory.appendingPathComponent("file"))
            return directory
        }
        #expect(!FileManager.default.fileExists(atPath: used.path))
    }

    @Test func shortNamesFitASocketPath() throws {
        let directory = try makeTemporaryDirectory("noaber-e2e", under: URL(fileURLWithPath: "/tmp"), shortName: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(directory.lastPathComponent.count == "noaber-e2e-".count + 8)
    }
}
