/// Lowercase hexadecimal text, the form digests, keys and ids take in JSON and on screen.
package enum Hex {
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        // Every entry's record and every page answer encodes a few digests and a signature: one
        // pass over contiguous bytes into the string's own storage, not an append per digit.
        if let text = bytes.withContiguousStorageIfAvailable(encode(contiguous:)) { return text }
        return Array(bytes).withUnsafeBufferPointer(encode(contiguous:))
    }

    private static func encode(contiguous bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { utf8 in
            for (index, byte) in bytes.enumerated() {
                utf8[2 * index] = digit(byte >> 4)
                utf8[2 * index + 1] = digit(byte & 0x0f)
            }
            return bytes.count * 2
        }
    }

    /// The lowercase digit of a value below 16.
    private static func digit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") - 10 + value
    }

    /// Returns nil on odd length or any character that is not a hex digit; accepts either case.
    package static func decode(_ hex: String) -> [UInt8]? { decode(hex, lowercaseOnly: false) }

    /// Like `decode`, but also nil on an uppercase digit: the form ids and keys take in payloads,
    /// where one value must have exactly one spelling.
    package static func decodeLowercase(_ hex: String) -> [UInt8]? { decode(hex, lowercaseOnly: true) }

    private static func decode(_ hex: String, lowercaseOnly: Bool) -> [UInt8]? {
        // Read from the string's own UTF-8 storage: a verify decodes every entry's signature,
        // hashes and Merkle nodes.
        var hex = hex
        return hex.withUTF8 { utf8 -> [UInt8]? in
            guard utf8.count % 2 == 0 else { return nil }
            var failed = false
            let bytes = [UInt8](unsafeUninitializedCapacity: utf8.count / 2) { out, count in
                var index = 0
                while index < utf8.count {
                    guard let high = value(of: utf8[index], lowercaseOnly: lowercaseOnly),
                        let low = value(of: utf8[index + 1], lowercaseOnly: lowercaseOnly)
                    else {
                        failed = true
                        break
                    }
                    out[index / 2] = high << 4 | low
                    index += 2
                }
                count = index / 2
            }
            return failed ? nil : bytes
        }
    }

    private static func value(of character: UInt8, lowercaseOnly: Bool) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where !lowercaseOnly: character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
