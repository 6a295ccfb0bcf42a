import Foundation
import NoaberTestSupport
import Testing

/// A real OpenSSH server on loopback, in a temporary folder of its own, whose one authorized key
/// may run nothing but `command`: the restricted account of deploy/README.md in miniature. Debian's
/// openssh-server (scripts/setup.sh --test) provides it; tests that need it are skipped where it
/// is missing, and cancelled with sshd's log where it does not start.
final class SSHServer: @unchecked Sendable {
    static let sshd = "/usr/sbin/sshd"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: sshd) && onPath("ssh") != nil && onPath("ssh-keygen") != nil
    }
    static let skipMessage: Comment = "sshd, ssh or ssh-keygen is not installed (scripts/setup.sh --test installs them)"

    let directory: URL
    let port: Int
    private var pid: pid_t = 0
    private var key: String { directory.appendingPathComponent("client_key").path }
    private var logPath: String { directory.appendingPathComponent("sshd.log").path }

    /// `$NOABER_SSH` for a client that trusts this server's fresh host key and offers only the key
    /// the server knows, without reading the machine's or the user's ssh configuration.
    var sshCommand: String {
        "ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
            + " -o LogLevel=ERROR -o IdentitiesOnly=yes -i \(key)"
    }

    init(command: String) async throws {
        directory = try makeTemporaryDirectory("noaber-sshd", under: URL(fileURLWithPath: "/tmp"), shortName: true)
        port = try Self.freePort()
        for name in ["host_key", "client_key"] {
            let made = try runProcess(
                URL(fileURLWithPath: onPath("ssh-keygen")!),
                [
                    "-q", "-t", "ed25519", "-N", "", "-C", "noaber-test", "-f",
                    directory.appendingPathComponent(name).path,
                ],
                input: .empty)
            guard made.status == 0 else { throw CLIFailure(message: "ssh-keygen failed: \(made.stderr)") }
        }
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        let authorized = directory.appendingPathComponent("authorized_keys")
        try "command=\"\(command)\",restrict \(publicKey)".write(to: authorized, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("sshd_config")
        try """
        ListenAddress 127.0.0.1
        Port \(port)
        HostKey \(directory.appendingPathComponent("host_key").path)
        AuthorizedKeysFile \(authorized.path)
        PidFile \(directory.appendingPathComponent("sshd.pid").path)
        PermitRootLogin prohibit-password
        UsePAM no
        StrictModes no
        PasswordAuthentication no
        KbdInteractiveAuthentication no

        """.write(to: config, atomically: true, encoding: .utf8)
        // sshd refuses to start without its privilege-separation folder, which only the package's
        // service creates.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        pid = try Self.spawn([Self.sshd, "-D", "-e", "-f", config.path], log: logPath)
        try await waitUntilListening()
    }

    private func waitUntilListening() async throws {
        for _ in 0..<100 {
            if log().contains("Server listening") { return }
            if !isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let log = log()
        stop()
        try Test.cancel("sshd did not start, so nothing was tested over ssh; its log:\n\(log)")
    }

    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func stop() {
        if isRunning {
            kill(pid, SIGTERM)
            waitpid(pid, nil, 0)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Reaps sshd if it has ended.
    private var isRunning: Bool { pid > 0 && waitpid(pid, nil, WNOHANG) == 0 }

    /// Starts `arguments` with its output appended to `log`, without Foundation's Process: sshd
    /// closes every descriptor it inherits, among them the one by which Process learns that a
    /// child ended; Process would then wait for sshd to end on the one thread that reaps all
    /// children, and no other child of the tests would be seen to end meanwhile.
    private static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard status == 0 else {
            throw CLIFailure(message: "cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// A port nobody listens on at this moment: the kernel's pick for a socket bound to port 0.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLIFailure(message: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw CLIFailure(message: "bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
