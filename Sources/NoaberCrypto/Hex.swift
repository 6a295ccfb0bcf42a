/// Lowercase hexadecimal text, the form digests, keys and ids take in JSON and on screen.
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The common case, written straight into the string's storage: every entry's hash record
    /// spells out its previous hash, key id and signature, on the writer's thread.
    package static func encode(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { utf8 in
            for (index, byte) in bytes.enumerated() {
                utf8[2 * index] = digit(byte >> 4)
                utf8[2 * index + 1] = digit(byte & 0x0f)
            }
            return bytes.count * 2
        }
    }

    private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            utf8.append(digits[Int(byte >> 4)])
            utf8.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Returns nil on odd length or any character that is not a hex digit; accepts either case.
    package static func decode(_ hex: String) -> [UInt8]? { decode(hex, lowercaseOnly: false) }

    /// Like `decode`, but also nil on an uppercase digit: the form ids and keys take in payloads,
    /// where one value must have exactly one spelling.
    package static func decodeLowercase(_ hex: String) -> [UInt8]? { decode(hex, lowercaseOnly: true) }

    private static func decode(_ hex: String, lowercaseOnly: Bool) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(of: utf8[index], lowercaseOnly: lowercaseOnly),
                let low = value(of: utf8[index + 1], lowercaseOnly: lowercaseOnly)
            else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
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
