import Foundation
import NoaberCrypto

/// The small pieces of syntax the three C2SP formats share. Everything works on UTF-8 bytes, not on
/// `Character`s: Swift joins "\r\n" into one character and compares strings up to Unicode canonical
/// equivalence, while a signature covers exact bytes.
enum NoteSyntax {
    static let newline = UInt8(ascii: "\n")

    /// Refuses ASCII control characters other than newline (signed-note, "Format").
    static func checkCharacters(_ bytes: some Collection<UInt8>) throws(NoteError) {
        if let control = bytes.first(where: { $0 < 0x20 && $0 != newline }) {
            throw .controlCharacter(control)
        }
    }

    /// A note text: no control characters but newline, and a final newline.
    static func checkText(_ bytes: some BidirectionalCollection<UInt8>) throws(NoteError) {
        try checkCharacters(bytes)
        guard bytes.last == newline else { throw .missingFinalNewline }
    }

    /// Non-empty, with no Unicode space (White_Space, as Go's unicode.IsSpace) and no plus sign. Control
    /// characters are refused too: a name with one could never appear on a signature line.
    static func isValidKeyName(_ name: String) -> Bool {
        !name.isEmpty
            && !name.unicodeScalars.contains { scalar in
                scalar == "+" || scalar.properties.isWhitespace || scalar.value < 0x20
            }
    }

    static func encodeBase64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Standard padded base64, and only its canonical spelling: re-encoding the bytes must give the
    /// text back. That refuses missing padding, whitespace and non-zero leftover bits, so one value has
    /// one spelling and a parsed note serialises to exactly the bytes it came from.
    static func decodeBase64(
        _ text: some Collection<UInt8>, field: @autoclosure () -> String
    ) throws(NoteError) -> [UInt8] {
        let string = String(decoding: text, as: UTF8.self)
        guard let data = Data(base64Encoded: string), data.base64EncodedString() == string else {
            throw .invalidBase64(field: field())
        }
        return [UInt8](data)
    }

    /// ASCII decimal with no sign and no leading zeros (except "0" itself) that fits in a UInt64.
    static func parseDecimal(_ bytes: some Collection<UInt8>) -> UInt64? {
        guard let first = bytes.first, !(first == UInt8(ascii: "0") && bytes.count > 1) else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// The lines of `bytes`, which must not include the final newline; empty lines are kept.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        bytes.split(separator: newline, maxSplits: .max, omittingEmptySubsequences: false)
    }

    /// Whether `bytes` starts with the UTF-8 of `prefix`; returns what follows it.
    static func dropPrefix(_ prefix: String, from bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let prefix = Array(prefix.utf8)
        guard bytes.starts(with: prefix) else { return nil }
        return bytes.dropFirst(prefix.count)
    }

    static func string(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Byte equality; `==` on String would also equate canonically equivalent spellings.
    static func same(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8)
    }
}

/// The 32-bit key ID that names a key on a signature line, next to the key name.
enum NoteKeyID {
    /// Ed25519's signature type byte (signed-note, "Signature types").
    static let ed25519: UInt8 = 0x01

    /// SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key), first four bytes, big-endian.
    static func compute(name: String, publicKey: Ed25519PublicKey) -> UInt32 {
        let digest = SHA256.hash(Array(name.utf8) + [0x0A, ed25519] + publicKey.rawRepresentation)
        return value(digest.bytes.prefix(4))
    }

    static func bytes(_ keyID: UInt32) -> [UInt8] {
        [
            UInt8(keyID >> 24), UInt8(truncatingIfNeeded: keyID >> 16), UInt8(truncatingIfNeeded: keyID >> 8),
            UInt8(truncatingIfNeeded: keyID),
        ]
    }

    /// The big-endian value of exactly four bytes.
    static func value(_ bytes: some Collection<UInt8>) -> UInt32 {
        precondition(bytes.count == 4, "a key ID is four bytes")
        return bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Eight lowercase hex digits, as Go's `%08x` prints it in verifier keys.
    static func hex(_ keyID: UInt32) -> String {
        Hex.encode(bytes(keyID))
    }
}
