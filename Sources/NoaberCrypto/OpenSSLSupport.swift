internal import COpenSSL

/// Owns an EVP_PKEY and frees it when the last Swift reference goes away.
// Safe to share: EVP_PKEY is reference counted and immutable after creation; each sign/verify uses its own EVP_MD_CTX.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    var isEd25519: Bool {
        EVP_PKEY_get_id(pointer) == EVP_PKEY_ED25519
    }

    /// The raw 32-byte public key, which private and public Ed25519 keys both carry.
    func rawEd25519PublicKey() throws(CryptoError) -> [UInt8] {
        var raw = [UInt8](repeating: 0, count: 32)
        var length = raw.count
        let status = raw.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_raw_public_key(pointer, $0.baseAddress, &length)
        }
        guard status == 1, length == 32 else { throw .openSSLFailure("EVP_PKEY_get_raw_public_key") }
        return raw
    }
}

/// Takes every queued OpenSSL error and empties the queue, so a later unrelated call
/// cannot pick up this failure as its own.
func drainOpenSSLErrors() -> String {
    var messages: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        messages.append(String(decoding: bytes, as: UTF8.self))
    }
    ERR_clear_error()
    return messages.isEmpty ? "no OpenSSL error recorded" : messages.joined(separator: "; ")
}

extension CryptoError {
    static func openSSLFailure(_ operation: String) -> CryptoError {
        .openSSL("\(operation): \(drainOpenSSLErrors())")
    }
}

/// Runs `body` with a pointer that is never nil, because some OpenSSL entry points
/// reject a NULL data pointer even when the length is zero.
func withNonNilBytes<R>(
    _ buffer: UnsafeRawBufferPointer,
    _ body: (UnsafePointer<UInt8>, Int) -> R
) -> R {
    if let base = buffer.baseAddress, buffer.count > 0 {
        return body(base.assumingMemoryBound(to: UInt8.self), buffer.count)
    }
    var placeholder: UInt8 = 0
    return withUnsafePointer(to: &placeholder) { body($0, 0) }
}

/// Reads everything a memory BIO holds as text; the BIO is where PEM writers put their output.
func withMemoryBIO(_ write: (OpaquePointer) -> Int32) -> String? {
    guard let bio = BIO_new(BIO_s_mem()) else { return nil }
    defer { BIO_free(bio) }
    guard write(bio) == 1 else { return nil }
    let pending = Int(BIO_ctrl_pending(bio))
    var bytes = [UInt8](repeating: 0, count: pending)
    let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(pending)) }
    guard read == Int32(pending) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
}

/// Parses PEM text through a read-only memory BIO that borrows the string's bytes.
func withPEMBIO<R>(_ pem: String, _ body: (OpaquePointer) -> R?) -> R? {
    var text = pem
    return text.withUTF8 { utf8 -> R? in
        guard utf8.count <= Int(Int32.max) else { return nil }
        return withNonNilBytes(UnsafeRawBufferPointer(utf8)) { base, count -> R? in
            guard let bio = BIO_new_mem_buf(base, Int32(count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }
}
