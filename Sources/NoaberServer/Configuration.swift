import Foundation
package import Logging
import NoaberProtocol
import NoaberTransport

/// Everything noaberd needs to start; flags override the config file, which overrides defaults.
package struct ServerConfiguration: Sendable, Equatable {
    package var socketPath: String
    package var dataDirectory: String
    /// Mode of the socket file; 0660 by default so that only the owner and its group can connect.
    package var socketMode: UInt32 = 0o660
    /// Group to give the socket file, so that members of it may use the CLI.
    package var socketGroup: String?
    package var logLevel: Logger.Level = .info
    package var maxLineBytes = LineFrameDecoder.defaultMaxLength
    package var maxConnections = 256
    /// Seconds a client has to complete a request line whenever the daemon owes it nothing, and to
    /// take an answer, before its connection is closed (`RequestDeadline`): so that clients that
    /// neither ask nor read cannot hold every `maxConnections` slot.
    package var requestDeadlineSeconds = 30
    /// Answer bytes made and not yet taken by their clients, all connections together
    /// (`AnswerMemory`): 64 MiB, room for several of the largest `ledger.entries` pages (about
    /// 11 MiB each) at once.
    package var answerBufferBytes = 64 << 20
    /// The daemon's log key (PKCS#8 PEM), which signs checkpoints; created on first start if absent.
    package var logKeyPath: String
    /// Seconds between checkpoints; 0 signs one in every group commit, in the same transaction.
    package var checkpointIntervalSeconds = 0
    /// Days the access log keeps its records (two years: long enough to answer "who read my data?"
    /// for any period a volunteer asks about, short enough not to keep reading habits for ever).
    package var accessLogRetentionDays = 730

    package init(socketPath: String, dataDirectory: String) {
        self.socketPath = socketPath
        self.dataDirectory = dataDirectory
        logKeyPath = (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + "log.key"
    }

    /// The settings one may give on the command line or in the config file, as text.
    package struct Settings: Sendable {
        package var values: [String: String] = [:]
        package init() {}
        package subscript(key: String) -> String? {
            get { values[key] }
            set { values[key] = newValue }
        }
    }

    /// The config-file keys, which are also the flags with dashes for underscores.
    package static let keys = Set(ServerOption.allCases.map(\.key))

    /// Resolves flags over the config file over the defaults. Defaults follow systemd's
    /// `$STATE_DIRECTORY`/`$RUNTIME_DIRECTORY` when set, and `./data` for a local run.
    package static func resolve(
        flags: Settings, configFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> ServerConfiguration {
        var settings = Settings()
        if let configFile {
            let text: String
            do { text = try String(contentsOfFile: configFile, encoding: .utf8) } catch {
                throw .unreadable(path: configFile, reason: "\(error.localizedDescription)")
            }
            settings = try parse(text)
        }
        for (key, value) in flags.values { settings[key] = value }
        // An empty socket or data path would silently mean the current directory or `/`.
        if let empty = settings.values.keys.sorted().first(where: { settings[$0]!.isEmpty }) {
            throw .invalidValue(key: empty, value: "", expected: "a value (leave it out for the default)")
        }

        let data =
            settings[ServerOption.data.key] ?? environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(
                String.init) ?? "./data"
        let runtime = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first.map(String.init)
        let socket = settings[ServerOption.socket.key] ?? runtime.map { "\($0)/noaberd.sock" } ?? "\(data)/noaberd.sock"
        var config = ServerConfiguration(socketPath: socket, dataDirectory: data)
        for option in ServerOption.allCases {
            guard let apply = option.spec.apply, let text = settings[option.key] else { continue }
            do { try apply(text, &config) } catch {
                throw .invalidValue(key: option.key, value: text, expected: error.description)
            }
        }
        return config
    }

    /// `key = value` lines; `#` starts a comment; values may be in double quotes.
    package static func parse(_ text: String) throws(ConfigurationError) -> Settings {
        var settings = Settings()
        // `\.isNewline` also splits "\r\n", which Swift reads as one Character, not as "\r" then "\n".
        for (number, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else { throw .syntax(line: number + 1, text: line) }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard keys.contains(key) else { throw .unknownKey(line: number + 1, key: key) }
            settings[key] = value
        }
        return settings
    }
}

/// Why the configuration could not be used.
package enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The config file could not be read.
    case unreadable(path: String, reason: String)
    /// A line is not `key = value`.
    case syntax(line: Int, text: String)
    /// A key that noaberd does not know (a typo would otherwise be silently ignored).
    case unknownKey(line: Int, key: String)
    /// A value out of range or of the wrong form.
    case invalidValue(key: String, value: String, expected: String)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read config file \(path): \(reason)"
        case .syntax(let line, let text): "config line \(line) is not `key = value`: \(text)"
        case .unknownKey(let line, let key):
            "config line \(line): unknown key \"\(key)\" (known: \(ServerConfiguration.keys.sorted().joined(separator: ", ")))"
        case .invalidValue(let key, let value, let expected): "\(key) = \(value): expected \(expected)"
        }
    }
}
