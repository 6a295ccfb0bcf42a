import ArgumentParser
import Foundation
import Logging
import NoaberServer

@main
struct Noaberd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noaberd",
        abstract: "Serve a Noaber ledger over a Unix socket.",
        discussion: """
            Flags override the config file, which overrides the defaults: data in $STATE_DIRECTORY or ./data,
            the socket at $RUNTIME_DIRECTORY/noaberd.sock or <data>/noaberd.sock, mode 0660.
            Stops cleanly on SIGTERM or SIGINT.
            """)

    @Option(help: "Config file of `key = value` lines (see deploy/noaberd.conf.example).")
    var config: String?

    @Option(help: "Path of the Unix socket to listen on.")
    var socket: String?

    @Option(help: "Directory holding the SQLite database.")
    var data: String?

    @Option(help: "Octal mode of the socket file (others may never connect).")
    var socketMode: String?

    @Option(help: "Group to give the socket file.")
    var socketGroup: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Option(help: "Longest request line accepted, in bytes (default 1048576).")
    var maxLineBytes: String?

    @Option(help: "Most connections served at once (default 256).")
    var maxConnections: String?

    @Option(help: "Seconds a client may send nothing before its connection is closed (default 60).")
    var idleTimeout: String?

    @Option(help: "The log key file that signs checkpoints (default <data>/log.key, created if absent).")
    var logKey: String?

    @Option(help: "Seconds between signed checkpoints; 0 signs one with every group commit (default 0).")
    var checkpointInterval: String?

    func run() async throws {
        var flags = ServerConfiguration.Settings()
        flags["socket"] = socket
        flags["data"] = data
        flags["socket_mode"] = socketMode
        flags["socket_group"] = socketGroup
        flags["log_level"] = logLevel
        flags["max_line_bytes"] = maxLineBytes
        flags["max_connections"] = maxConnections
        flags["idle_timeout"] = idleTimeout
        flags["log_key"] = logKey
        flags["checkpoint_interval"] = checkpointInterval
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.resolve(flags: flags, configFile: config)
        } catch {
            throw ValidationError(error.description)
        }
        let level = configuration.logLevel
        // stderr: journald collects it under systemd, a terminal shows it otherwise.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "noaberd")
        do {
            try await Daemon.run(configuration: configuration, logger: logger)
        } catch {
            logger.critical("noaberd stopped: \(error)")
            throw ExitCode.failure
        }
    }
}
