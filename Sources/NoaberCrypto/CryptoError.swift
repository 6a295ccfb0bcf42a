#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Errors of the hashing and signing module.
package enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A raw key or seed did not have the byte count Ed25519 requires.
    case invalidKeyLength(expected: Int, actual: Int)
    /// A PEM text could not be parsed, or it holds a key that is not the expected Ed25519 kind.
    case invalidPEM(String)
    /// An OpenSSL call failed; carries the operation and OpenSSL's own error string.
    case openSSL(String)
    /// OpenSSL's random generator could not produce the requested bytes.
    case randomFailed
    /// Opening, reading or writing a key file failed with the given errno.
    case io(path: String, errno: Int32)
    /// A key file already exists at the path; keys are never overwritten.
    case fileExists(String)
    /// A public key was given where the private key is needed: the usual slip of passing FILE.pub
    /// for FILE, which OpenSSL would only call a PEM without a private key in it.
    case publicKeyGiven

    package var description: String {
        switch self {
        case .invalidKeyLength(let expected, let actual):
            return "An Ed25519 key must be \(expected) bytes long, but \(actual) bytes were given; "
                + "check that the key was copied in full."
        case .invalidPEM(let reason):
            return "The PEM text is not a usable key (\(reason)); supply an unencrypted Ed25519 key as "
                + "`openssl genpkey -algorithm ed25519` or `openssl pkey -pubout` writes it."
        case .openSSL(let message):
            return "OpenSSL failed (\(message)); check that the OpenSSL 3 library is installed and working."
        case .randomFailed:
            return "The system random number generator could not supply bytes; "
                + "check that /dev/urandom is readable and try again."
        case .io(let path, let code):
            return "Could not read or write the key file '\(path)': \(String(cString: strerror(code))) "
                + "(errno \(code)); check the path and its permissions."
        case .fileExists(let path):
            return "The key file '\(path)' already exists and will not be overwritten; "
                + "move it away or choose another path."
        case .publicKeyGiven:
            return "This is a public key; the private key is needed here (`noaber keygen --out FILE` "
                + "writes the private key to FILE and the public key to FILE.pub)."
        }
    }
}
