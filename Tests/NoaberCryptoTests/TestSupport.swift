import Foundation
import NoaberCrypto
import NoaberTestSupport
import Testing

struct KnownAnswers: Decodable {
    struct SHA256Case: Decodable {
        let msgHex: String
        let `repeat`: Int
        let sha256: String
        let source: String
    }

    struct Ed25519Case: Decodable {
        let secretKey: String
        let publicKey: String
        let msgHex: String
        let signature: String
        let source: String
    }

    let sha256: [SHA256Case]
    let ed25519: [Ed25519Case]

    static func load() throws -> KnownAnswers {
        try SharedVectors.load(KnownAnswers.self, from: "known_answers.json", keys: .convertFromSnakeCase)
    }
}

/// Decodes hex that the test itself relies on, failing the test rather than crashing.
func bytes(_ hex: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
    try #require(Hex.decode(hex), "bad hex in test data: \(hex)", sourceLocation: sourceLocation)
}

func filePermissions(_ url: URL) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    return try #require(attributes[.posixPermissions] as? Int)
}
