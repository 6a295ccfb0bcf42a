/// Names a key in ledgers and on screen: lowercase hex of the first 16 bytes of
/// SHA-256 over the raw 32-byte Ed25519 public key (32 hex characters).
package struct KeyID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    package static let hexCount = 32

    package let hex: String

    /// Accepts exactly 32 hex characters of either case and normalises them to lowercase.
    package init?(hex: String) {
        guard hex.utf8.count == Self.hexCount, let bytes = Hex.decode(hex) else { return nil }
        self.hex = Hex.encode(bytes)
    }

    /// The id whose bytes these are (16 of them), as a packed page sends it.
    package init?(bytes: [UInt8]) {
        guard bytes.count == Self.hexCount / 2 else { return nil }
        hex = Hex.encode(bytes)
    }

    package init(publicKey: Ed25519PublicKey) {
        hex = Hex.encode(SHA256.hash(publicKey.rawRepresentation).bytes.prefix(Self.hexCount / 2))
    }

    package var description: String { hex }

    package static func < (lhs: KeyID, rhs: KeyID) -> Bool {
        lhs.hex < rhs.hex
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = KeyID(hex: text) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "A key id must be \(Self.hexCount) hex characters, got \"\(text)\""
                ))
        }
        self = id
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
