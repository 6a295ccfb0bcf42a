import Foundation
import NoaberCrypto
import Testing

/// The shared vectors live beside the project, at `../shared/vectors` from the package root.
enum Vectors {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .resolvingSymlinksInPath()
        .deletingLastPathComponent()  // NoaberCryptoTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("../shared/vectors")
        .standardizedFileURL

    static var available: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    static let skipMessage: Comment = "test vectors folder ../shared/vectors is absent; skipping vector tests"

    static func load<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }
}

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
        try Vectors.load(KnownAnswers.self, from: "known_answers.json")
    }
}

/// Decodes hex that the test itself relies on, failing the test rather than crashing.
func bytes(_ hex: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
    try #require(Hex.decode(hex), "bad hex in test data: \(hex)", sourceLocation: sourceLocation)
}

/// A fresh directory under the system temporary directory, removed when `body` returns.
func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("noaber-hashing-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

func filePermissions(_ url: URL) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    return try #require(attributes[.posixPermissions] as? Int)
}
