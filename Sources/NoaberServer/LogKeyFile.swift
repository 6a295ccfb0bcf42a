import Glibc
import Logging
import NoaberCrypto

/// The daemon's log key on disk: PKCS#8 PEM, mode 0600, beside a `.pub` copy of its public half
/// for the admin who announces it. Created on first start, so a new install needs no key ceremony;
/// it must be backed up with the database, since checkpoints from a new key need a new announcement.
enum LogKeyFile {
    static func loadOrCreate(_ path: String, logger: Logger) throws -> Ed25519PrivateKey {
        if access(path, F_OK) == 0 {
            do { return try Ed25519PrivateKey(contentsOfFile: path) } catch {
                throw DaemonError.logKey(path: path, reason: "\(error)")
            }
        }
        do {
            let key = try Ed25519PrivateKey.generate()
            try key.write(toFile: path)
            try? key.publicKey.write(toFile: path + ".pub")
            logger.notice(
                "created a new log key", metadata: ["path": .escaped(path), "key_id": "\(key.publicKey.keyID.hex)"])
            return key
        } catch {
            throw DaemonError.logKey(path: path, reason: "\(error)")
        }
    }
}
