import Logging

/// noaberd's settings. Each is spelled once, as a case: its config-file key is the case name in
/// snake case (`socketMode` is `socket_mode`), and its flag the same in kebab case
/// (`--socket-mode`), which is what swift-argument-parser makes of a property of that name. All
/// that is known of a setting (its help, its form, its range and where it goes) is in `spec`.
package enum ServerOption: CaseIterable, Sendable {
    // `idleTimeout` comes before `requestDeadline`, of which it is the old name, so that the new
    // name wins when both are given.
    case socket, data, socketMode, socketGroup, logLevel, maxLineBytes, maxConnections, idleTimeout
    case requestDeadline, answerBufferBytes, logKey, checkpointInterval, accessLogRetention

    /// What a setting means and how its text becomes part of the configuration.
    package struct Spec: Sendable {
        /// The flag's help, as `noaberd --help` shows it.
        package let help: String
        /// Checks the text and stores the value. `socket` and `data` have none: the other defaults
        /// follow from them, so `resolve` reads them first.
        let apply: (@Sendable (String, inout ServerConfiguration) throws(Expected) -> Void)?
    }

    /// Why a value was refused: what the setting takes instead, in words.
    struct Expected: Error {
        let description: String
    }

    package var spec: Spec {
        switch self {
        case .socket: Spec(help: "Path of the Unix socket to listen on.", apply: nil)
        case .data: Spec(help: "Directory holding the SQLite database.", apply: nil)
        case .socketMode:
            Spec(help: "Octal mode of the socket file (others may never connect).") { text, config throws(Expected) in
                guard let value = UInt32(text, radix: 8), value <= 0o777 else {
                    throw Expected(description: "an octal mode like 0660")
                }
                guard value & 0o007 == 0 else {
                    throw Expected(description: "a mode that gives others no access (the socket accepts ledger writes)")
                }
                config.socketMode = value
            }
        case .socketGroup:
            Spec(help: "Group to give the socket file.") { text, config throws(Expected) in config.socketGroup = text }
        case .logLevel:
            Spec(help: "trace, debug, info, notice, warning, error or critical.") { text, config throws(Expected) in
                guard let value = Logger.Level(rawValue: text) else {
                    throw Expected(description: Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
                }
                config.logLevel = value
            }
        case .maxLineBytes:
            .number(\.maxLineBytes, 1024...(64 << 20), of: "bytes", help: "Longest request line accepted, in bytes")
        case .maxConnections: .number(\.maxConnections, 1...100_000, help: "Most connections served at once")
        case .idleTimeout:
            .number(
                \.requestDeadlineSeconds, 1...86_400, of: "seconds",
                help: "Deprecated: the old name of --request-deadline, which it sets")
        case .requestDeadline:
            .number(
                \.requestDeadlineSeconds, 1...86_400, of: "seconds",
                help:
                    "Seconds a client has to complete each request line, and to take each answer, before its connection is closed"
            )
        case .answerBufferBytes:
            .number(
                \.answerBufferBytes, (1 << 20)...(1 << 40), of: "bytes",
                help:
                    "Answer bytes all clients together may leave unread; past it, the connections with the oldest unread answers are closed"
            )
        case .logKey:
            Spec(help: "The log key file that signs checkpoints (default <data>/log.key, created if absent).") {
                text, config throws(Expected) in config.logKeyPath = text
            }
        case .checkpointInterval:
            .number(
                \.checkpointIntervalSeconds, 0...86_400, of: "seconds", lowest: "a checkpoint in every group commit",
                help: "Seconds between signed checkpoints; 0 signs one with every group commit")
        case .accessLogRetention:
            .number(
                \.accessLogRetentionDays, 1...36_500, of: "days",
                help: "Days the access log keeps a record of who read whose data; older records are deleted")
        }
    }

    /// The key in the config file, and the name in error messages.
    package var key: String {
        String(describing: self).reduce(into: "") { key, letter in
            key += letter.isUppercase ? "_" + letter.lowercased() : String(letter)
        }
    }

    /// The command-line flag, as swift-argument-parser spells a property named as the case.
    package var flag: String { "--" + String(key.map { $0 == "_" ? "-" : $0 }) }
}

extension ServerOption.Spec {
    /// A whole number in `range`, whose help ends with its default: the one `ServerConfiguration`
    /// starts with, so that the help cannot say otherwise.
    static func number(
        _ field: any WritableKeyPath<ServerConfiguration, Int> & Sendable, _ range: ClosedRange<Int>,
        of unit: String? = nil,
        lowest: String? = nil, help: String
    ) -> Self {
        let start = ServerConfiguration(socketPath: "", dataDirectory: "")[keyPath: field]
        let expected =
            "a number\(unit.map { " of \($0)" } ?? "") from \(range.lowerBound)\(lowest.map { " (\($0))" } ?? "") to \(range.upperBound)"
        return Self(help: "\(help) (default \(start)).") { text, config throws(ServerOption.Expected) in
            guard let value = Int(text), range.contains(value) else {
                throw ServerOption.Expected(description: expected)
            }
            config[keyPath: field] = value
        }
    }
}
