import Foundation
package import NoaberCrypto

/// The C2SP formats (checkpoints, proofs) and the protocol's proof hashes write SHA-256 hashes in
/// standard base64, where the hash chain uses hex.
extension SHA256Digest {
    package var base64: String { Data(bytes).base64EncodedString() }

    /// Only the canonical, padded spelling of exactly 32 bytes.
    package init?(base64 text: String) {
        guard let data = Data(base64Encoded: text), data.base64EncodedString() == text else { return nil }
        self.init(bytes: Array(data))
    }
}
