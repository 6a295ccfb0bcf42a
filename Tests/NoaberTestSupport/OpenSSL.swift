package import Foundation
package import Testing

/// The system's `openssl` command, which auditors use to check what Noaber writes. Tests that need
/// it are skipped, with `skipMessage`, where it is missing; nothing is installed.
package enum OpenSSL {
    package static let path = "/usr/bin/openssl"
    package static var available: Bool { FileManager.default.isExecutableFile(atPath: path) }
    package static let skipMessage: Comment = "/usr/bin/openssl is not installed; skipping openssl interop tests"

    /// Runs `openssl` with `arguments`, reading nothing on its standard input.
    package static func run(_ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
        try runProcess(URL(fileURLWithPath: path), arguments, in: directory, input: .empty)
    }

    /// Runs `openssl` and requires it to succeed; returns what it printed.
    @discardableResult
    package static func expectSuccess(
        _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try run(arguments)
        try #require(
            result.status == 0, "openssl \(arguments.joined(separator: " ")) failed: \(result.stderr)",
            sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs a `/bin/sh` script in `directory` with a small, fixed environment (C locale, the system's
    /// PATH), as an auditor's recipe of openssl, sed, base64 and sha256sum would run.
    package static func shell(
        _ script: String, in directory: URL, environment: [String: String] = [:]
    ) throws -> CommandResult {
        try runProcess(
            URL(fileURLWithPath: "/bin/sh"), ["-c", script], in: directory,
            environment: .only(["PATH": "/usr/bin:/bin", "LC_ALL": "C"].merging(environment) { $1 }), input: .empty)
    }
}
