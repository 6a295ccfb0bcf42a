import Foundation
package import NoaberCore
package import NoaberCrypto

/// A fresh entry id: 128 random bits, so that two clients never pick the same one.
package func newEntryID() throws -> String { Hex.encode(try SecureRandom.bytes(16)) }

/// The private key in `path`, which `option` named; a public key there is named as the mistake it is.
package func loadPrivateKey(_ path: String, option: String = "--key") throws -> Ed25519PrivateKey {
    do { return try Ed25519PrivateKey(contentsOfFile: path) } catch .publicKeyGiven {
        let beside = path.hasSuffix(".pub") ? " (keygen writes it beside this one, as \(path.dropLast(4)))" : ""
        throw ClientFailure("\(path) is a public key; \(option) needs the private key file\(beside)")
    } catch {
        throw ClientFailure("cannot use private key \(path): \(error)")
    }
}

package func loadPublicKey(_ path: String) throws -> Ed25519PublicKey {
    do { return try Ed25519PublicKey(contentsOfFile: path) } catch {
        throw ClientFailure("cannot use public key \(path): \(error)")
    }
}
