internal import COpenSSL

/// A SHA-256 digest: exactly 32 bytes.
package struct SHA256Digest: Hashable, Sendable, CustomStringConvertible {
    package static let byteCount = 32

    /// Always exactly `byteCount` bytes.
    package let bytes: [UInt8]

    /// Returns nil unless `bytes` holds exactly 32 bytes.
    package init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// Returns nil unless `hex` is 64 hex characters (either case).
    package init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    package static let zero = SHA256Digest(uncheckedBytes: [UInt8](repeating: 0, count: byteCount))

    /// Lowercase hex, 64 characters.
    package var hex: String { Hex.encode(bytes) }

    package var description: String { hex }

    init(uncheckedBytes: [UInt8]) {
        self.bytes = uncheckedBytes
    }
}

package enum SHA256 {
    /// SHA-256 fetched from the default provider once: with `EVP_sha256()` OpenSSL 3 looks the
    /// implementation up again for every digest (a lock and a cache search), about a third of
    /// hashing a short record, and a verify hashes every entry's record twice.
    /// OpenSSL documents a fetched algorithm as safe to use from many threads at once; it is never
    /// changed or freed.
    nonisolated(unsafe) static let algorithm: OpaquePointer = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()

    package static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        bytes.withUnsafeBytes { hash($0) }
    }

    package static func hash(_ buffer: UnsafeRawBufferPointer) -> SHA256Digest {
        var output = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
        var length: UInt32 = 0
        let status = withNonNilBytes(buffer) { base, count in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(base, count, out.baseAddress, &length, algorithm, nil)
            }
        }
        // SHA-256 over memory can only fail if OpenSSL itself is broken; there is nothing to recover.
        precondition(
            status == 1 && length == UInt32(SHA256Digest.byteCount),
            "EVP_Digest(SHA-256) failed: \(drainOpenSSLErrors())")
        return SHA256Digest(uncheckedBytes: output)
    }

    /// Hashes the UTF-8 encoding of `string`.
    package static func hash(_ string: String) -> SHA256Digest {
        var string = string
        return string.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }
}

/// Streaming SHA-256 over an EVP_MD_CTX, for input that arrives in pieces.
/// Not Sendable: the context is mutated by every call.
package final class SHA256Hasher {
    private let context: OpaquePointer
    private var finalized = false

    package init() {
        guard let context = EVP_MD_CTX_new() else {
            fatalError("EVP_MD_CTX_new failed: \(drainOpenSSLErrors())")
        }
        guard EVP_DigestInit_ex(context, SHA256.algorithm, nil) == 1 else {
            fatalError("EVP_DigestInit_ex(SHA-256) failed: \(drainOpenSSLErrors())")
        }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    package func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    package func update(_ buffer: UnsafeRawBufferPointer) {
        precondition(!finalized, "SHA256Hasher.update called after finalize()")
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let status = EVP_DigestUpdate(context, base, buffer.count)
        precondition(status == 1, "EVP_DigestUpdate failed: \(drainOpenSSLErrors())")
    }

    /// Feeds the UTF-8 encoding of `string`.
    package func update(_ string: String) {
        var string = string
        string.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    package func finalize() -> SHA256Digest {
        precondition(!finalized, "SHA256Hasher.finalize called twice")
        finalized = true
        var output = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
        var length: UInt32 = 0
        let status = output.withUnsafeMutableBufferPointer {
            EVP_DigestFinal_ex(context, $0.baseAddress, &length)
        }
        precondition(
            status == 1 && length == UInt32(SHA256Digest.byteCount),
            "EVP_DigestFinal_ex failed: \(drainOpenSSLErrors())")
        return SHA256Digest(uncheckedBytes: output)
    }
}

@available(*, unavailable, message: "SHA256Hasher mutates an OpenSSL context; use one per task")
extension SHA256Hasher: Sendable {}
