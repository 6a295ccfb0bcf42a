import ArgumentParser
import Foundation
import Logging
import NoaberServer

#if canImport(Glibc)
    import CMalloc
#endif

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

    @OptionGroup var settings: SettingFlags

    @Option(
        help: ArgumentHelp(
            "A restored backup: the last published checkpoint (a `noaber checkpoint --out` file). Checkpoints stay held until the chain extends it.",
            valueName: "file"))
    var publishedCheckpoint: String?

    @Option(
        help: ArgumentHelp(
            "A restored backup: a jsonl export of the newer chain, whose entries up to the published checkpoint are added as they were committed.",
            valueName: "export.jsonl"))
    var catchUp: String?

    func run() async throws {
        #if canImport(Glibc)
            // glibc gives each thread that meets a busy heap an arena of its own, up to 8 per core, and
            // keeps their freed pages: NIO's loops, the writer, the readers and the access log each
            // held one. Two arenas cut the daemon's peak RSS by about 6 MB (Benchmarks/README.md).
            _ = mallopt(M_ARENA_MAX, 2)
        #endif
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.resolve(flags: settings.given, configFile: config)
        } catch {
            throw ValidationError(error.description)
        }
        let restore = try restoreOptions()
        let level = configuration.logLevel
        // stderr: journald collects it under systemd, a terminal shows it otherwise.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "noaberd")
        do {
            try await Daemon.run(configuration: configuration, logger: logger, restore: restore)
        } catch {
            logger.critical("noaberd stopped: \(LogText.escaped("\(error)"))")
            throw ExitCode.failure
        }
    }
}

extension Noaberd {
    /// Start-up steps for a restored backup; one-off, so flags rather than configuration keys.
    func restoreOptions() throws -> RestoreOptions {
        var options = RestoreOptions()
        if let publishedCheckpoint {
            do { options.publishedCheckpoint = try String(contentsOfFile: publishedCheckpoint, encoding: .utf8) } catch
            {
                throw ValidationError("cannot read --published-checkpoint \(publishedCheckpoint): \(error)")
            }
        }
        if let path = catchUp {
            options.catchUp = { after, through in try CatchUpExport.entries(path: path, after: after, through: through)
            }
        }
        return options
    }
}

/// A flag for each of `ServerOption`'s settings. A property is named as its setting's case, so
/// that swift-argument-parser spells the flag as the config file spells the key, with dashes.
struct SettingFlags: ParsableArguments {
    @Option(help: .setting(.socket)) var socket: String?
    @Option(help: .setting(.data)) var data: String?
    @Option(help: .setting(.socketMode)) var socketMode: String?
    @Option(help: .setting(.socketGroup)) var socketGroup: String?
    @Option(help: .setting(.logLevel)) var logLevel: String?
    @Option(help: .setting(.maxLineBytes)) var maxLineBytes: String?
    @Option(help: .setting(.maxConnections)) var maxConnections: String?
    @Option(help: .setting(.idleTimeout)) var idleTimeout: String?
    @Option(help: .setting(.requestDeadline)) var requestDeadline: String?
    @Option(help: .setting(.answerBufferBytes)) var answerBufferBytes: String?
    @Option(help: .setting(.logKey)) var logKey: String?
    @Option(help: .setting(.checkpointInterval)) var checkpointInterval: String?
    @Option(help: .setting(.accessLogRetention)) var accessLogRetention: String?

    /// The flags given, by config-file key. Read from the properties by name, so that adding a
    /// setting takes its case and its property, and nothing else here.
    var given: ServerConfiguration.Settings {
        var settings = ServerConfiguration.Settings()
        var seen: [ServerOption] = []
        for child in Mirror(reflecting: self).children {
            guard let property = child.label?.dropFirst(), let flag = child.value as? Option<String?>,
                let option = ServerOption.allCases.first(where: { "\($0)" == property })
            else { preconditionFailure("SettingFlags.\(child.label ?? "?") is not a ServerOption") }
            seen.append(option)
            settings[option.key] = flag.wrappedValue
        }
        // A setting without a flag would be one the config file knows and the command line not.
        precondition(seen.count == ServerOption.allCases.count, "every ServerOption needs a flag in SettingFlags")
        return settings
    }
}

extension ArgumentHelp {
    static func setting(_ option: ServerOption) -> Self { Self(option.spec.help) }
}
