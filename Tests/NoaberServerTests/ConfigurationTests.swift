import Foundation
import Logging
import NoaberServer
import NoaberTestSupport
import Testing

@Suite("Server configuration")
struct ConfigurationTests {
    typealias Settings = ServerConfiguration.Settings

    static func settings(_ values: [String: String]) -> Settings {
        var settings = Settings()
        for (key, value) in values { settings[key] = value }
        return settings
    }

    static func resolve(
        flags: [String: String] = [:], file: String? = nil, environment: [String: String] = [:]
    ) throws -> ServerConfiguration {
        guard let file else {
            return try ServerConfiguration.resolve(flags: settings(flags), configFile: nil, environment: environment)
        }
        return try withConfigFile(file) { path in
            try ServerConfiguration.resolve(flags: settings(flags), configFile: path, environment: environment)
        }
    }

    static func withConfigFile<R>(_ text: String, _ body: (String) throws -> R) throws -> R {
        let directory = try makeTemporaryDirectory("noaber-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("noaberd.conf")
        try Data(text.utf8).write(to: file)
        return try body(file.path)
    }

    @Test func defaults() throws {
        let config = try Self.resolve()
        var expected = ServerConfiguration(socketPath: "./data/noaberd.sock", dataDirectory: "./data")
        expected.socketMode = 0o660
        expected.socketGroup = nil
        expected.logLevel = .info
        expected.maxLineBytes = 1 << 20
        expected.maxConnections = 256
        #expect(config == expected)
    }

    @Test func systemdDirectories() throws {
        let state = try Self.resolve(environment: ["STATE_DIRECTORY": "/var/lib/noaber"])
        #expect(state.dataDirectory == "/var/lib/noaber" && state.socketPath == "/var/lib/noaber/noaberd.sock")
        let both = try Self.resolve(environment: [
            "STATE_DIRECTORY": "/var/lib/noaber:/var/lib/other", "RUNTIME_DIRECTORY": "/run/noaber:/run/x",
        ])
        #expect(both.dataDirectory == "/var/lib/noaber" && both.socketPath == "/run/noaber/noaberd.sock")
        let runtime = try Self.resolve(environment: ["RUNTIME_DIRECTORY": "/run/noaber"])
        #expect(runtime.dataDirectory == "./data" && runtime.socketPath == "/run/noaber/noaberd.sock")
        // Explicit settings win over the environment.
        let explicit = try Self.resolve(
            flags: ["data": "/srv/a", "socket": "/srv/a.sock"],
            environment: ["STATE_DIRECTORY": "/var/lib/noaber", "RUNTIME_DIRECTORY": "/run/noaber"])
        #expect(explicit.dataDirectory == "/srv/a" && explicit.socketPath == "/srv/a.sock")
    }

    @Test func fileSetsEveryKeyAndFlagsWin() throws {
        let file = """
            # noaberd configuration
            socket = /run/noaber/noaberd.sock
              data=/var/lib/noaber
            socket_mode = 0640
            socket_group = "noaber users"

            log_level = debug
            max_line_bytes = 4096
            max_connections = 10
            """
        let fromFile = try Self.resolve(file: file)
        #expect(fromFile.socketPath == "/run/noaber/noaberd.sock" && fromFile.dataDirectory == "/var/lib/noaber")
        #expect(fromFile.socketMode == 0o640 && fromFile.socketGroup == "noaber users" && fromFile.logLevel == .debug)
        #expect(fromFile.maxLineBytes == 4096 && fromFile.maxConnections == 10)

        let flagged = try Self.resolve(
            flags: ["log_level": "error", "max_connections": "3", "data": "/tmp/d"], file: file)
        #expect(flagged.logLevel == .error && flagged.maxConnections == 3 && flagged.dataDirectory == "/tmp/d")
        #expect(flagged.socketPath == "/run/noaber/noaberd.sock" && flagged.maxLineBytes == 4096)
        // Without a socket setting, the socket follows the data directory the file gives.
        let dataOnly = try Self.resolve(file: "data = /srv/zorg\n")
        #expect(dataOnly.socketPath == "/srv/zorg/noaberd.sock")
    }

    @Test func fileWithWindowsLineEndings() throws {
        let config = try Self.resolve(file: "socket = /run/a.sock\r\ndata = /var/lib/a\r\nlog_level = warning\r\n")
        #expect(config.socketPath == "/run/a.sock")
        #expect(config.dataDirectory == "/var/lib/a")
        #expect(config.logLevel == .warning)
        #expect(throws: ConfigurationError.syntax(line: 2, text: "oops")) {
            try ServerConfiguration.parse("data = /a\r\noops\r\n")
        }
    }

