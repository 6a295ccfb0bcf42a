import Foundation
import Glibc
package import Logging
package import NoaberCore
import NoaberCrypto
import NoaberStore
import ServiceLifecycle
import UnixSignals

/// Why noaberd could not start.
package enum DaemonError: Error, CustomStringConvertible {
    /// The data directory could not be created or locked.
    case dataDirectory(path: String, reason: String)
    /// The socket could not be created at the configured path.
    case cannotBind(path: String, reason: String)
    /// The log key file could not be read or created.
    case logKey(path: String, reason: String)
    /// A restored backup could not be released or caught up as asked (`RestoreOptions`).
    case restore(RestoreError)

    package var description: String {
        switch self {
        case .dataDirectory(let path, let reason): "data directory \(path): \(reason)"
        case .cannotBind(let path, let reason): "cannot listen on \(path): \(reason)"
        case .logKey(let path, let reason): "log key \(path): \(reason)"
        case .restore(let error): "restore: \(error)"
        }
    }
}

/// What to do at start-up with a ledger restored from a backup (deploy/README.md, "Restore").
package struct RestoreOptions: Sendable {
    /// The last published checkpoint, verbatim: a restored backup's checkpoints are held until
    /// its chain extends this one.
    package var publishedCheckpoint: String?
    /// The entries after `after` up to `through`, from a newer copy of the chain (an export).
    package var catchUp: (@Sendable (_ after: Int64, _ through: Int64) throws -> [CatchUpEntry])?

    package init(
        publishedCheckpoint: String? = nil,
        catchUp: (@Sendable (_ after: Int64, _ through: Int64) throws -> [CatchUpEntry])? = nil
    ) {
        self.publishedCheckpoint = publishedCheckpoint
        self.catchUp = catchUp
    }
}

/// The daemon as a library: opens the ledger, serves it until SIGTERM or SIGINT, then closes
/// everything in order.
package enum Daemon {
    package static func run(
        configuration: ServerConfiguration, logger: Logger, restore: RestoreOptions = RestoreOptions(),
        clock: @escaping @Sendable () -> Timestamp = Timestamp.now
    ) async throws {
        // The ledger's files are private to the daemon's user; the socket's mode is set explicitly.
        umask(0o077)
        // Held until the process exits: see `DataDirectory.lock`.
        _ = try DataDirectory.lock(configuration.dataDirectory)
        let database = Database(directory: configuration.dataDirectory)
        let logKey = try LogKeyFile.loadOrCreate(configuration.logKeyPath, logger: logger)
        let store = try LedgerStore(database: database, walSync: WALSync(walPath: database.walPath))
        if store.migratedFrom > 0, store.migratedFrom < LedgerStore.latestSchemaVersion {
            logger.notice(
                "converted the ledger's file to the current schema",
                metadata: [
                    "from_version": "\(store.migratedFrom)", "to_version": "\(LedgerStore.latestSchemaVersion)",
                ])
        }
        let writer = try GroupCommitWriter(
            store: store, clock: clock,
            logger: logger, logKey: logKey,
            logKeyPath: configuration.logKeyPath,
            checkpointEveryCommit: configuration.checkpointIntervalSeconds == 0)
        if let published = restore.publishedCheckpoint {
            do { try await writer.restore(published: published, catchUp: restore.catchUp) } catch let error
                as RestoreError
            {
                throw DaemonError.restore(error)
            }
        } else if restore.catchUp != nil {
            throw DaemonError.restore(
                .catchUp("give the published checkpoint it catches up to (--published-checkpoint)"))
        }
        // Periods that began while the daemon was down are charged now, each once, in order.
        await writer.writeDueDemurrage()
        // A ledger whose log key was just announced, or made before checkpoints, gets one now.
        await writer.checkpointIfBehind()
        let accessLog: AccessLogger
        do { accessLog = try AccessLogger(directory: configuration.dataDirectory, logger: logger) } catch {
            throw DaemonError.dataDirectory(
                path: configuration.dataDirectory, reason: "cannot open the access log: \(error)")
        }
        let retention = AccessLogRetention(
            log: accessLog, days: configuration.accessLogRetentionDays, clock: clock, logger: logger)
        retention.prune()
        let service = LedgerService(
            writer: writer, reads: ReadPool(database: database), creditIDs: store.creditHashes,
            gate: ReadGate(directory: writer.directory, clock: clock),
            accessLog: accessLog, database: database,
            backups: BackupFiles(directory: configuration.dataDirectory), startedAt: .now,
            logPublicKey: logKey.publicKey, logger: logger,
            clock: clock)
        let server = SocketServer(configuration: configuration, service: service, logger: logger)
        logger.info(
            "noaberd \(LedgerService.version) starting", metadata: ["data": .escaped(configuration.dataDirectory)])

        var services: [any Service] = [server, demurrageTimer(writer), retention.timer]
        if let timer = checkpointTimer(writer, configuration) { services.append(timer) }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch {
            await writer.shutdown()
            throw error
        }
        await writer.shutdown()
        logger.info("noaberd stopped cleanly")
    }
}

extension Daemon {
    /// Writes the demurrage due about once a minute, so that a period's charge is made soon after
    /// it starts even when nobody writes. Any entry submitted first has it written before it
    /// anyway, and start-up catches up on the periods missed while the daemon was down; so a
    /// shutdown between runs loses nothing.
    static func demurrageTimer(_ writer: GroupCommitWriter) -> PeriodicTask {
        PeriodicTask(description: "demurrage timer", seconds: 60) { await writer.writeDueDemurrage() }
    }

    /// With `checkpoint_interval` set, signs a checkpoint every so many seconds when the ledger
    /// has grown, instead of in every group commit. The latest checkpoint stays stored over a
    /// shutdown, and start-up signs one if the ledger has grown since.
    static func checkpointTimer(_ writer: GroupCommitWriter, _ configuration: ServerConfiguration) -> PeriodicTask? {
        let seconds = configuration.checkpointIntervalSeconds
        guard seconds > 0 else { return nil }
        return PeriodicTask(description: "checkpoint timer", seconds: seconds) { await writer.checkpointIfBehind() }
    }
}

enum DataDirectory {
    /// Creates the directory (0750) and takes an exclusive lock on the database file itself, so
    /// that two daemons never write one ledger: a lock on a file of its own was lost when someone
    /// deleted that file, and a second daemon then ran beside the first.
    ///
    /// The lock is `flock`, which on Linux is independent of the POSIX (`fcntl`) locks SQLite
    /// takes on the same file. Those are dropped for the whole process when any descriptor of the
    /// file is closed, so this one is never closed: it lives, and the lock with it, until the
    /// process exits. (On NFS, Linux emulates `flock` with POSIX locks; keep the data on a local
    /// file system, as SQLite's WAL mode needs anyway.)
    static func lock(_ path: String) throws -> Int32 {
        if mkdir(path, 0o750) == 0 {
            // The umask is tight for the files; the directory itself lets the group reach a socket in it.
            chmod(path, 0o750)
        } else if errno != EEXIST {
            throw DaemonError.dataDirectory(path: path, reason: String(cString: strerror(errno)))
        }
        let file = Database(directory: path).path
        // An empty file is an empty SQLite database, so creating it here changes nothing.
        let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw DaemonError.dataDirectory(path: file, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason =
                errno == EWOULDBLOCK
                ? "another noaberd is serving this ledger (it holds the lock on \(file))"
                : String(cString: strerror(errno))
            close(fd)
            throw DaemonError.dataDirectory(path: path, reason: reason)
        }
        return fd
    }
}
