import Glibc
import NIOCore

/// Who is on the other end of a Unix socket, as the kernel says (SO_PEERCRED); logged with
/// every write so that an operator can tell which local user submitted what.
package struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
    // Same layout as `struct ucred` (pid_t, uid_t, gid_t), which Swift's Glibc does not import.
    package var pid: Int32 = 0
    package var uid: UInt32 = 0
    package var gid: UInt32 = 0

    package var description: String { "uid=\(uid) gid=\(gid) pid=\(pid)" }

    static func of(_ channel: any Channel) async -> PeerCredentials? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        return try? await provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SO_PEERCRED).get()
    }
}