    @Test func parseKeepsValuesVerbatim() throws {
        let settings = try ServerConfiguration.parse("socket = /a=b # not a comment\nsocket_group = \"\"\ndata = \"x")
        #expect(settings["socket"] == "/a=b # not a comment")
        #expect(settings["socket_group"] == "")
        #expect(settings["data"] == "\"x")
        #expect(try ServerConfiguration.parse("").values.isEmpty)
        #expect(try ServerConfiguration.parse("# only\n\n   \n\t# comments\n").values.isEmpty)
    }

    @Test func unreadableFile() throws {
        let path = "/nonexistent-\(UUID().uuidString)/noaberd.conf"
        #expect {
            try ServerConfiguration.resolve(flags: Settings(), configFile: path, environment: [:])
        } throws: { error in
            guard case .unreadable(let where_, let reason) = error as? ConfigurationError else { return false }
            return where_ == path && !reason.isEmpty
        }
        #expect(
            ConfigurationError.unreadable(path: "/x", reason: "gone").description == "cannot read config file /x: gone")
    }

    @Test func syntaxError() throws {
        #expect(throws: ConfigurationError.syntax(line: 3, text: "just words")) {
            try ServerConfiguration.parse("# c\ndata = /a\n  just words  \n")
        }
        #expect(throws: ConfigurationError.syntax(line: 1, text: "socket_mode")) {
            try Self.resolve(file: "socket_mode\n")
        }
        #expect(ConfigurationError.syntax(line: 3, text: "x").description == "config line 3 is not `key = value`: x")
    }

    @Test func unknownKey() throws {
        #expect(throws: ConfigurationError.unknownKey(line: 2, key: "sockets")) {
            try ServerConfiguration.parse("data = /a\nsockets = /b\n")
        }
        #expect(throws: ConfigurationError.unknownKey(line: 1, key: "")) { try ServerConfiguration.parse(" = x") }
        #expect(throws: ConfigurationError.unknownKey(line: 1, key: "Data")) {
            try ServerConfiguration.parse("Data = x")
        }
        let description = ConfigurationError.unknownKey(line: 2, key: "sockets").description
        #expect(
            description.hasPrefix(
                "config line 2: unknown key \"sockets\" (known: access_log_retention, answer_buffer_bytes, checkpoint_interval, data, idle_timeout, log_key,"
            ))
    }

    @Test(arguments: [
        ("socket_mode", "0666", "a mode that gives others no access (the socket accepts ledger writes)"),
        ("socket_mode", "0661", "a mode that gives others no access (the socket accepts ledger writes)"),
        ("socket_mode", "01660", "an octal mode like 0660"),
        ("socket_mode", "0o660", "an octal mode like 0660"),
        ("socket_mode", "0860", "an octal mode like 0660"),
        ("socket_mode", "rw-rw----", "an octal mode like 0660"),
        ("socket_mode", "", "a value (leave it out for the default)"),
        ("socket", "", "a value (leave it out for the default)"),
        ("data", "", "a value (leave it out for the default)"),
        ("log_level", "loud", "trace, debug, info, notice, warning, error, critical"),
        ("log_level", "INFO", "trace, debug, info, notice, warning, error, critical"),
        ("max_line_bytes", "1023", "a number of bytes from 1024 to 67108864"),
        ("max_line_bytes", "67108865", "a number of bytes from 1024 to 67108864"),
        ("max_line_bytes", "1MiB", "a number of bytes from 1024 to 67108864"),
        ("max_connections", "0", "a number from 1 to 100000"),
        ("max_connections", "100001", "a number from 1 to 100000"),
        ("max_connections", "-5", "a number from 1 to 100000"),
    ])
    func invalidValues(key: String, value: String, expected: String) throws {
        let error = ConfigurationError.invalidValue(key: key, value: value, expected: expected)
        #expect(throws: error) { try Self.resolve(flags: [key: value]) }
        #expect(throws: error) { try Self.resolve(file: "\(key) = \(value)\n") }
        #expect(error.description == "\(key) = \(value): expected \(expected)")
    }

    @Test func boundaryValuesAreAccepted() throws {
        let low = try Self.resolve(flags: [
            "socket_mode": "0", "max_line_bytes": "1024", "max_connections": "1", "log_level": "trace",
        ])
        #expect(low.socketMode == 0 && low.maxLineBytes == 1024 && low.maxConnections == 1 && low.logLevel == .trace)
        let high = try Self.resolve(flags: [
            "socket_mode": "770", "max_line_bytes": "67108864", "max_connections": "100000",
        ])
        #expect(high.socketMode == 0o770 && high.maxLineBytes == 64 << 20 && high.maxConnections == 100_000)
    }

    /// `idle_timeout` is the old name of `request_deadline`: it still sets it, and the new name wins.
    @Test func idleTimeoutIsTheOldNameOfTheRequestDeadline() throws {
        #expect(try Self.resolve().requestDeadlineSeconds == 30)
        #expect(try Self.resolve().answerBufferBytes == 64 << 20)
        #expect(try Self.resolve(file: "idle_timeout = 7\n").requestDeadlineSeconds == 7)
        #expect(try Self.resolve(flags: ["idle_timeout": "7"]).requestDeadlineSeconds == 7)
        let both = try Self.resolve(flags: ["request_deadline": "9"], file: "idle_timeout = 7\n")
        #expect(both.requestDeadlineSeconds == 9)
        let bothFlags = try Self.resolve(flags: ["idle_timeout": "7", "request_deadline": "9"])
        #expect(bothFlags.requestDeadlineSeconds == 9)
        #expect(try Self.resolve(flags: ["answer_buffer_bytes": "1048576"]).answerBufferBytes == 1 << 20)
        #expect(
            throws: ConfigurationError.invalidValue(
                key: "answer_buffer_bytes", value: "1048575",
                expected: "a number of bytes from 1048576 to 1099511627776")
        ) { try Self.resolve(flags: ["answer_buffer_bytes": "1048575"]) }
    }

    /// deploy/noaberd.conf.example documents every setting; the values it leaves commented out
    /// are the defaults, and those it sets are valid.
    @Test func exampleFileIsTrue() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../deploy/noaberd.conf.example")
        let text = try String(contentsOf: example, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        // `#key = value` lines are settings left at their default; other comment lines are prose.
        let commented = lines.filter { line in
            line.hasPrefix("#") && ServerConfiguration.keys.contains { line.dropFirst().hasPrefix("\($0) = ") }
        }
        let set = lines.filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        let defaults = commented.map { String($0.dropFirst()) }.joined(separator: "\n")
        let written = try ServerConfiguration.parse(set + "\n" + defaults)
        #expect(Set(written.values.keys) == ServerConfiguration.keys, "every setting is in the example")
        for option in ServerOption.allCases {
            #expect(text.contains(option.flag), "the example names the flag \(option.flag)")
        }
        // The commented values, given on top of the ones set, change nothing: they are the defaults
        // (the log key's default is in the data directory, which the example sets).
        let setOnly = try Self.resolve(file: set)
        #expect(try Self.resolve(file: set + "\n" + defaults) == setOnly)
    }
}
