#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Ed25519PrivateKey {
    package init(contentsOfFile path: String) throws(CryptoError) {
        try self.init(pemRepresentation: KeyFile.readText(path))
    }

    /// Writes the PKCS#8 PEM to `path` created with O_CREAT|O_EXCL and mode 0600
    /// (fchmod to 0600 regardless of umask); throws .fileExists if present.
    package func write(toFile path: String) throws(CryptoError) {
        try KeyFile.createExclusively(path, contents: pemRepresentation, mode: 0o600)
    }
}

extension Ed25519PublicKey {
    package init(contentsOfFile path: String) throws(CryptoError) {
        try self.init(pemRepresentation: KeyFile.readText(path))
    }

    /// Writes the SPKI PEM to `path` (O_EXCL, mode 0644); throws .fileExists if present.
    package func write(toFile path: String) throws(CryptoError) {
        try KeyFile.createExclusively(path, contents: pemRepresentation, mode: 0o644)
    }
}

enum KeyFile {
    /// PEM keys are a few hundred bytes; a larger file is a wrong path, not a key.
    static let maximumSize = 64 * 1024

    static func readText(_ path: String) throws(CryptoError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, errno: errno) }
        defer { close(fd) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, errno: errno)
            }
            if count == 0 { break }
            contents.append(contentsOf: chunk.prefix(count))
            guard contents.count <= maximumSize else {
                throw .invalidPEM("\(path) is larger than \(maximumSize) bytes, too large for a key file")
            }
        }
        return String(decoding: contents, as: UTF8.self)
    }

    /// Creates `path` exclusively, so an existing key is never replaced, and removes it again
    /// if writing fails so that a retry is not blocked by a half-written file.
    static func createExclusively(_ path: String, contents: String, mode: mode_t) throws(CryptoError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { throw .fileExists(path) }
            throw .io(path: path, errno: code)
        }
        var failure: Int32 = 0
        // The umask may have narrowed the mode given to open; the key file's mode is part of the contract.
        if fchmod(fd, mode) != 0 { failure = errno }
        if failure == 0 { failure = writeAll(fd, Array(contents.utf8)) }
        // The key must be on disk before anyone is told it exists.
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure != 0 {
            unlink(path)
            throw .io(path: path, errno: failure)
        }
    }

    /// Returns 0 or the errno of the failed write.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { buffer -> Int32 in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
    }
}
